// SPDX-License-Identifier: MIT
// The settings dialog against a real PostgreSQL: OK stays disabled while a field is invalid, a
// monitor added (and removed) through it is what ops.monitors holds, retention reaches
// ops.health_retention, and neither a database password nor a deploy token reaches a settings file.
#include "SettingsTestSupport.h"
#include "TestCluster.h"

#include "MainWindow.h"
#include "common/SecretStore.h"
#include "db/Pool.h"
#include "db/SettingsValidator.h"
#include "settings/ConnectionProfileEditor.h"
#include "settings/ConnectionsPage.h"
#include "settings/DeployPage.h"
#include "settings/MonitorsPage.h"
#include "settings/RetentionPage.h"
#include "settings/SettingsDialog.h"

#include <QAction>
#include <QComboBox>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace ops::services;
using ops::testing::TestCluster;
using ops::testing::waitFor;
using ops::widgets::SettingsDialog;

namespace {

struct DialogFixture {
    DialogFixture()
    {
        auto created = TestCluster::shared().createDatabase();
        EXPECT_TRUE(created.ok());
        database = created.value();
        PoolConfig config;
        config.connection = database;
        config.maxSize = 2;
        pool = std::make_unique<Pool>(config);
    }
    // Presses OK and waits for every page to finish applying.
    bool pressOk(SettingsDialog& dialog)
    {
        QSignalSpy applied(&dialog, &SettingsDialog::applied);
        dialog.okButton()->click();
        return waitFor([&] { return !applied.isEmpty(); }) && applied.first().first().toBool();
    }
    QString scalar(const QString& sql, const SqlParams& params = {})
    {
        return TestCluster::shared().connect(database.database())->exec(sql, params)->scalar();
    }

    QTemporaryDir dir;
    QSettings settings{dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat};
    SecretStore secrets{QStringLiteral("ops-console-tests"), false};
    ConnectionOptions database;
    std::unique_ptr<Pool> pool;
};

} // namespace

TEST(SettingsDialogTest, MonitorAddedAndRemovedThroughTheDialogIsWhatTheDatabaseHolds)
{
    DialogFixture f;
    {
        SettingsDialog dialog(f.settings, f.secrets, f.pool.get(), QStringLiteral("demo"));
        dialog.show();
        dialog.showPage(QStringLiteral("Monitors"));
        auto* monitors = dialog.monitorsPage();
        QSignalSpy loaded(monitors, &ops::widgets::MonitorsPage::monitorsLoaded);
        ASSERT_TRUE(waitFor([&] { return !loaded.isEmpty(); })) << monitors->status().toStdString();
        EXPECT_TRUE(dialog.okButton()->isEnabled());

        monitors->nameEdit()->setText(QStringLiteral("shop api"));
        monitors->urlEdit()->setText(QStringLiteral("shop.example.com/health"));  // no scheme
        EXPECT_FALSE(dialog.okButton()->isEnabled());
        EXPECT_FALSE(dialog.applyButton()->isEnabled());
        monitors->urlEdit()->setText(QStringLiteral("http://127.0.0.1:9/health"));
        monitors->intervalBox()->setValue(0);
        EXPECT_FALSE(dialog.okButton()->isEnabled());
        monitors->intervalBox()->setValue(30);
        ASSERT_TRUE(dialog.okButton()->isEnabled());
        ASSERT_TRUE(f.pressOk(dialog)) << dialog.errorText().toStdString();
    }
    EXPECT_EQ(f.scalar(QStringLiteral("SELECT url || ' ' || interval_ms || ' ' || enabled FROM ops.monitors m "
                                      "JOIN ops.projects p ON p.id = m.project_id WHERE p.slug = 'demo' AND m.name = 'shop api'")),
              QStringLiteral("http://127.0.0.1:9/health 30000 true"));

    // A second dialog lists it; Remove switches it off, keeping its history.
    SettingsDialog dialog(f.settings, f.secrets, f.pool.get(), QStringLiteral("demo"));
    auto* monitors = dialog.monitorsPage();
    ASSERT_TRUE(waitFor([&] { return !monitors->monitorList()->findItems(QStringLiteral("shop api"), Qt::MatchExactly).isEmpty(); }));
    monitors->monitorList()->setCurrentItem(monitors->monitorList()->findItems(QStringLiteral("shop api"), Qt::MatchExactly).first());
    EXPECT_EQ(monitors->urlEdit()->text(), QStringLiteral("http://127.0.0.1:9/health"));
    ASSERT_TRUE(monitors->removeButton()->isEnabled());
    monitors->removeButton()->click();
    ASSERT_TRUE(waitFor([&] { return f.scalar(QStringLiteral("SELECT enabled FROM ops.monitors WHERE name = 'shop api'")) == QLatin1String("f"); }))
        << monitors->status().toStdString();
    ASSERT_TRUE(waitFor([&] { return monitors->monitorList()->findItems(QStringLiteral("shop api"), Qt::MatchExactly).isEmpty(); }));
}

TEST(SettingsDialogTest, ConnectionProfilesRefusePasswordsAndKeepThemInTheSecretStore)
{
    DialogFixture f;
    const QString password = QStringLiteral("dialog-Secret-91c2");
    SettingsDialog dialog(f.settings, f.secrets, f.pool.get(), QStringLiteral("demo"));
    auto* page = dialog.connectionsPage();
    auto* editor = page->editor();
    EXPECT_TRUE(dialog.okButton()->isEnabled());

    editor->nameEdit()->setText(QStringLiteral("staging"));
    editor->rawMode()->setChecked(true);
    editor->rawEdit()->setText(QStringLiteral("postgresql://ops:%1@db.example.com/ops").arg(password));
    EXPECT_FALSE(dialog.okButton()->isEnabled());
    EXPECT_TRUE(editor->problems().contains(QLatin1String("keyring"))) << editor->problems().toStdString();
    EXPECT_FALSE(editor->problems().contains(password));

    editor->rawEdit()->setText(QStringLiteral("postgresql://ops@db.example.com/ops"));
    // A remote host defaults to verify-full, which needs a CA file.
    EXPECT_EQ(editor->sslModeBox()->currentText(), QStringLiteral("prefer"));  // raw mode: the host field is unused
    editor->sslModeBox()->setCurrentText(QStringLiteral("verify-ca"));
    editor->caFileEdit()->setText(f.dir.filePath(QStringLiteral("missing-ca.pem")));
    EXPECT_FALSE(dialog.okButton()->isEnabled());
    editor->sslModeBox()->setCurrentText(QStringLiteral("require"));
    editor->caFileEdit()->clear();
    editor->passwordEdit()->setText(password);
    ASSERT_TRUE(dialog.okButton()->isEnabled()) << editor->problems().toStdString();
    ASSERT_TRUE(dialog.applyButton()->isEnabled());
    QSignalSpy applied(&dialog, &SettingsDialog::applied);
    dialog.applyButton()->click();
    ASSERT_TRUE(waitFor([&] { return !applied.isEmpty(); }));
    ASSERT_TRUE(applied.first().first().toBool()) << dialog.errorText().toStdString();

    const QString saved = f.settings.value(QStringLiteral("database/profiles/staging")).toString();
    EXPECT_EQ(SettingsValidator::keywordValue(saved, QStringLiteral("sslmode")), QStringLiteral("require"));
    EXPECT_EQ(SettingsValidator::keywordValue(saved, QStringLiteral("host")), QStringLiteral("db.example.com"));
    EXPECT_EQ(f.secrets.cached(QStringLiteral("database/staging")).value_or(QByteArray()), password.toUtf8());
    const QByteArray written = ops::testing::settingsFilesContent(f.settings);
    EXPECT_TRUE(written.contains("db.example.com"));
    EXPECT_FALSE(written.contains(password.toUtf8()));
    // The running console keeps its connection: making it active only changes the next start.
    EXPECT_FALSE(f.settings.contains(QStringLiteral("database/connectionString")));
    page->activeBox()->setCurrentIndex(page->activeBox()->findData(QStringLiteral("staging")));
    ASSERT_TRUE(f.pressOk(dialog));
    EXPECT_EQ(f.settings.value(QStringLiteral("database/connectionString")).toString(), saved);
}

TEST(SettingsDialogTest, FieldsModeDefaultsToVerifyFullForARemoteHost)
{
    DialogFixture f;
    SettingsDialog dialog(f.settings, f.secrets, nullptr, QStringLiteral("demo"));
    auto* editor = dialog.connectionsPage()->editor();
    editor->nameEdit()->setText(QStringLiteral("remote"));
    editor->hostEdit()->setText(QStringLiteral("db.example.com"));
    editor->databaseEdit()->setText(QStringLiteral("ops"));
    EXPECT_EQ(editor->sslModeBox()->currentText(), QStringLiteral("verify-full"));
    EXPECT_FALSE(dialog.okButton()->isEnabled()) << "verify-full needs a CA file";
    editor->portEdit()->setText(QStringLiteral("99999"));
    EXPECT_TRUE(editor->problems().contains(QLatin1String("65535")));
    editor->portEdit()->clear();
    editor->hostEdit()->setText(QStringLiteral("localhost"));
    EXPECT_EQ(editor->sslModeBox()->currentText(), QStringLiteral("prefer"));
    EXPECT_TRUE(dialog.okButton()->isEnabled()) << editor->problems().toStdString();
}

TEST(SettingsDialogTest, RetentionAndDeployProviderAreValidatedAndSaved)
{
    DialogFixture f;
    const QString token = QStringLiteral("deploy-Token-55e1");
    SettingsDialog dialog(f.settings, f.secrets, f.pool.get(), QStringLiteral("demo"));
    auto* retention = dialog.retentionPage();
    ASSERT_TRUE(waitFor([&] { return retention->hasLoaded(); }));
    EXPECT_EQ(retention->rawDaysBox()->value(), 7);
    EXPECT_EQ(retention->rollupDaysBox()->value(), 90);
    retention->rawDaysBox()->setValue(120);  // longer than the rollups
    EXPECT_FALSE(dialog.okButton()->isEnabled());
    retention->rawDaysBox()->setValue(14);
    retention->rollupDaysBox()->setValue(180);

    auto* deploy = dialog.deployPage();
    deploy->kindBox()->setCurrentIndex(deploy->kindBox()->findData(QStringLiteral("http")));
    EXPECT_FALSE(dialog.okButton()->isEnabled());  // no URL, no project id
    deploy->urlEdit()->setText(QStringLiteral("http://127.0.0.1:9"));
    deploy->projectEdit()->setText(QStringLiteral("prj_shop"));
    deploy->tokenEdit()->setText(token);
    ASSERT_TRUE(dialog.okButton()->isEnabled());
    ASSERT_TRUE(f.pressOk(dialog)) << dialog.errorText().toStdString();

    EXPECT_EQ(f.scalar(QStringLiteral("SELECT raw_days || '/' || rollup_days FROM ops.health_retention r "
                                      "JOIN ops.projects p ON p.id = r.project_id WHERE p.slug = 'demo'")),
              QStringLiteral("14/180"));
    EXPECT_EQ(f.settings.value(QStringLiteral("deploy/kind")).toString(), QStringLiteral("http"));
    EXPECT_EQ(f.settings.value(QStringLiteral("deploy/projectId")).toString(), QStringLiteral("prj_shop"));
    EXPECT_EQ(f.secrets.cached(QStringLiteral("deploy/default")).value_or(QByteArray()), token.toUtf8());
    const QByteArray written = ops::testing::settingsFilesContent(f.settings);
    EXPECT_TRUE(written.contains("prj_shop"));
    EXPECT_FALSE(written.contains(token.toUtf8()));
}

TEST(SettingsDialogTest, RetentionNeedsTheAdminRoleAndSaysSo)
{
    DialogFixture f;
    auto admin = TestCluster::shared().connect(f.database.database());
    const qint64 project = admin->exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'demo'"))->toInt64(0, 0);
    const QString operatorRole = TestCluster::createMember(*admin, QStringLiteral("ops_operator"), project, QStringLiteral("settings_op"));
    ASSERT_FALSE(operatorRole.isEmpty());
    PoolConfig config;
    config.connection = f.database.withUser(operatorRole);
    config.maxSize = 1;
    Pool pool(config);
    SettingsDialog dialog(f.settings, f.secrets, &pool, QStringLiteral("demo"));
    auto* retention = dialog.retentionPage();
    ASSERT_TRUE(waitFor([&] { return retention->hasLoaded(); }));
    retention->rawDaysBox()->setValue(3);
    ASSERT_TRUE(dialog.okButton()->isEnabled());
    QSignalSpy applied(&dialog, &SettingsDialog::applied);
    dialog.okButton()->click();
    ASSERT_TRUE(waitFor([&] { return !applied.isEmpty(); }));
    EXPECT_FALSE(applied.first().first().toBool());
    EXPECT_TRUE(dialog.errorText().startsWith(QLatin1String("Retention:"))) << dialog.errorText().toStdString();
    EXPECT_EQ(f.scalar(QStringLiteral("SELECT count(*) FROM ops.health_retention")), QStringLiteral("0"));
}

TEST(SettingsDialogTest, EditingTheConsolesOwnMonitorKeepsItsKindAndNeedsNoUrl)
{
    DialogFixture f;
    auto admin = TestCluster::shared().connect(f.database.database());
    ASSERT_TRUE(admin->exec(QStringLiteral("SELECT ops.ensure_monitor(p.id, 'console database', '', 10000, 10000, 3, 200, 299, NULL, 'postgres') "
                                           "FROM ops.projects p WHERE p.slug = 'demo'")).ok());
    SettingsDialog dialog(f.settings, f.secrets, f.pool.get(), QStringLiteral("demo"));
    auto* monitors = dialog.monitorsPage();
    ASSERT_TRUE(waitFor([&] { return monitors->monitorList()->count() == 1; }));
    monitors->monitorList()->setCurrentRow(0);
    EXPECT_FALSE(monitors->urlEdit()->isEnabled());
    monitors->intervalBox()->setValue(20);
    ASSERT_TRUE(dialog.okButton()->isEnabled());
    ASSERT_TRUE(f.pressOk(dialog)) << dialog.errorText().toStdString();
    EXPECT_EQ(f.scalar(QStringLiteral("SELECT kind || ' ' || interval_ms FROM ops.monitors WHERE name = 'console database'")),
              QStringLiteral("postgres 20000"));
}

TEST(SettingsDialogTest, FileMenuOpensSettingsWithCtrlComma)
{
    ops::app::MainWindow window;
    auto* action = window.findChild<QAction*>(QStringLiteral("settings"));
    ASSERT_NE(action, nullptr);
    EXPECT_EQ(action->shortcut(), QKeySequence(QStringLiteral("Ctrl+,")));
    QSignalSpy requested(&window, &ops::app::MainWindow::settingsRequested);
    action->trigger();
    EXPECT_EQ(requested.count(), 1);
}

TEST(SettingsDialogTest, TestConnectionReportsAServerThatIsNotThere)
{
    DialogFixture f;
    SettingsDialog dialog(f.settings, f.secrets, nullptr, QStringLiteral("demo"));
    auto* editor = dialog.connectionsPage()->editor();
    editor->nameEdit()->setText(QStringLiteral("nowhere"));
    editor->rawMode()->setChecked(true);
    editor->rawEdit()->setText(QStringLiteral("host=%1 port=1 dbname=ops").arg(f.dir.path()));  // no socket there
    ASSERT_TRUE(editor->testButton()->isEnabled()) << editor->problems().toStdString();
    editor->testButton()->click();
    EXPECT_FALSE(editor->testButton()->isEnabled()) << "one test at a time";
    ASSERT_TRUE(waitFor([&] { return editor->testResult().startsWith(QLatin1String("Failed")); }))
        << editor->testResult().toStdString();
    EXPECT_TRUE(editor->testButton()->isEnabled());
}
