// SPDX-License-Identifier: MIT
#include "db/ConnectionTest.h"

#include "db/Connection.h"
#include "db/ConnectionOptions.h"
#include "db/SettingsValidator.h"

namespace ops::services {

Result<QString> testConnection(const QString& connectionString, const QByteArray& password,
                               std::chrono::milliseconds timeout)
{
    if (QString problem = SettingsValidator::connectionString(connectionString); !problem.isEmpty())
        return Error::make(ErrorKind::InvalidInput, problem);
    auto parsed = ConnectionOptions::fromConnectionString(connectionString);
    if (!parsed)
        return parsed.error();
    // The password is handed to libpq for this one connection, in memory only.
    ConnectionOptions options = password.isEmpty() ? *parsed : parsed->withPassword(password);
    options.connectTimeout = timeout;
    auto connection = Connection::open(options.withApplicationName(QStringLiteral("ops-console settings")), timeout);
    if (!connection)
        return connection.error();
    auto who = (*connection)->exec(QStringLiteral("SELECT current_user, current_setting('server_version')"), {}, timeout);
    if (!who)
        return who.error();
    const QString location = ConnectionOptions::fromConnectionString(connectionString)->displayLocation();
    return QStringLiteral("PostgreSQL %1 at %2 as %3").arg(who->text(0, 1), location, who->text(0, 0));
}

} // namespace ops::services
