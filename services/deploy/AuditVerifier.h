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

namespace ops::services {

struct AuditVerification {
    qint64 rowsChecked = 0;
    bool intact = true;
    qint64 brokenAtId = 0;   // first row whose link or content does not verify
    QString problem;         // what was wrong there
};

class AuditVerifier final {
public:
    static Result<AuditVerification> verify(Pool& pool, int pageSize = 5000);
};

} // namespace ops::services
