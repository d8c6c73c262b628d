// SPDX-License-Identifier: MIT
#pragma once

// ViolationCsvExport: the rows of the current filter as CSV, streamed page by page (keyset pages,
// never the whole result in memory), written through QSaveFile so a failed or cancelled export
// leaves no half file behind. Cells follow RFC 4180 (quoted when they hold a comma, quote, CR or
// LF; quotes doubled; CRLF line ends) and are safe to open in a spreadsheet: a cell starting with
// = + - @ (or tab / CR, which some spreadsheets skip before a formula) gets a leading apostrophe,
// so outside text can never become a formula. Blocking: call it off the GUI thread.

#include "common/Result.h"
#include "db/Pool.h"
#include "sandbox/ViolationQuery.h"

#include <atomic>
#include <functional>

namespace ops::services::sandbox {

class ViolationCsvExport final {
public:
    static constexpr int PageRows = 2000;

    // One CSV cell (quoted when needed, formula-safe).
    static QString cell(const QString& text);
    static QString headerLine();
    static QString line(const ViolationRow& row);

    // Writes every row matching `filter` to `path`. `progress` (optional) gets the rows written so far
    // after each page; `cancel` (optional) stops between pages (the file is then not created).
    // Returns the rows written.
    static Result<qint64> exportTo(Pool& pool, qint64 projectId, const ViolationFilter& filter, const QString& path,
                                   const std::function<void(qint64)>& progress = {},
                                   const std::atomic_bool* cancel = nullptr);
};

} // namespace ops::services::sandbox
