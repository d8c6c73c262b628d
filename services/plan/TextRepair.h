// SPDX-License-Identifier: MIT
#pragma once

// Repairs text whose UTF-8 bytes were once decoded as Windows-1252 and saved again ("ðŸŽ¯" for
// 🎯, "âœ…" for ✅, "â†’" for →): each run of non-ASCII characters that Windows-1252 can encode
// is turned back into bytes and, when those bytes are valid UTF-8, replaced by the decoded text.
// Genuine Latin-1 text ("café") is not valid UTF-8 once re-encoded and is left alone.

#include <QString>

namespace ops::services::plan {

// Returns the repaired text; `repairs` (optional) counts the runs replaced.
QString repairMojibake(const QString& text, int* repairs = nullptr);

} // namespace ops::services::plan
