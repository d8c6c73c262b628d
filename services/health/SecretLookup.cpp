// SPDX-License-Identifier: MIT
#include "health/SecretLookup.h"

namespace ops::services {

namespace {
const QString environmentPrefix = QStringLiteral("OPS_SECRET_");
}

QString InMemorySecretStore::normalisedName(const QString& name)
{
    QString key = name.trimmed().toLower();
    key.replace(QLatin1Char('-'), QLatin1Char('_')).replace(QLatin1Char('.'), QLatin1Char('_'));
    return key;
}

std::optional<QByteArray> InMemorySecretStore::secret(const QString& name) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_secrets.constFind(normalisedName(name));
    if (it == m_secrets.constEnd())
        return std::nullopt;
    return *it;
}

void InMemorySecretStore::set(const QString& name, const QByteArray& value)
{
    std::lock_guard lock(m_mutex);
    m_secrets.insert(normalisedName(name), value);
}

void InMemorySecretStore::remove(const QString& name)
{
    std::lock_guard lock(m_mutex);
    m_secrets.remove(normalisedName(name));
}

int InMemorySecretStore::fillFromEnvironment(const QProcessEnvironment& environment)
{
    int found = 0;
    for (const QString& key : environment.keys()) {
        if (!key.startsWith(environmentPrefix) || key.size() == environmentPrefix.size())
            continue;
        set(key.mid(environmentPrefix.size()), environment.value(key).toUtf8());
        ++found;
    }
    return found;
}

} // namespace ops::services
