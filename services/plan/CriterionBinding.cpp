// SPDX-License-Identifier: MIT
#include "plan/CriterionBinding.h"

#include <QRegularExpression>

namespace ops::services::plan {

namespace {

// "> 95%", ">= 99.9 %", "< 200ms", "under 200 ms": operator and number with its unit.
QString comparison(const QString& text, const QString& defaultOp, const QString& unitPattern)
{
    static const QString ops = QStringLiteral("(>=|<=|==|=|>|<|≥|≤|under|below|above|over|at least|at most)");
    const QRegularExpression re(ops + QStringLiteral("\\s*(\\d+(?:\\.\\d+)?)\\s*(") + unitPattern + QStringLiteral(")"),
                                QRegularExpression::CaseInsensitiveOption);
    const auto match = re.match(text);
    if (!match.hasMatch())
        return {};
    QString op = match.captured(1).toLower();
    if (op == QStringLiteral("under") || op == QStringLiteral("below")) op = QStringLiteral("<");
    else if (op == QStringLiteral("above") || op == QStringLiteral("over")) op = QStringLiteral(">");
    else if (op == QStringLiteral("at least") || op == QStringLiteral("≥")) op = QStringLiteral(">=");
    else if (op == QStringLiteral("at most") || op == QStringLiteral("≤")) op = QStringLiteral("<=");
    else if (op == QStringLiteral("=")) op = QStringLiteral("==");
    Q_UNUSED(defaultOp);
    QString unit = match.captured(3).toLower().remove(QLatin1Char(' '));
    if (unit == QStringLiteral("s") || unit == QStringLiteral("sec"))
        return op + QLatin1Char(' ') + QString::number(match.captured(2).toDouble() * 1000.0) + QStringLiteral("ms");
    return op + QLatin1Char(' ') + match.captured(2) + unit;
}

} // namespace

QString bindCriterionPhrase(const QString& text)
{
    const QString lower = text.toLower();
    if (lower.contains(QStringLiteral("success rate"))) {
        const QString cmp = comparison(text, QStringLiteral(">"), QStringLiteral("%"));
        return cmp.isEmpty() ? QString() : QStringLiteral("success_rate(1h) ") + cmp;
    }
    if (lower.contains(QStringLiteral("response time")) || lower.contains(QStringLiteral("latency"))) {
        const QString cmp = comparison(text, QStringLiteral("<"), QStringLiteral("ms|s|sec"));
        if (cmp.isEmpty())
            return {};
        const bool mean = lower.contains(QStringLiteral("average")) || lower.contains(QStringLiteral("mean"));
        return (mean ? QStringLiteral("mean_latency(15m) ") : QStringLiteral("p95_latency(15m) ")) + cmp;
    }
    if (lower.contains(QStringLiteral("circuit"))) {
        static const QRegularExpression state(QStringLiteral("\\b(closed|open|half[_ -]?open)\\b"),
                                              QRegularExpression::CaseInsensitiveOption);
        const auto match = state.match(text);
        if (match.hasMatch())
            return QStringLiteral("circuit_state == ") + match.captured(1).toUpper().replace(QRegularExpression(QStringLiteral("[ -]")), QStringLiteral("_"));
        return {};
    }
    if (lower.contains(QStringLiteral("uptime"))) {
        const QString cmp = comparison(text, QStringLiteral(">="), QStringLiteral("%"));
        return cmp.isEmpty() ? QString() : QStringLiteral("uptime(24h) ") + (cmp.startsWith(QStringLiteral("== ")) ? QStringLiteral(">= ") + cmp.mid(3) : cmp);
    }
    if (lower.contains(QStringLiteral("health")) && lower.contains(QStringLiteral("healthy")))
        return QStringLiteral("health_status == healthy");
    return {};
}

} // namespace ops::services::plan
