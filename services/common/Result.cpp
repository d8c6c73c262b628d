// SPDX-License-Identifier: MIT
#include "common/Result.h"

namespace ops::services {

QString errorKindName(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Connection: return QStringLiteral("connection failed");
    case ErrorKind::Timeout: return QStringLiteral("timed out");
    case ErrorKind::CircuitOpen: return QStringLiteral("circuit open");
    case ErrorKind::PoolExhausted: return QStringLiteral("pool exhausted");
    case ErrorKind::ShuttingDown: return QStringLiteral("shutting down");
    case ErrorKind::Transient: return QStringLiteral("transient failure");
    case ErrorKind::Query: return QStringLiteral("query failed");
    case ErrorKind::Permission: return QStringLiteral("permission denied");
    case ErrorKind::InvalidInput: return QStringLiteral("invalid input");
    case ErrorKind::NotFound: return QStringLiteral("not found");
    case ErrorKind::Io: return QStringLiteral("I/O error");
    case ErrorKind::Internal: return QStringLiteral("internal error");
    }
    return QStringLiteral("error");
}

QString Error::toString() const
{
    QString text = errorKindName(kind) + QStringLiteral(": ") + message;
    if (!sqlstate.isEmpty())
        text += QStringLiteral(" [%1]").arg(sqlstate);
    if (!detail.isEmpty())
        text += QStringLiteral(" (%1)").arg(detail);
    if (!hint.isEmpty())
        text += QStringLiteral(" hint: %1").arg(hint);
    return text;
}

} // namespace ops::services
