// SPDX-License-Identifier: MIT
// The first-run wizard driven as a user would, against a real PostgreSQL: the existing-database
// path saves a profile without the password (which only the SecretStore holds), the embedded path
// saves nothing but the first-run flag, and a plan checked in the wizard lands in the database.
#include "SettingsTestSupport.h"
#include "TestCluster.h"

#include "common/SecretStore.h"
#include "db/ConnectionProfiles.h"
#include "db/Pool.h"
#include "db/Projects.h"
#include "db/SettingsValidator.h"
#include "settings/ConnectionProfileEditor.h"
#include "settings/FirstRunWizard.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace ops::services;
using ops::testing::TestCluster;
using ops::testing::waitFor;
using ops::widgets::FirstRunWizard;

namespace {

const QString kPassword = QStringLiteral("wizard-Secret-7f3a");

bool nextEnabled(FirstRunWizard& wizard)
{
    return wizard.button(QWizard::NextButton)->isEnabled();
}

} // namespace

TEST(FirstRunWizardTest, ExistingDatabaseSavesTheProfileAndKeepsThePasswordOutOfSettings)
{
    auto database = TestCluster::shared().createDatabase();
    ASSERT_TRUE(database.ok());
    const QString dsn = TestCluster::shared().connectionString(database->database());
    QSettings settings;  // the test process's own store (tests/support/TestMain.cpp)
    settings.clear();
    SecretStore secrets(QStringLiteral("ops-console-tests"), false);

    FirstRunWizard wizard(settings, secrets);
    wizard.show();
    ASSERT_EQ(wizard.currentId(), FirstRunWizard::DatabasePage);
    EXPECT_TRUE(nextEnabled(wizard));  // the embedded default needs nothing
    wizard.existingDatabaseButton()->setChecked(true);
    auto* editor = wizard.databaseEditor();
    editor->rawMode()->setChecked(true);
    editor->rawEdit()->setText(dsn + QStringLiteral(" password=") + kPassword);
    EXPECT_FALSE(nextEnabled(wizard)) << "a password in the DSN is refused";
    EXPECT_TRUE(editor->problems().contains(QLatin1String("Password field"))) << editor->problems().toStdString();
    editor->rawEdit()->setText(dsn);
    editor->sslModeBox()->setCurrentText(QStringLiteral("verify-full"));
    EXPECT_FALSE(nextEnabled(wizard)) << "verify-full to the test cluster's Unix socket";
    EXPECT_TRUE(editor->problems().contains(QLatin1String("sslmode=verify-full"))) << editor->problems().toStdString();
    editor->sslModeBox()->setCurrentText(QStringLiteral("prefer"));
    editor->caFileEdit()->clear();  // revalidates
    editor->nameEdit()->setText(QStringLiteral("cluster"));
    editor->passwordEdit()->setText(kPassword);
    ASSERT_TRUE(nextEnabled(wizard)) << editor->problems().toStdString();

    // Test connection runs off the GUI thread and reports the server.
    editor->testButton()->click();
    ASSERT_TRUE(waitFor([&] { return editor->testResult().startsWith(QLatin1String("Connected")); }))
        << editor->testResult().toStdString();
    EXPECT_TRUE(editor->testResult().contains(QLatin1String("PostgreSQL")));

    wizard.next();
    ASSERT_EQ(wizard.currentId(), FirstRunWizard::HealthPage);
    wizard.healthUrlEdit()->setText(QStringLiteral("ftp://example.com/health"));
    EXPECT_FALSE(nextEnabled(wizard));
    wizard.healthUrlEdit()->setText(QStringLiteral("http://127.0.0.1:9/api/health"));
    EXPECT_TRUE(nextEnabled(wizard));

    wizard.next();
    ASSERT_EQ(wizard.currentId(), FirstRunWizard::PlanPage);
    wizard.planFileEdit()->setText(QStringLiteral(OPS_TEST_DATA "/plans/no-such-plan.md"));
    EXPECT_FALSE(nextEnabled(wizard));
    wizard.planFileEdit()->setText(QStringLiteral(OPS_TEST_DATA "/plans/week1-master-plan.md"));
    ASSERT_TRUE(waitFor([&] { return !wizard.planChecking() && nextEnabled(wizard); })) << wizard.planReport().toStdString();
    EXPECT_TRUE(wizard.planReport().contains(QLatin1String("task"))) << wizard.planReport().toStdString();

    wizard.next();
    ASSERT_EQ(wizard.currentId(), FirstRunWizard::FinishPage);
    wizard.button(QWizard::FinishButton)->click();
    EXPECT_EQ(wizard.result(), QDialog::Accepted);

    // The profile is saved and active, without the password; the SecretStore holds the password.
    ConnectionProfiles profiles(settings);
    EXPECT_EQ(profiles.names(), QStringList{QStringLiteral("cluster")});
    EXPECT_EQ(profiles.active(), QStringLiteral("cluster"));
    EXPECT_TRUE(profiles.firstRunCompleted());
    EXPECT_EQ(SettingsValidator::keywordValue(profiles.connectionString(QStringLiteral("cluster")), QStringLiteral("dbname")),
              database->database());
    EXPECT_EQ(settings.value(QStringLiteral("database/connectionString")).toString(), wizard.connectionString());
    EXPECT_EQ(secrets.cached(QStringLiteral("database/cluster")).value_or(QByteArray()), kPassword.toUtf8());
    const QByteArray written = ops::testing::settingsFilesContent(settings);
    EXPECT_TRUE(written.contains("cluster")) << "the files read are the ones the profile went to";
    EXPECT_FALSE(written.contains(kPassword.toUtf8()));
    EXPECT_TRUE(editor->passwordEdit()->text().isEmpty());

    // What needs the database is applied once it is up: the monitor and the plan land there.
    const auto choices = wizard.choices();
    ASSERT_TRUE(choices.plan.has_value());
    PoolConfig config;
    config.connection = database.value();
    config.maxSize = 1;
    Pool pool(config);
    auto applied = pool.inTransaction(QStringLiteral("test"), [&](Connection& c) -> Result<plan::FirstRunApplied> {
        auto project = projectIdBySlug(c, QStringLiteral("demo"));
        if (!project)
            return project.error();
        return plan::applyFirstRunChoices(c, *project, choices);
    });
    ASSERT_TRUE(applied.ok()) << applied.error().toString().toStdString();
    auto admin = TestCluster::shared().connect(database->database());
    EXPECT_EQ(admin->exec(QStringLiteral("SELECT url FROM ops.monitors WHERE name = 'platform'"))->scalar(),
              QStringLiteral("http://127.0.0.1:9/api/health"));
    EXPECT_EQ(admin->exec(QStringLiteral("SELECT count(*) FROM ops.plans WHERE id = $1 AND plan_key = $2"),
                          {applied->planId, choices.plan->key})->scalar(), QStringLiteral("1"));
    EXPECT_NE(admin->exec(QStringLiteral("SELECT count(*) FROM ops.plan_tasks"))->scalar(), QStringLiteral("0"));
    settings.clear();
}

TEST(FirstRunWizardTest, EmbeddedDefaultSavesOnlyTheFirstRunFlag)
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
    SecretStore secrets(QStringLiteral("ops-console-tests"), false);
    FirstRunWizard wizard(settings, secrets);
    wizard.show();
    for (int page = FirstRunWizard::DatabasePage; page < FirstRunWizard::FinishPage; ++page) {
        ASSERT_TRUE(nextEnabled(wizard)) << "page " << page;
        wizard.next();
    }
    ASSERT_EQ(wizard.currentId(), FirstRunWizard::FinishPage);
    wizard.button(QWizard::FinishButton)->click();
    EXPECT_TRUE(wizard.connectionString().isEmpty());
    EXPECT_FALSE(wizard.choices().needsDatabase());
    EXPECT_EQ(settings.allKeys(), QStringList{QStringLiteral("firstRun/completed")});
}

TEST(FirstRunWizardTest, SkippingKeepsTheEmbeddedDefaultAndIsNotAskedAgain)
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
    SecretStore secrets(QStringLiteral("ops-console-tests"), false);
    FirstRunWizard wizard(settings, secrets);
    wizard.show();
    wizard.existingDatabaseButton()->setChecked(true);
    wizard.databaseEditor()->databaseEdit()->setText(QStringLiteral("ops"));
    wizard.databaseEditor()->passwordEdit()->setText(kPassword);
    wizard.button(QWizard::CancelButton)->click();  // "Skip setup"
    EXPECT_EQ(wizard.result(), QDialog::Rejected);
    EXPECT_TRUE(wizard.connectionString().isEmpty());
    EXPECT_EQ(settings.allKeys(), QStringList{QStringLiteral("firstRun/completed")});
    EXPECT_FALSE(secrets.cached(QStringLiteral("database/default")).has_value());
}
