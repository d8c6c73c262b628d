// SPDX-License-Identifier: MIT
#pragma once

// ConnectionProfiles: the saved database connections in QSettings, without passwords.
//   database/profiles/<name>   the profile's libpq string (password refused)
//   database/activeProfile     the profile the console starts with; absent: the embedded default
//   database/connectionString  the active profile's string, as AppOptions reads it at start
//   firstRun/completed         the first-run wizard has been shown (finished or skipped)
// A profile's password lives in the SecretStore as "database/<name>", never here.
// GUI thread (QSettings is not shared across threads here).

#include "common/Result.h"

#include <QSettings>
#include <QStringList>

namespace ops::services {

class ConnectionProfiles final {
public:
    explicit ConnectionProfiles(QSettings& settings) : m_settings(settings) {}

    QStringList names() const;
    QString connectionString(const QString& name) const;
    // Refuses an invalid name or a string that is invalid or holds a password (the message says why).
    // Saving the active profile also updates database/connectionString (used from the next start).
    Result<void> save(const QString& name, const QString& connectionString);
    // Removing the active profile makes the embedded default active again.
    void remove(const QString& name);
    // Empty: the embedded default.
    QString active() const;
    Result<void> setActive(const QString& name);

    bool firstRunCompleted() const;
    void markFirstRunCompleted();

    // The secret store's name for a profile's password.
    static QString secretName(const QString& profile) { return QStringLiteral("database/") + profile; }

private:
    QSettings& m_settings;
};

} // namespace ops::services
