// SPDX-License-Identifier: MIT
#include "health/ThresholdWatch.h"

namespace ops::services {

QString ThresholdRule::describe() const
{
    return QStringLiteral("%1 %2 %3 for %4 s").arg(metric, above ? QStringLiteral(">") : QStringLiteral("<"))
        .arg(limit).arg(sustain.count());
}

ThresholdWatch::Edge ThresholdWatch::feed(const QDateTime& at, double value)
{
    const bool bad = m_rule.above ? value > m_rule.limit : value < m_rule.limit;
    if (!bad) {
        m_badSince.reset();
        if (m_breached) {
            m_breached = false;
            return Edge::Cleared;
        }
        return Edge::None;
    }
    if (!m_badSince)
        m_badSince = at;
    if (!m_breached && m_badSince->msecsTo(at) >= qint64(m_rule.sustain.count()) * 1000) {
        m_breached = true;
        return Edge::Breached;
    }
    return Edge::None;
}

} // namespace ops::services
