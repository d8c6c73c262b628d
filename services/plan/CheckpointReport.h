// SPDX-License-Identifier: MIT
#pragma once

// CheckpointReport: a checkpoint's report (Markdown here, PDF through widgets/standup's
// ReportPdfWriter): the criteria table (binding, state, measured value) and every sign-off from its
// immutable snapshot, newest first, a No-Go listing what was not met, and the Health metric the
// criteria depend on for the chart.

#include "common/Result.h"
#include "db/Connection.h"
#include "plan/CheckpointService.h"
#include "plan/Report.h"

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
    static Report build(const CheckpointStatus& status, const QList<SignoffRecord>& signoffs);
    static QString markdown(const CheckpointStatus& status, const QList<SignoffRecord>& signoffs);
    // "GO by rana at 2025-01-21T17:00:00Z: comment — not met at signing: ..."
    static QString signoffLine(const SignoffRecord& record);
    // The first metric-bound criterion's chartable metric, else p95_latency.
    static QString chartMetricFor(const CheckpointStatus& status);
};

} // namespace ops::services::plan
