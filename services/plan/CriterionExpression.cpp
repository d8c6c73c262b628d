// SPDX-License-Identifier: MIT
#include "plan/CriterionExpression.h"

#include <QRegularExpression>

namespace ops::services::plan {

QString criterionStateName(CriterionState state)
{
    switch (state) {
    case CriterionState::Met: return QStringLiteral("met");
    case CriterionState::NotMet: return QStringLiteral("not_met");
    case CriterionState::NotApplicable: return QStringLiteral("not_applicable");
    case CriterionState::NotMeasured: return QStringLiteral("not_measured");
    }
    return QStringLiteral("not_measured");
}

Result<CriterionExpression> CriterionExpression::parse(const QString& text)
{
    static const QRegularExpression re(QStringLiteral(
        "^\\s*([a-z][a-z0-9_]*)\\s*(?:\\(\\s*(\\d+)\\s*(s|m|h|d)\\s*\\))?\\s*(>=|<=|==|!=|>|<)\\s*"
        "(?:(-?\\d+(?:\\.\\d+)?)\\s*(%|ms|s)?|([A-Za-z][A-Za-z0-9_]*))\\s*$"));
    const auto match = re.match(text);
    if (!match.hasMatch())
        return Error::make(ErrorKind::InvalidInput,
                           QStringLiteral("not a criterion expression: \"%1\" (expected e.g. success_rate(1h) > 95%)").arg(text.trimmed()));
    CriterionExpression e;
    e.m_metric = match.captured(1);
    if (!match.captured(2).isEmpty()) {
        const qint64 amount = match.captured(2).toLongLong();
        const QString unit = match.captured(3);
        const qint64 factor = unit == QStringLiteral("s") ? 1 : unit == QStringLiteral("m") ? 60 : unit == QStringLiteral("h") ? 3600 : 86400;
        e.m_window = std::chrono::seconds(amount * factor);
        e.m_windowText = match.captured(2) + unit;
    }
    const QString op = match.captured(4);
    e.m_op = op == QStringLiteral(">") ? Op::Greater : op == QStringLiteral(">=") ? Op::GreaterEqual
           : op == QStringLiteral("<") ? Op::Less : op == QStringLiteral("<=") ? Op::LessEqual
           : op == QStringLiteral("==") ? Op::Equal : Op::NotEqual;
    if (!match.captured(5).isEmpty()) {
        double number = match.captured(5).toDouble();
        const QString unit = match.captured(6);
        if (unit == QStringLiteral("%")) e.m_unit = Unit::Percent;
        else if (unit == QStringLiteral("ms")) e.m_unit = Unit::Milliseconds;
        else if (unit == QStringLiteral("s")) { e.m_unit = Unit::Milliseconds; number *= 1000.0; }
        e.m_number = number;
    } else {
        e.m_word = match.captured(7);
        if (e.m_op != Op::Equal && e.m_op != Op::NotEqual)
            return Error::make(ErrorKind::InvalidInput, QStringLiteral("a word such as %1 compares only with == or !=").arg(e.m_word));
    }
    return e;
}

QString CriterionExpression::toString() const
{
    static const char* ops[] = {">", ">=", "<", "<=", "==", "!="};
    QString out = m_metric;
    if (!m_windowText.isEmpty())
        out += QLatin1Char('(') + m_windowText + QLatin1Char(')');
    out += QLatin1Char(' ') + QLatin1String(ops[int(m_op)]) + QLatin1Char(' ');
    if (m_number) {
        out += QString::number(*m_number);
        if (m_unit == Unit::Percent) out += QLatin1Char('%');
        if (m_unit == Unit::Milliseconds) out += QStringLiteral("ms");
    } else {
        out += m_word;
    }
    return out;
}

CriterionEvaluation CriterionExpression::judge(const MetricReading& reading) const
{
    CriterionEvaluation result;
    if (reading.status == MetricReading::Status::Unsupported) {
        result.state = CriterionState::NotApplicable;
        result.reason = reading.reason.isEmpty() ? QStringLiteral("no source measures %1").arg(m_metric) : reading.reason;
        return result;
    }
    if (reading.status == MetricReading::Status::NoData || (!reading.number && reading.text.isEmpty())) {
        result.state = CriterionState::NotMeasured;
        result.reason = reading.reason.isEmpty() ? QStringLiteral("no data yet") : reading.reason;
        return result;
    }
    bool met = false;
    if (m_number) {
        if (!reading.number) {
            result.state = CriterionState::NotApplicable;
            result.measured = reading.text;
            result.reason = QStringLiteral("%1 is not a number").arg(m_metric);
            return result;
        }
        const double v = *reading.number;
        const double t = *m_number;
        switch (m_op) {
        case Op::Greater: met = v > t; break;
        case Op::GreaterEqual: met = v >= t; break;
        case Op::Less: met = v < t; break;
        case Op::LessEqual: met = v <= t; break;
        case Op::Equal: met = v == t; break;
        case Op::NotEqual: met = v != t; break;
        }
        result.measured = QString::number(v, 'g', 6) + (m_unit == Unit::Percent ? QStringLiteral("%")
                                                         : m_unit == Unit::Milliseconds ? QStringLiteral("ms") : QString());
    } else {
        const QString value = reading.text.isEmpty() ? QString::number(*reading.number) : reading.text;
        const bool equal = value.compare(m_word, Qt::CaseInsensitive) == 0;
        met = m_op == Op::Equal ? equal : !equal;
        result.measured = value;
    }
    result.state = met ? CriterionState::Met : CriterionState::NotMet;
    return result;
}

CriterionEvaluation CriterionExpression::evaluate(MetricSource& source) const
{
    return judge(source.measure(m_metric, m_window));
}

} // namespace ops::services::plan
