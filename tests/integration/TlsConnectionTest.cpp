// SPDX-License-Identifier: MIT
// TLS to a real server: a CA, a server certificate for localhost / 127.0.0.1 and an unrelated CA
// made with the openssl command line, and a private PostgreSQL with ssl=on listening on
// 127.0.0.1. Every connection stays on loopback (hostaddr=127.0.0.1 where a name is not local).
#include "TestCertificates.h"
#include "TestCluster.h"

#include "db/Connection.h"
#include "db/DatabaseBootstrap.h"
#include "db/TransportSecurity.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace ops::services;
using ops::testing::TestCertificates;
using ops::testing::TestCluster;

namespace {

class TlsConnectionTest : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        auto pki = TestCertificates::create();
        if (!pki) {
            s_setupError = pki.error().toString();
            return;
        }
        s_pki = std::move(pki.value());
        auto cluster = TestCluster::startOnLoopback({QStringLiteral("ssl=on"),
                                                     QStringLiteral("ssl_cert_file=") + s_pki->serverCertificate(),
                                                     QStringLiteral("ssl_key_file=") + s_pki->serverKey()});
        if (!cluster) {
            s_setupError = cluster.error().toString() + QLatin1Char('\n') + cluster.error().detail;
            return;
        }
        s_cluster = std::move(cluster.value());
    }

    static void TearDownTestSuite()
    {
        s_cluster.reset();
        s_pki.reset();
    }

    void SetUp() override { ASSERT_TRUE(s_cluster) << "no TLS test server: " << s_setupError.toStdString(); }

    // "<hostPart> port=N dbname=postgres user=postgres <tls>"
    static QString dsn(const QString& hostPart, const QString& tls, const QString& database = QStringLiteral("postgres"))
    {
        return QStringLiteral("%1 port=%2 dbname=%3 user=postgres connect_timeout=5 %4")
            .arg(hostPart).arg(s_cluster->tcpPort()).arg(database, tls);
    }

    static Result<std::unique_ptr<Connection>> open(const QString& connectionString)
    {
        auto options = ConnectionOptions::fromConnectionString(connectionString);
        if (!options)
            return options.error();
        return Connection::open(options.value(), std::chrono::seconds(10));
    }

    static inline std::unique_ptr<TestCertificates> s_pki;
    static inline std::unique_ptr<TestCluster> s_cluster;
    static inline QString s_setupError;
};

} // namespace

TEST_F(TlsConnectionTest, VerifyFullWithTheRightCaConnectsOverTls)
{
    const QString connectionString = dsn(QStringLiteral("host=localhost"),
                                         QStringLiteral("sslmode=verify-full sslrootcert=") + s_pki->caFile());
    auto connection = open(connectionString);
    ASSERT_TRUE(connection.ok()) << connection.error().toString().toStdString();
    const TlsSession tls = (*connection)->tlsSession();
    EXPECT_TRUE(tls.inUse);
    EXPECT_TRUE(tls.protocol.startsWith(QLatin1String("TLSv1."))) << tls.protocol.toStdString();
    EXPECT_FALSE(tls.cipher.isEmpty());
    // The server agrees that this session is encrypted.
    auto ssl = (*connection)->exec(QStringLiteral("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
    ASSERT_TRUE(ssl.ok()) << ssl.error().toString().toStdString();
    EXPECT_EQ(ssl->scalar(), QStringLiteral("t"));
    EXPECT_EQ(classifyTransport(ConnectionOptions::fromConnectionString(connectionString).value(), tls), TransportSecurity::Verified);
}

TEST_F(TlsConnectionTest, AServerCertificateFromAnotherCaIsRefused)
{
    auto connection = open(dsn(QStringLiteral("host=localhost"),
                               QStringLiteral("sslmode=verify-full sslrootcert=") + s_pki->otherCaFile()));
    ASSERT_FALSE(connection.ok()) << "connected although the server's certificate is not from the trusted CA";
    EXPECT_EQ(connection.error().kind, ErrorKind::Connection);
    EXPECT_TRUE(connection.error().toString().contains(QLatin1String("certificate verify failed")))
        << connection.error().toString().toStdString();
}

TEST_F(TlsConnectionTest, AHostNameTheCertificateDoesNotNameIsRefusedByVerifyFullOnly)
{
    const QString wrongName = QStringLiteral("host=wrong.name hostaddr=127.0.0.1");
    auto full = open(dsn(wrongName, QStringLiteral("sslmode=verify-full sslrootcert=") + s_pki->caFile()));
    ASSERT_FALSE(full.ok()) << "verify-full accepted a certificate for localhost as wrong.name";
    EXPECT_TRUE(full.error().toString().contains(QLatin1String("does not match host name \"wrong.name\"")))
        << full.error().toString().toStdString();

    // verify-ca checks the CA only: it connects, and says the host name was not verified.
    const QString caOnly = dsn(wrongName, QStringLiteral("sslmode=verify-ca sslrootcert=") + s_pki->caFile());
    auto connection = open(caOnly);
    ASSERT_TRUE(connection.ok()) << connection.error().toString().toStdString();
    EXPECT_EQ(classifyTransport(ConnectionOptions::fromConnectionString(caOnly).value(), (*connection)->tlsSession()),
              TransportSecurity::HostNotVerified);
}

TEST_F(TlsConnectionTest, RequireEncryptsWithoutVerifyingTheServer)
{
    const QString connectionString = dsn(QStringLiteral("host=wrong.name hostaddr=127.0.0.1"), QStringLiteral("sslmode=require"));
    auto connection = open(connectionString);
    ASSERT_TRUE(connection.ok()) << connection.error().toString().toStdString();
    EXPECT_TRUE((*connection)->tlsSession().inUse);
    EXPECT_EQ(classifyTransport(ConnectionOptions::fromConnectionString(connectionString).value(), (*connection)->tlsSession()),
              TransportSecurity::NotVerified);
}

// The console's own start-up (DatabaseBootstrap, as the app runs it) reports what the status bar
// shows: a name that is not local without TLS is cleartext, even though the address is loopback.
TEST_F(TlsConnectionTest, TheConsolesStatusReportsCleartextToANonLocalName)
{
    auto database = s_cluster->createDatabase();
    ASSERT_TRUE(database.ok()) << database.error().toString().toStdString();
    DatabaseBootstrap plain(DatabaseTarget{dsn(QStringLiteral("host=db.example.test hostaddr=127.0.0.1"), QStringLiteral("sslmode=disable"),
                                               database->database()), QString()});
    auto status = plain.start();
    ASSERT_TRUE(status.ok()) << status.error().toString().toStdString();
    EXPECT_FALSE(status->tls.inUse);
    EXPECT_EQ(status->host, QStringLiteral("db.example.test"));
    EXPECT_EQ(status->transport, TransportSecurity::Cleartext);
    ASSERT_TRUE(plain.shutdown().ok());

    DatabaseBootstrap verified(DatabaseTarget{dsn(QStringLiteral("host=localhost"),
                                                  QStringLiteral("sslmode=verify-full sslrootcert=") + s_pki->caFile(),
                                                  database->database()), QString()});
    status = verified.start();
    ASSERT_TRUE(status.ok()) << status.error().toString().toStdString();
    EXPECT_TRUE(status->tls.inUse);
    EXPECT_EQ(status->transport, TransportSecurity::Verified);
    ASSERT_TRUE(verified.shutdown().ok());
}

// A TLS setting that cannot work is refused before any connection, with what to change.
TEST_F(TlsConnectionTest, ImpossibleTlsSettingsAreRefusedBeforeConnecting)
{
    QTemporaryDir home;
    const QByteArray savedHome = qgetenv("HOME");
    qputenv("HOME", home.path().toUtf8());  // no ~/.postgresql/root.crt to fall back on
    auto noCa = ConnectionOptions::fromConnectionString(dsn(QStringLiteral("host=localhost"), QStringLiteral("sslmode=verify-full")));
    qputenv("HOME", savedHome);
    ASSERT_FALSE(noCa.ok());
    EXPECT_TRUE(noCa.error().message.contains(QLatin1String("/.postgresql/root.crt"))) << noCa.error().message.toStdString();
    EXPECT_TRUE(noCa.error().message.contains(QLatin1String("sslrootcert"))) << noCa.error().message.toStdString();

    auto notACertificate = ConnectionOptions::fromConnectionString(
        dsn(QStringLiteral("host=localhost"), QStringLiteral("sslmode=verify-full sslrootcert=") + s_pki->serverKey()));
    ASSERT_FALSE(notACertificate.ok());
    EXPECT_TRUE(notACertificate.error().message.contains(QLatin1String("no PEM certificate"))) << notACertificate.error().message.toStdString();
}
