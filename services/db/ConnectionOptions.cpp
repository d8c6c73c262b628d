// SPDX-License-Identifier: MIT
#include "db/ConnectionOptions.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStringList>

#include <libpq-fe.h>

#include <memory>

namespace ops::services {

namespace {
struct ConninfoDeleter {
    void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};
using ConninfoPtr = std::unique_ptr<PQconninfoOption, ConninfoDeleter>;

// libpq's URI errors end by quoting the URI or one of its tokens (`...in URI: "postgresql://u:pw@[::1"`,
// `invalid percent-encoded token: "pw%zz"`), which may be or hold the password (also one typed after
// the URI by mistake). The quote is left out; the message before it says what is wrong and where.
QString withoutQuotedUri(const QString& message, const QString& connectionString)
{
    static const QRegularExpression uri(QStringLiteral("^postgres(?:ql)?://"));
    const qsizetype quote = message.indexOf(QLatin1String(": \""));
    if (!uri.match(connectionString).hasMatch() || quote < 0)
        return message;
    return message.left(quote) + QStringLiteral(" (the URI is not repeated: it may hold a password)");
}

// A host, port or database name as the status bar shows it: cut at the first '='. A mistyped
// string ("postgresql://db:5432 password=s") makes libpq read the rest of it, the password's
// "key=value" included, as part of the port (or host, or database): no value after a '=' is shown.
QString displayValue(const QString& value)
{
    const qsizetype at = value.indexOf(QLatin1Char('='));
    return at < 0 ? value : value.left(at) + QStringLiteral("…");
}

// A host or address that never leaves the machine: a socket directory or a loopback name/address.
bool isLoopback(const QString& host)
{
    return host.startsWith(QLatin1Char('/')) || host == QLatin1String("localhost") || host.startsWith(QLatin1String("127."))
           || host == QLatin1String("::1");
}

bool verifiesCertificate(const QString& sslMode)
{
    return sslMode == QLatin1String("verify-ca") || sslMode == QLatin1String("verify-full");
}

QString quoteConninfoValue(const QString& value)
{
    QString escaped = value;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('\''), QLatin1String("\\'"));
    return QLatin1Char('\'') + escaped + QLatin1Char('\'');
}
} // namespace

Result<ConnectionOptions> ConnectionOptions::fromConnectionString(const QString& connectionString)
{
    char* errorMessage = nullptr;
    ConninfoPtr parsed(PQconninfoParse(connectionString.toUtf8().constData(), &errorMessage));
    if (!parsed) {
        QString reason = errorMessage ? withoutQuotedUri(QString::fromUtf8(errorMessage).trimmed(), connectionString)
                                      : QStringLiteral("unreadable");
        PQfreemem(errorMessage);
        // libpq's key=value messages name the offending keyword, not its value; its URI messages
        // quote the URI, which withoutQuotedUri() leaves out.
        return Error::make(ErrorKind::InvalidInput, QStringLiteral("invalid connection string: %1").arg(reason));
    }
    ConnectionOptions options;
    options.m_connectionString = connectionString;
    // libpq checks sslmode only when connecting, and a missing CA file shows up as a failed
    // handshake: both are refused here with a message that says what to change.
    if (auto tls = validateTls(options.parsedValue("sslmode"), options.parsedValue("sslrootcert"), options.host()); !tls)
        return tls.error();
    return options;
}

QStringList ConnectionOptions::sslModes()
{
    return {QStringLiteral("disable"), QStringLiteral("allow"),     QStringLiteral("prefer"),
            QStringLiteral("require"), QStringLiteral("verify-ca"), QStringLiteral("verify-full")};
}

Result<void> ConnectionOptions::validateTls(const QString& sslMode, const QString& caFile, const QString& host)
{
    // Values may come from a mistyped connection string, where libpq reads "sslmode= password=x"
    // as the mode "password=x": messages show them cut at the first '=' (displayValue()).
    const QString mode = sslMode.isEmpty() ? QStringLiteral("prefer") : sslMode;
    if (!sslModes().contains(mode))
        return Error::make(ErrorKind::InvalidInput, QStringLiteral("unknown sslmode \"%1\": use one of %2")
                                                        .arg(displayValue(mode), sslModes().join(QStringLiteral(", "))));
    if (verifiesCertificate(mode)) {
        for (const QString& one : host.split(QLatin1Char(','))) {
            if (one.isEmpty() || one.startsWith(QLatin1Char('/')))
                return Error::make(ErrorKind::InvalidInput,
                                   QStringLiteral("sslmode=%1 verifies the server's certificate, but %2 is a Unix socket, where TLS "
                                                  "is never used: give the server's host name (host=db.example.com), or use "
                                                  "sslmode=disable for a local socket")
                                       .arg(mode, one.isEmpty() ? QStringLiteral("the default host") : displayValue(one)));
        }
    }
    if (!caFile.isEmpty()) {
        const QString shown = displayValue(caFile);
        const QFileInfo info(caFile);
        if (!info.exists())
            return Error::make(ErrorKind::InvalidInput, QStringLiteral("the CA file %1 does not exist").arg(shown));
        if (!info.isFile())
            return Error::make(ErrorKind::InvalidInput, QStringLiteral("the CA file %1 is not a file").arg(shown));
        QFile file(caFile);
        if (!file.open(QIODevice::ReadOnly))
            return Error::make(ErrorKind::InvalidInput,
                               QStringLiteral("the CA file %1 cannot be read: %2").arg(shown, file.errorString()));
        if (!file.read(1 << 20).contains("-----BEGIN CERTIFICATE-----"))
            return Error::make(ErrorKind::InvalidInput,
                               QStringLiteral("the CA file %1 holds no PEM certificate (no \"-----BEGIN CERTIFICATE-----\" line)")
                                   .arg(shown));
    } else if (verifiesCertificate(mode)) {
        const QString libpqDefault = QDir::homePath() + QStringLiteral("/.postgresql/root.crt");
        if (!QFileInfo::exists(libpqDefault))
            return Error::make(ErrorKind::InvalidInput,
                               QStringLiteral("sslmode=%1 needs the CA certificate that signed the server's certificate: choose a "
                                              "CA file (sslrootcert=/path/to/ca.crt), or install it as %2 (libpq's default, "
                                              "which does not exist)")
                                   .arg(mode, libpqDefault));
    }
    return {};
}

Result<ConnectionOptions> ConnectionOptions::withTls(const QString& sslMode, const QString& caFile) const
{
    ConnectionOptions copy = *this;
    if (!sslMode.isEmpty())
        copy.m_sslModeOverride = sslMode;
    if (!caFile.isEmpty())
        copy.m_sslRootCertOverride = caFile;
    if (auto tls = validateTls(copy.sslMode(), copy.sslRootCert(), copy.host()); !tls)
        return tls.error();
    return copy;
}

QString ConnectionOptions::sslMode() const
{
    if (!m_sslModeOverride.isEmpty())
        return m_sslModeOverride;
    const QString mode = parsedValue("sslmode");
    return mode.isEmpty() ? QStringLiteral("prefer") : mode;
}

QString ConnectionOptions::sslRootCert() const
{
    return m_sslRootCertOverride.isEmpty() ? parsedValue("sslrootcert") : m_sslRootCertOverride;
}

ConnectionOptions ConnectionOptions::forSocket(const QString& socketDirectory, int port, const QString& database,
                                               const QString& user)
{
    ConnectionOptions options;
    options.m_connectionString = QStringLiteral("host=%1 port=%2 dbname=%3 user=%4")
                                     .arg(quoteConninfoValue(socketDirectory))
                                     .arg(port)
                                     .arg(quoteConninfoValue(database), quoteConninfoValue(user));
    return options;
}

ConnectionOptions ConnectionOptions::withDatabase(const QString& database) const
{
    ConnectionOptions copy = *this;
    copy.m_databaseOverride = database;
    return copy;
}

ConnectionOptions ConnectionOptions::withUser(const QString& user) const
{
    ConnectionOptions copy = *this;
    copy.m_userOverride = user;
    return copy;
}

ConnectionOptions ConnectionOptions::withApplicationName(const QString& name) const
{
    ConnectionOptions copy = *this;
    copy.m_applicationName = name;
    return copy;
}

ConnectionOptions ConnectionOptions::withPassword(const QByteArray& password) const
{
    ConnectionOptions copy = *this;
    copy.m_passwordOverride = password;
    return copy;
}

bool ConnectionOptions::containsPassword() const
{
    return !parsedValue("password").isEmpty();
}

bool ConnectionOptions::containsPassword(const QString& connectionString)
{
    auto options = fromConnectionString(connectionString);
    return options && options->containsPassword();
}

bool ConnectionOptions::hasPassword() const
{
    return !m_passwordOverride.isEmpty() || containsPassword();
}

QString ConnectionOptions::connectionStringWithoutPassword() const
{
    ConninfoPtr parsed(PQconninfoParse(m_connectionString.toUtf8().constData(), nullptr));
    if (!parsed)
        return {};
    QStringList pairs;
    for (PQconninfoOption* option = parsed.get(); option->keyword; ++option) {
        if (option->val && qstrcmp(option->keyword, "password") != 0)
            pairs << QString::fromUtf8(option->keyword) + QLatin1Char('=') + quoteConninfoValue(QString::fromUtf8(option->val));
    }
    return pairs.join(QLatin1Char(' '));
}

LibpqParameters::LibpqParameters(std::vector<std::pair<QByteArray, QByteArray>> pairs) : m_pairs(std::move(pairs))
{
    for (const auto& [keyword, value] : m_pairs) {
        m_keywords.push_back(keyword.constData());
        m_values.push_back(value.constData());
    }
    m_keywords.push_back(nullptr);
    m_values.push_back(nullptr);
}

LibpqParameters ConnectionOptions::libpqParameters() const
{
    // Defaults come first: the expanded connection string that follows overrides them, and the
    // explicit overrides (database, user) come last because the caller asked for them.
    const qint64 connectSeconds = std::max<qint64>(1, (connectTimeout.count() + 999) / 1000);
    std::vector<std::pair<QByteArray, QByteArray>> parameters = {
        {"application_name", m_applicationName.toUtf8()},
        {"connect_timeout", QByteArray::number(connectSeconds)},
    };
    if (!isLocal()) {
        // Detect a half-open TCP connection (failover, NAT timeout) within about a minute, and
        // give up on unacknowledged writes after 30 s, instead of the kernel's two hours.
        parameters.insert(parameters.end(), {{"keepalives", "1"},
                                             {"keepalives_idle", "30"},
                                             {"keepalives_interval", "10"},
                                             {"keepalives_count", "3"},
                                             {"tcp_user_timeout", "30000"}});
    }
    parameters.emplace_back("dbname", m_connectionString.toUtf8());
    if (!m_databaseOverride.isEmpty())
        parameters.emplace_back("dbname", m_databaseOverride.toUtf8());
    if (!m_userOverride.isEmpty())
        parameters.emplace_back("user", m_userOverride.toUtf8());
    if (!m_sslModeOverride.isEmpty())
        parameters.emplace_back("sslmode", m_sslModeOverride.toUtf8());
    if (!m_sslRootCertOverride.isEmpty())
        parameters.emplace_back("sslrootcert", m_sslRootCertOverride.toUtf8());
    if (!m_passwordOverride.isEmpty())
        parameters.emplace_back("password", m_passwordOverride);
    return LibpqParameters(std::move(parameters));
}

QString ConnectionOptions::parsedValue(const char* keyword) const
{
    ConninfoPtr parsed(PQconninfoParse(m_connectionString.toUtf8().constData(), nullptr));
    if (!parsed)
        return {};
    for (PQconninfoOption* option = parsed.get(); option->keyword; ++option) {
        if (qstrcmp(option->keyword, keyword) == 0 && option->val)
            return QString::fromUtf8(option->val);
    }
    return {};
}

QString ConnectionOptions::host() const
{
    const QString host = parsedValue("host");
    return host.isEmpty() ? parsedValue("hostaddr") : host;
}

QString ConnectionOptions::database() const
{
    if (!m_databaseOverride.isEmpty())
        return m_databaseOverride;
    const QString database = parsedValue("dbname");
    return database.isEmpty() ? user() : database;
}

QString ConnectionOptions::user() const
{
    if (!m_userOverride.isEmpty())
        return m_userOverride;
    return parsedValue("user");
}

bool ConnectionOptions::isLocal() const
{
    // Both the names the user configured and the addresses must stay on this machine; with
    // neither, libpq uses its default Unix socket.
    for (const QString& list : {parsedValue("host"), parsedValue("hostaddr")}) {
        for (const QString& one : list.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            if (!isLoopback(one))
                return false;
        }
    }
    return true;
}

QString ConnectionOptions::displayHost() const
{
    return displayValue(host());
}

QString ConnectionOptions::displayLocation() const
{
    const QString hosts = displayValue(host());
    const QString port = displayValue(parsedValue("port"));
    QString where;
    if (hosts.isEmpty() || hosts.startsWith(QLatin1Char('/')))
        where = QStringLiteral("socket %1").arg(hosts.isEmpty() ? QStringLiteral("(default)") : hosts);
    else
        where = port.isEmpty() ? hosts : QStringLiteral("%1:%2").arg(hosts, port);
    return QStringLiteral("%1 (db %2)").arg(where, displayValue(database()));
}

} // namespace ops::services
