// SPDX-License-Identifier: MIT
#pragma once

// CheckpointReport: a checkpoint's report as Markdown for the team chat or the repository: the
// criteria table (binding, state, measured value) and every sign-off from its immutable snapshot,
// newest first, a No-Go listing what was not met. (PDF export needs QtGui's QPdfWriter and so
// belongs to the widgets layer; not done yet.)

#include "common/Result.h"
#include "db/Connection.h"
#include "plan/CheckpointService.h"

#include <QJsonObject>

namespace ops::services::plan {

struct SignoffRecord {
    qint64 id = 0;
    QString decision;     // go / no_go
    QString comment;
    QString signedBy;
    QDateTime signedAt;
    QJsonObject snapshot;
};

class CheckpointReport final {
public:
    static Result<QList<SignoffRecord>> signoffs(Connection& connection, qint64 checkpointId);
    static QString markdown(const CheckpointStatus& status, const QList<SignoffRecord>& signoffs);
};

} // namespace ops::services::plan
