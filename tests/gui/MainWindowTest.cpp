// SPDX-License-Identifier: MIT
#include "MainWindow.h"
#include "TestCertificates.h"
#include "TestCluster.h"

#include <QDir>
#include <QImage>
#include <QLabel>
#include <QSettings>
#include <QTabWidget>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using ops::app::MainWindow;
using ops::testing::TestCertificates;
using ops::testing::TestCluster;
using namespace ops::services;

TEST(MainWindowTest, HasTheFourTabsInTheOrderOfTheTeamsDay)
{
    MainWindow window;
    ASSERT_EQ(window.tabs()->count(), 4);
    EXPECT_EQ(window.tabs()->tabText(0), QStringLiteral("Health"));
    EXPECT_EQ(window.tabs()->tabText(1), QStringLiteral("Sandbox"));
    EXPECT_EQ(window.tabs()->tabText(2), QStringLiteral("Deployments"));
    EXPECT_EQ(window.tabs()->tabText(3), QStringLiteral("Standup"));
    // Every label shows text as text: nothing from outside may be read as markup.
    for (QLabel* label : window.findChildren<QLabel*>())
        EXPECT_EQ(label->textFormat(), Qt::PlainText) << label->text().toStdString();
}

TEST(MainWindowTest, StatusBarReportsTheDatabaseState)
{
    MainWindow window;
    EXPECT_TRUE(window.databaseStatusText().contains(QLatin1String("Starting")));
    DatabaseStatus status;
    status.embedded = true;
    status.serverVersion = QStringLiteral("15.18");
    status.location = QStringLiteral("socket /x/run (db ops)");
    status.schemaVersion = 1;
    window.showDatabaseReady(status);
    EXPECT_EQ(window.databaseStatusText(), QStringLiteral("Embedded PostgreSQL 15.18 · socket /x/run (db ops) · schema v1"));

    window.showDatabaseFailed(Error::make(ErrorKind::Connection, QStringLiteral("<b>no</b> server")));
    EXPECT_EQ(window.databaseStatusText(), QStringLiteral("Database unavailable: <b>no</b> server"));
}

TEST(MainWindowTest, SavesOneScreenshotPerTab)
{
    QTemporaryDir directory;
    MainWindow window;
    window.resize(900, 600);
    window.show();
    auto written = window.saveScreenshots(directory.path());
    ASSERT_TRUE(written.ok()) << written.error().toString().toStdString();
    ASSERT_EQ(written->size(), 4);
    for (const char* tab : {"health", "sandbox", "deployments", "standup"}) {
        const QString name = QString::fromLatin1(tab);
        QImage image(QDir(directory.path()).filePath(name + QStringLiteral(".png")));
        EXPECT_FALSE(image.isNull()) << name.toStdString();
        EXPECT_EQ(image.width(), window.width() * image.devicePixelRatio());
    }
}

TEST(MainWindowTest, RemembersItsGeometry)
{
    {
        MainWindow window;
        window.resize(1010, 707);
        window.show();
        window.close();
    }
    MainWindow again;
    EXPECT_EQ(again.size(), QSize(1010, 707));
    QSettings().remove(QStringLiteral("window/geometry"));
}

TEST(MainWindowTest, StatusBarShowsTheConsolesOwnPool)
{
    MainWindow window;
    PoolMetrics metrics;
    metrics.inUse = 2;
    metrics.maxSize = 5;
    metrics.waiting = 1;
    metrics.circuit.state = CircuitState::Closed;
    window.showPoolMetrics(metrics);
    EXPECT_EQ(window.poolStatusText(), QStringLiteral("Pool CLOSED · 2/5 in use · 1 waiting"));
    metrics.circuit.state = CircuitState::Open;
    window.showPoolMetrics(metrics);
    EXPECT_TRUE(window.poolStatusText().startsWith(QLatin1String("Pool OPEN")));
}

// A real server on 127.0.0.1 with TLS available, reached the way the console starts
// (DatabaseBootstrap): by a name that is not local without TLS the status bar warns, persistently,
// in the words of issue 8; with verify-full it shows the protocol and that the server was verified.
TEST(MainWindowTest, StatusBarWarnsWhenARemoteNameIsReachedWithoutTls)
{
    auto pki = TestCertificates::create();
    ASSERT_TRUE(pki.ok()) << pki.error().toString().toStdString();
    auto cluster = TestCluster::startOnLoopback({QStringLiteral("ssl=on"), QStringLiteral("ssl_cert_file=") + (*pki)->serverCertificate(),
                                                 QStringLiteral("ssl_key_file=") + (*pki)->serverKey()});
    ASSERT_TRUE(cluster.ok()) << cluster.error().toString().toStdString() << cluster.error().detail.toStdString();
    auto database = (*cluster)->createDatabase();
    ASSERT_TRUE(database.ok()) << database.error().toString().toStdString();
    const auto dsn = [&](const QString& host, const QString& tls) {
        return QStringLiteral("%1 port=%2 dbname=%3 user=postgres %4").arg(host).arg((*cluster)->tcpPort()).arg(database->database(), tls);
    };

    MainWindow window;
    window.show();
    DatabaseBootstrap plain(DatabaseTarget{dsn(QStringLiteral("host=db.example.test hostaddr=127.0.0.1"), QStringLiteral("sslmode=disable")),
                                           QString()});
    auto status = plain.start();
    ASSERT_TRUE(status.ok()) << status.error().toString().toStdString();
    window.showDatabaseReady(status.value());
    EXPECT_EQ(window.transportSecurityText(),
              QStringLiteral("Connected to db.example.test without TLS: passwords and data cross the network in clear; "
                             "set sslmode=verify-full"));
    auto* label = window.findChild<QLabel*>(QStringLiteral("transportSecurity"));
    ASSERT_TRUE(label);
    EXPECT_TRUE(label->isVisible());
    EXPECT_EQ(label->textFormat(), Qt::PlainText);
    window.showPoolMetrics(PoolMetrics{});  // other status updates leave the warning in place
    EXPECT_TRUE(window.transportSecurityText().startsWith(QLatin1String("Connected to db.example.test without TLS")));
    ASSERT_TRUE(plain.shutdown().ok());

    DatabaseBootstrap verified(DatabaseTarget{dsn(QStringLiteral("host=localhost"),
                                                  QStringLiteral("sslmode=verify-full sslrootcert=") + (*pki)->caFile()),
                                              QString()});
    status = verified.start();
    ASSERT_TRUE(status.ok()) << status.error().toString().toStdString();
    window.showDatabaseReady(status.value());
    EXPECT_TRUE(window.transportSecurityText().startsWith(QLatin1String("TLS TLSv1."))) << window.transportSecurityText().toStdString();
    EXPECT_TRUE(window.transportSecurityText().endsWith(QLatin1String("server verified")));
    ASSERT_TRUE(verified.shutdown().ok());

    // The embedded socket: nothing crosses the network, no note at all.
    DatabaseStatus embedded;
    embedded.embedded = true;
    window.showDatabaseReady(embedded);
    EXPECT_TRUE(window.transportSecurityText().isEmpty());
    EXPECT_FALSE(label->isVisible());
}
