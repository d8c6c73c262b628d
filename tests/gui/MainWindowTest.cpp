// SPDX-License-Identifier: MIT
#include "MainWindow.h"

#include <QDir>
#include <QImage>
#include <QLabel>
#include <QSettings>
#include <QTabWidget>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using ops::app::MainWindow;
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
