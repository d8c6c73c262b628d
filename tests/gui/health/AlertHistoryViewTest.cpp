// SPDX-License-Identifier: MIT
// The alert history on a real database: rows as stored, live arrival by NOTIFY (newAlert), the
// operator's acknowledgement recorded, a viewer's refused and shown; the tray never crashes
// without a system tray (offscreen).
#include "TestCluster.h"
#include "Wait.h"

#include "HealthAlertTray.h"
#include "health/AlertHistoryView.h"
#include "health/AlertModel.h"
#include "health/MonitorListView.h"
#include "common/SecretPromptDialog.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QDeadlineTimer>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSystemTrayIcon>
#include <QTableView>

#include <gtest/gtest.h>

using namespace ops::services;
using ops::testing::TestCluster;
using ops::testing::waitFor;

namespace {

class AlertHistoryViewTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto database = TestCluster::shared().createDatabase();
        ASSERT_TRUE(database.ok());
        m_options = database.value();
        m_admin = TestCluster::shared().connect(m_options.database());
        m_project = m_admin->exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'demo'"))->toInt64(0, 0);
        m_monitor = m_admin->exec(QStringLiteral("SELECT ops.ensure_monitor($1, 'api', 'http://127.0.0.1:1/', 1000)"), {m_project})->toInt64(0, 0);
        ASSERT_TRUE(m_admin->exec(QStringLiteral("SELECT ops.acquire_collector_lease($1, 'c', 600000)"), {m_project}).ok());
    }

    void raise(const QString& kind, const QString& message)
    {
        auto r = m_admin->exec(QStringLiteral("SELECT ops.raise_health_alert($1, 'c', $2, '', $3)"), {m_monitor, kind, message});
        ASSERT_TRUE(r.ok() && !r->isNull(0, 0)) << kind.toStdString();
    }

    std::unique_ptr<Pool> pool(const QString& user = {})
    {
        PoolConfig config;
        config.connection = m_options;
        if (!user.isEmpty())
            config.connection = TestCluster::shared().options(m_options.database()).withUser(user);
        config.maxSize = 2;
        return std::make_unique<Pool>(config);
    }

    ConnectionOptions m_options;
    std::unique_ptr<Connection> m_admin;
    qint64 m_project = 0;
    qint64 m_monitor = 0;
};

} // namespace

TEST_F(AlertHistoryViewTest, ShowsStoredAlertsLiveArrivalsAndAcknowledges)
{
    raise(QStringLiteral("monitor_down"), QStringLiteral("api is down: <b>HTTP 503</b>"));
    auto p = pool();
    ops::widgets::AlertHistoryView view(*p, m_project, m_options);
    QAbstractItemModelTester tester(view.model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    view.resize(900, 300);
    view.show();
    ASSERT_TRUE(waitFor([&] { return view.model()->rowCount() == 1; }));
    EXPECT_EQ(view.model()->index(0, ops::widgets::AlertModel::Kind).data().toString(), QStringLiteral("monitor down"));
    EXPECT_EQ(view.model()->index(0, ops::widgets::AlertModel::Message).data().toString(), QStringLiteral("api is down: <b>HTTP 503</b>"));
    EXPECT_EQ(view.model()->index(0, ops::widgets::AlertModel::Acknowledged).data().toString(), QStringLiteral("no"));

    // A new alert raised by the collector (elsewhere) arrives by NOTIFY.
    QStringList arrived;
    QObject::connect(&view, &ops::widgets::AlertHistoryView::newAlert,
                     [&](const QString& title, const QString& message) { arrived << title + QStringLiteral(": ") + message; });
    raise(QStringLiteral("monitor_up"), QStringLiteral("api is up again"));
    ASSERT_TRUE(waitFor([&] { return view.model()->rowCount() == 2; }));
    EXPECT_EQ(arrived, QStringList{QStringLiteral("monitor up: api is up again")});

    // Acknowledge the down alert (second row: newest first).
    view.table()->selectRow(1);
    auto* button = view.findChild<QPushButton*>();
    ASSERT_TRUE(button && button->isEnabled());
    button->click();
    ASSERT_TRUE(waitFor([&] {
        return view.model()->index(1, ops::widgets::AlertModel::Acknowledged).data().toString() != QLatin1String("no");
    }));
    EXPECT_TRUE(view.model()->index(1, ops::widgets::AlertModel::Acknowledged).data().toString().startsWith(QStringLiteral("postgres")))
        << view.model()->index(1, ops::widgets::AlertModel::Acknowledged).data().toString().toStdString();
    EXPECT_EQ(m_admin->exec(QStringLiteral("SELECT count(*) FROM ops.health_alerts WHERE acknowledged_at IS NOT NULL"))->scalar(),
              QStringLiteral("1"));
    view.stopLiveUpdates();
}

TEST_F(AlertHistoryViewTest, AViewersAcknowledgementIsRefusedAndShown)
{
    raise(QStringLiteral("circuit_opened"), QStringLiteral("api: circuit opened"));
    const QString viewer = TestCluster::createMember(*m_admin, QStringLiteral("ops_viewer"), m_project, QStringLiteral("alv"));
    ASSERT_FALSE(viewer.isEmpty());
    auto p = pool(viewer);
    ops::widgets::AlertHistoryView view(*p, m_project, ConnectionOptions{});
    ASSERT_TRUE(waitFor([&] { return view.model()->rowCount() == 1; }));
    view.table()->selectRow(0);
    view.acknowledgeSelected();
    ASSERT_TRUE(waitFor([&] { return !view.message().isEmpty(); }));
    EXPECT_TRUE(view.message().contains(QStringLiteral("operator"))) << view.message().toStdString();
    EXPECT_EQ(m_admin->exec(QStringLiteral("SELECT count(*) FROM ops.health_alerts WHERE acknowledged_at IS NOT NULL"))->scalar(),
              QStringLiteral("0"));
}

TEST(HealthAlertTrayTest, WithoutASystemTrayItOnlyLogs)
{
    ops::app::HealthAlertTray tray;
    tray.notify(QStringLiteral("monitor down"), QStringLiteral("api is down"));
    const bool hasTray = QSystemTrayIcon::isSystemTrayAvailable() && QSystemTrayIcon::supportsMessages();
    EXPECT_EQ(tray.shown(), hasTray ? 1 : 0);
}

TEST(SecretPromptDialogTest, HidesTheValueAndHandsItOverOnce)
{
    ops::widgets::SecretPromptDialog dialog;
    auto* ok = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    EXPECT_FALSE(ok->isEnabled());
    dialog.nameEdit()->setText(QStringLiteral(" supabase-metrics "));
    EXPECT_FALSE(ok->isEnabled()) << "a name without a value";
    dialog.valueEdit()->setText(QStringLiteral("s3cret"));
    EXPECT_TRUE(ok->isEnabled());
    EXPECT_EQ(dialog.valueEdit()->echoMode(), QLineEdit::Password);
    EXPECT_EQ(dialog.secretName(), QStringLiteral("supabase-metrics"));
    EXPECT_EQ(dialog.takeValue(), QByteArray("s3cret"));
    EXPECT_TRUE(dialog.valueEdit()->text().isEmpty());
}

TEST(SecretPromptDialogTest, AKnownSecretAsksOnlyItsValueAndRemembersOnlyWithAKeyring)
{
    ops::widgets::SecretPromptDialog dialog(QStringLiteral("Database password"), QStringLiteral("<b>plain</b>"),
                                            QStringLiteral("database/default"));
    EXPECT_EQ(dialog.nameEdit(), nullptr);
    EXPECT_EQ(dialog.secretName(), QStringLiteral("database/default"));
    EXPECT_EQ(dialog.findChild<QLabel*>()->textFormat(), Qt::PlainText);
    auto* ok = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    EXPECT_FALSE(ok->isEnabled());
    dialog.valueEdit()->setText(QStringLiteral("pw"));
    EXPECT_TRUE(ok->isEnabled());
    EXPECT_TRUE(dialog.rememberInKeyring());
    dialog.setKeyringAvailable(false);
    EXPECT_FALSE(dialog.rememberBox()->isEnabled());
    EXPECT_FALSE(dialog.rememberInKeyring());
}

TEST_F(AlertHistoryViewTest, MonitorListShowsEachMonitorsUptimeAndUnknownWithoutData)
{
    // "api": 3 up, 1 pending; "quiet": no samples.
    ASSERT_TRUE(m_admin->exec(QStringLiteral("SELECT ops.ensure_monitor($1, 'quiet', 'http://127.0.0.1:1/', 1000)"), {m_project}).ok());
    auto inserted = m_admin->exec(QStringLiteral(
        "SELECT count(*) FILTER (WHERE ops.record_health_sample($1, 'c', now() - make_interval(secs => 10 - i), "
        "CASE WHEN i = 3 THEN 'pending' ELSE 'up' END, 5, 200, 'healthy', 'CLOSED', '{}', NULL)) FROM generate_series(0, 3) i"), {m_monitor});
    ASSERT_TRUE(inserted.ok() && inserted->scalar() == QLatin1String("4"));
    raise(QStringLiteral("monitor_down"), QStringLiteral("api is down"));
    auto p = pool();
    ops::widgets::MonitorListView view(*p, m_project);
    QAbstractItemModelTester tester(view.model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    ASSERT_TRUE(waitFor([&] { return view.model()->rowCount() == 2; }));
    auto cell = [&](int row, int column) { return view.model()->index(row, column).data().toString(); };
    using M = ops::widgets::MonitorListModel;
    EXPECT_EQ(cell(0, M::Name), QStringLiteral("api"));
    EXPECT_EQ(cell(0, M::State), QStringLiteral("pending"));
    EXPECT_EQ(cell(0, M::Uptime24h), QStringLiteral("75.00%"));
    EXPECT_EQ(cell(0, M::Uptime30d), QStringLiteral("75.00%"));
    EXPECT_EQ(cell(0, M::Alerts), QStringLiteral("1"));
    EXPECT_EQ(cell(1, M::Name), QStringLiteral("quiet"));
    EXPECT_EQ(cell(1, M::Uptime24h), QStringLiteral("unknown"));
}
