// SPDX-License-Identifier: MIT
#include "deploy/AuditVerifier.h"

#include <QCryptographicHash>

namespace ops::services {

Result<AuditVerification> AuditVerifier::verify(Pool& pool, int pageSize, const std::atomic<bool>* cancel,
                                                const std::function<void(qint64 rowsChecked)>& progress)
{
    AuditVerification result;
    QByteArray expectedPrev = QCryptographicHash::hash(QByteArray(), QCryptographicHash::Sha256).toHex();
    qint64 lastId = 0;
    while (true) {
        if (cancel && cancel->load()) {
            result.cancelled = true;
            return result;
        }
        auto page = pool.withClient(QStringLiteral("audit verify"), [&](Connection& c) {
            return c.exec(QStringLiteral(
                "SELECT id, encode(prev_hash, 'hex'), encode(row_hash, 'hex'), "
                "encode(ops.audit_row_hash(prev_hash, id, project_id, at, actor, action, subject, details), 'hex') "
                "FROM ops.audit_log WHERE id > $1 ORDER BY id LIMIT $2"), {lastId, pageSize});
        }, CallOptions::idempotentUnit());
        if (!page)
            return page.error();
        for (int row = 0; row < page->rowCount(); ++row) {
            const qint64 id = page->toInt64(row, 0);
            const QByteArray prev = page->bytes(row, 1), stored = page->bytes(row, 2), recomputed = page->bytes(row, 3);
            ++result.rowsChecked;
            if (prev != expectedPrev) {
                result.intact = false;
                result.brokenAtId = id;
                result.problem = QStringLiteral("row %1 does not follow row %2 (a row before it was removed or altered)")
                                     .arg(id).arg(lastId);
                return result;
            }
            if (recomputed != stored) {
                result.intact = false;
                result.brokenAtId = id;
                result.problem = QStringLiteral("row %1 was changed after it was written (its hash does not match its content)").arg(id);
                return result;
            }
            expectedPrev = stored;
            lastId = id;
        }
        if (progress)
            progress(result.rowsChecked);
        if (page->rowCount() < pageSize)
            break;
    }
    auto head = pool.withClient(QStringLiteral("audit verify head"), [&](Connection& c) {
        return c.exec(QStringLiteral("SELECT last_id, encode(last_hash, 'hex') FROM ops.audit_head"));
    }, CallOptions::idempotentUnit());
    if (!head)
        return head.error();
    if (head->rowCount() == 1 && head->bytes(0, 1) != expectedPrev) {
        result.intact = false;
        result.brokenAtId = head->isNull(0, 0) ? 0 : head->toInt64(0, 0);
        result.problem = QStringLiteral("the chain ends at row %1 but the head remembers row %2 (rows at the end were removed)")
                             .arg(lastId).arg(head->text(0, 0));
    }
    return result;
}

} // namespace ops::services
