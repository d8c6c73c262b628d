// SPDX-License-Identifier: MIT
#include "db/ConnectionProfiles.h"

#include "db/SettingsValidator.h"

namespace ops::services {

namespace {
const QString profilesGroup = QStringLiteral("database/profiles");
const QString activeKey = QStringLiteral("database/activeProfile");
const QString connectionStringKey = QStringLiteral("database/connectionString");
const QString firstRunKey = QStringLiteral("firstRun/completed");

QString profileKey(const QString& name)
{
    return profilesGroup + QLatin1Char('/') + name;
}
} // namespace

QStringList ConnectionProfiles::names() const
{
    m_settings.beginGroup(profilesGroup);
    QStringList names = m_settings.childKeys();
    m_settings.endGroup();
    names.sort(Qt::CaseInsensitive);
    return names;
}

QString ConnectionProfiles::connectionString(const QString& name) const
{
    return m_settings.value(profileKey(name)).toString();
}

Result<void> ConnectionProfiles::save(const QString& name, const QString& connectionString)
{
    if (QString problem = SettingsValidator::profileName(name); !problem.isEmpty())
        return Error::make(ErrorKind::InvalidInput, problem);
    if (QString problem = SettingsValidator::connectionString(connectionString); !problem.isEmpty())
        return Error::make(ErrorKind::InvalidInput, problem);
    m_settings.setValue(profileKey(name), connectionString);
    if (active() == name)
        m_settings.setValue(connectionStringKey, connectionString);
    return {};
}

void ConnectionProfiles::remove(const QString& name)
{
    if (active() == name)
        (void)setActive(QString());
    m_settings.remove(profileKey(name));
}

QString ConnectionProfiles::active() const
{
    return m_settings.value(activeKey).toString();
}

Result<void> ConnectionProfiles::setActive(const QString& name)
{
    if (name.isEmpty()) {
        m_settings.remove(activeKey);
        m_settings.remove(connectionStringKey);
        return {};
    }
    if (!m_settings.contains(profileKey(name)))
        return Error::make(ErrorKind::NotFound, QStringLiteral("no connection profile named %1").arg(name));
    m_settings.setValue(activeKey, name);
    m_settings.setValue(connectionStringKey, connectionString(name));
    return {};
}

bool ConnectionProfiles::firstRunCompleted() const
{
    return m_settings.value(firstRunKey, false).toBool();
}

void ConnectionProfiles::markFirstRunCompleted()
{
    m_settings.setValue(firstRunKey, true);
}

} // namespace ops::services
