// SPDX-License-Identifier: MIT
#include "db/SettingsValidator.h"

#include "db/ConnectionOptions.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QStringList>
#include <QUrl>

#include <libpq-fe.h>

#include <memory>
#include <utility>
#include <vector>

namespace ops::services {

namespace {

struct ConninfoDeleter {
    void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};
using ConninfoPtr = std::unique_ptr<PQconninfoOption, ConninfoDeleter>;

// The keywords the string sets explicitly (PQconninfoParse applies no defaults), in libpq's order.
// Empty when libpq cannot parse it.
std::vector<std::pair<QString, QString>> explicitKeywords(const QString& connectionString)
{
    std::vector<std::pair<QString, QString>> keywords;
    ConninfoPtr parsed(PQconninfoParse(connectionString.toUtf8().constData(), nullptr));
    if (!parsed)
        return keywords;
    for (PQconninfoOption* option = parsed.get(); option->keyword; ++option) {
        if (option->val)
            keywords.emplace_back(QString::fromUtf8(option->keyword), QString::fromUtf8(option->val));
    }
    return keywords;
}


} // namespace

QString SettingsValidator::profileName(const QString& name)
{
    static const QRegularExpression allowed(QStringLiteral("^[A-Za-z0-9_.\\- ]{1,64}$"));
    if (name.trimmed().isEmpty())
        return QStringLiteral("Give the profile a name.");
    if (!allowed.match(name).hasMatch())
        return QStringLiteral("Use at most 64 letters, digits, spaces, '_', '-' or '.'.");
    return {};
}

QString SettingsValidator::connectionString(const QString& connectionString)
{
    if (connectionString.trimmed().isEmpty())
        return QStringLiteral("Enter a connection string (postgresql://host/db or host=... dbname=...).");
    auto parsed = ConnectionOptions::fromConnectionString(connectionString);
    if (!parsed)
        return parsed.error().message;  // libpq's reason, never quoting the string
    if (containsPassword(connectionString))
        return QStringLiteral("Remove the password from the connection string and enter it in the Password field: "
                              "it is kept in the keyring, never in the settings file.");
    return {};
}

QString SettingsValidator::port(const QString& port)
{
    if (port.trimmed().isEmpty())
        return {};
    bool number = false;
    const int value = port.trimmed().toInt(&number);
    if (!number || value < 1 || value > 65535)
        return QStringLiteral("The port is a number from 1 to 65535.");
    return {};
}

QString SettingsValidator::fields(const ConnectionFields& fields)
{
    if (QString problem = port(fields.port); !problem.isEmpty())
        return problem;
    if (fields.database.trimmed().isEmpty())
        return QStringLiteral("Enter the database name.");
    // The assembled string must parse too (a host with a space, a stray quote...).
    auto parsed = ConnectionOptions::fromConnectionString(connectionStringFor(fields));
    return parsed ? QString() : parsed.error().message;
}

QString SettingsValidator::tls(const QString& sslMode, const QString& caFile, const QString& host)
{
    // One set of TLS rules for the dialog and for start-up: ConnectionOptions' own.
    const auto checked = ConnectionOptions::validateTls(sslMode, caFile.trimmed(), host.trimmed());
    return checked ? QString() : checked.error().message;
}

QString SettingsValidator::httpUrl(const QString& url, bool optional)
{
    if (url.trimmed().isEmpty())
        return optional ? QString() : QStringLiteral("Enter a URL (http://... or https://...).");
    const QUrl parsed(url.trimmed(), QUrl::StrictMode);
    if (!parsed.isValid())
        return QStringLiteral("This is not a valid URL.");
    if (parsed.scheme() != QLatin1String("http") && parsed.scheme() != QLatin1String("https"))
        return QStringLiteral("The URL starts with http:// or https://.");
    if (parsed.host().isEmpty())
        return QStringLiteral("The URL names no host.");
    if (!parsed.userInfo().isEmpty())
        return QStringLiteral("Leave credentials out of the URL: name a secret instead.");
    return {};
}

QString SettingsValidator::monitorName(const QString& name)
{
    if (name.trimmed().isEmpty())
        return QStringLiteral("Give the monitor a name.");
    if (name.size() > 200)
        return QStringLiteral("The name is at most 200 characters.");
    return {};
}

QString SettingsValidator::monitorIntervalSeconds(int seconds)
{
    if (seconds < 1 || seconds > 86400)
        return QStringLiteral("Check every 1 second to 1 day (86400 s).");
    return {};
}

QString SettingsValidator::deployProvider(const QString& kind, const QString& url, const QString& projectId,
                                          const QString& rollbackCommand)
{
    if (kind == QLatin1String("demo"))
        return {};
    if (kind == QLatin1String("http")) {
        if (QString problem = httpUrl(url, false); !problem.isEmpty())
            return problem;
        if (projectId.trimmed().isEmpty())
            return QStringLiteral("Enter the provider's project id.");
        return {};
    }
    if (kind == QLatin1String("command")) {
        if (projectId.trimmed().isEmpty())
            return QStringLiteral("Enter the provider's project id.");
        if (rollbackCommand.trimmed().isEmpty())
            return QStringLiteral("Enter the rollback command.");
        return {};
    }
    return QStringLiteral("The provider is demo, http or command.");
}

QString SettingsValidator::retention(int rawDays, int rollupDays)
{
    const auto inRange = [](int days) { return days >= kMinRetentionDays && days <= kMaxRetentionDays; };
    if (!inRange(rawDays) || !inRange(rollupDays))
        return QStringLiteral("Keep data %1 to %2 days.").arg(kMinRetentionDays).arg(kMaxRetentionDays);
    if (rollupDays < rawDays)
        return QStringLiteral("Keep rollups at least as long as raw samples (long chart ranges read the rollups).");
    return {};
}

bool SettingsValidator::containsPassword(const QString& connectionString)
{
    return !keywordValue(connectionString, QStringLiteral("password")).isEmpty();
}

QString SettingsValidator::defaultSslMode(const QString& host)
{
    ConnectionFields local;
    local.host = host;
    local.database = QStringLiteral("x");
    auto options = ConnectionOptions::fromConnectionString(connectionStringFor(local));
    const bool isLocal = !options || options->isLocal();
    return isLocal ? QStringLiteral("prefer") : QStringLiteral("verify-full");
}

QString SettingsValidator::connectionStringFor(const ConnectionFields& fields)
{
    QStringList parts;
    const std::pair<const char*, QString> keywords[] = {
        {"host", fields.host}, {"port", fields.port}, {"dbname", fields.database}, {"user", fields.user}};
    for (const auto& [keyword, value] : keywords) {
        if (!value.trimmed().isEmpty())
            parts << QStringLiteral("%1=%2").arg(QLatin1String(keyword), conninfoQuoted(value.trimmed()));
    }
    return parts.join(QLatin1Char(' '));
}

QString SettingsValidator::withTls(const QString& connectionString, const QString& sslMode, const QString& caFile)
{
    // Rebuilt as key=value from what libpq parsed (a URI becomes key=value too), so the TLS keywords
    // replace earlier ones instead of piling up at each save.
    const auto keywords = explicitKeywords(connectionString);
    if (keywords.empty() && !connectionString.trimmed().isEmpty())
        return connectionString;  // unparsable: left for connectionString() to report
    QStringList parts;
    for (const auto& [keyword, value] : keywords) {
        if (keyword != QLatin1String("sslmode") && keyword != QLatin1String("sslrootcert"))
            parts << QStringLiteral("%1=%2").arg(keyword, conninfoQuoted(value));
    }
    if (!sslMode.isEmpty())
        parts << QStringLiteral("sslmode=%1").arg(conninfoQuoted(sslMode));
    if (!caFile.trimmed().isEmpty())
        parts << QStringLiteral("sslrootcert=%1").arg(conninfoQuoted(caFile.trimmed()));
    return parts.join(QLatin1Char(' '));
}

QString SettingsValidator::conninfoQuoted(const QString& value)
{
    QString escaped = value;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('\''), QLatin1String("\\'"));
    return QLatin1Char('\'') + escaped + QLatin1Char('\'');
}

QString SettingsValidator::keywordValue(const QString& connectionString, const QString& keyword)
{
    for (const auto& [name, value] : explicitKeywords(connectionString)) {
        if (name == keyword)
            return value;
    }
    return {};
}

} // namespace ops::services
