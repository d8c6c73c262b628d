// SPDX-License-Identifier: MIT
#pragma once

// AuditVerifier: recomputes the audit log's hash chain (0002) and reports the first broken link.
// Each row's hash is recomputed in the database with ops.audit_row_hash (the one definition of
// what a row's hash covers) from its stored prev_hash; the link is checked here: a row's
// prev_hash must equal the previous row's row_hash (the first row's: sha256 of nothing), and
// ops.audit_head must point at the last row. So an edited row, a deleted row and a deleted tail
// are all found. Reads in keyset pages, so a long log does not load at once. Needs to see every
// row (an admin or the owner): with row-level security hiding rows the chain looks broken.

#include "db/Pool.h"

#include <atomic>
#include <functional>

namespace ops::services {

struct AuditVerification {
    qint64 rowsChecked = 0;
    bool intact = true;
    qint64 brokenAtId = 0;   // first row whose link or content does not verify
    QString problem;         // what was wrong there
    bool cancelled = false;  // stopped on request before the end: nothing is claimed about the rest
};

class AuditVerifier final {
public:
    // `cancel` (optional) is read before each page; once set, verification stops there and says so.
    // `progress` (optional) is called after each page with the rows checked so far, on the
    // calling thread.
    static Result<AuditVerification> verify(Pool& pool, int pageSize = 5000, const std::atomic<bool>* cancel = nullptr,
                                            const std::function<void(qint64 rowsChecked)>& progress = {});
};

} // namespace ops::services
