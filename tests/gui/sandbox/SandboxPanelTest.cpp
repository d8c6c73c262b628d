// SPDX-License-Identifier: MIT
// The Sandbox tab against a real database: lazy keyset pages with bounded memory, every filter in
// the database, new rows on top through NOTIFY and the "N new" badge, the role-aware triage
// buttons, the detail pane's explaining rule and policy proposal, the isolation checklist, charts
// and the CSV export.
#include "TestCluster.h"
#include "Wait.h"

#include "common/OperationProgress.h"
#include "db/Pool.h"
#include "sandbox/IsolationCheckView.h"
#include "sandbox/PolicyProposalDialog.h"
#include "sandbox/SandboxPanel.h"
#include "sandbox/ViolationChartsView.h"
#include "sandbox/ViolationFilterBar.h"
#include "sandbox/ViolationStore.h"
#include "sandbox/ViolationTableModel.h"

#include <QAbstractItemModelTester>
#include <QBarCategoryAxis>
#include <QChart>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <set>

using namespace ops::services;
using namespace ops::services::sandbox;
using ops::testing::TestCluster;
using ops::testing::waitFor;
using ops::testing::waitForCount;
using namespace ops::widgets;

namespace {

std::vector<ViolationEvent> events(int count, int base)
{
    std::vector<ViolationEvent> list(count);
    // Inserted oldest first, as a log grows: a higher id is a newer event.
    for (int i = 0; i < count; ++i) {
        const int n = base + count - 1 - i;
        list[i].occurredAt = QDateTime::currentDateTimeUtc().addSecs(-n);
        list[i].kind = n % 3 == 0 ? ViolationKind::Secret : ViolationKind::Network;
        list[i].target = QStringLiteral("target-%1 <b>bold</b>").arg(n);
    }
    return list;
}

// A fresh database, an admin connection and a pool logged in as `user` (empty: the superuser).
class SandboxGuiTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto database = TestCluster::shared().createDatabase();
        ASSERT_TRUE(database.ok());
        m_options = database.value();
        m_admin = TestCluster::shared().connect(m_options.database());
        ASSERT_TRUE(m_admin);
        m_project = m_admin->exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'demo'"))->toInt64(0, 0);
    }
    void TearDown() override
    {
        m_panel.reset();
        if (m_pool)
            m_pool->shutdown();
    }
    SandboxPanel& openPanel(const QString& group = {})
    {
        ConnectionOptions options = m_options;
        if (!group.isEmpty())
            options = options.withUser(TestCluster::createMember(*m_admin, group, m_project, QStringLiteral("sbxgui")));
        PoolConfig config;
        config.connection = options;
        config.direct = options;
        config.maxSize = 3;
        m_pool = std::make_unique<Pool>(config);
        m_panel = std::make_unique<SandboxPanel>(m_pool.get(), options);
        m_panel->resize(1100, 700);
        m_panel->show();
        EXPECT_TRUE(waitFor([&] { return m_panel->model() && m_panel->roleLevel().size() > 0; }));
        return *m_panel;
    }
    void insert(const std::vector<ViolationEvent>& list)
    {
        ASSERT_TRUE(ViolationStore::insertEvents(*m_admin, m_project, list).ok());
    }
    static bool waitLoaded(ViolationTableModel* model, int rows)
    {
        return waitFor([&] { return !model->isLoading() && model->rowCount() == rows; });
    }

    ConnectionOptions m_options;
    std::unique_ptr<Connection> m_admin;
    std::unique_ptr<Pool> m_pool;
    std::unique_ptr<SandboxPanel> m_panel;
    qint64 m_project = 0;
};

ViolationEvent event(ViolationKind kind, const QString& target, QDateTime at, Decision decision = Decision::Blocked)
{
    ViolationEvent e;
    e.kind = kind;
    e.target = target;
    e.occurredAt = at;
    e.decision = decision;
    e.agent = QStringLiteral("claude");
    e.rule = QStringLiteral("from the runtime");
    return e;
}

} // namespace

TEST_F(SandboxGuiTest, PagesLazilyFiltersInTheDatabaseAndShowsNewRowsOnTop)
{
    insert(events(450, 10));
    SandboxPanel& panel = openPanel();
    ViolationTableModel* model = panel.model();
    // The first page's size is taken when it arrives: the model tester below (and the view) may
    // fetch further pages on their own before the test looks again.
    int firstPageRows = -1;
    QObject::connect(model, &ViolationTableModel::pageLoaded, model, [&] {
        if (firstPageRows < 0)
            firstPageRows = model->rowCount();
    });
    if (model->rowCount() > 0)
        firstPageRows = model->rowCount();  // the first page was already in when the panel opened
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Warning);
    ASSERT_TRUE(waitFor([&] { return model->rowCount() > 0; }));
    EXPECT_EQ(firstPageRows, ViolationTableModel::PageSize);  // pages, not the whole table
    for (int attempt = 0; attempt < 10 && model->rowCount() < 450; ++attempt) {
        const int before = model->rowCount();
        model->fetchMore({});
        (void)waitFor([&] { return model->rowCount() > before; });
    }

    ASSERT_EQ(model->rowCount(), 450);
    std::set<QString> targets;
    for (int row = 0; row < model->rowCount(); ++row)
        targets.insert(model->data(model->index(row, ViolationTableModel::Target), Qt::DisplayRole).toString());
    EXPECT_EQ(targets.size(), 450u);  // every row once
    EXPECT_FALSE(model->canFetchMore({}));
    EXPECT_EQ(model->data(model->index(0, ViolationTableModel::Target), Qt::DisplayRole).toString(),
              QStringLiteral("target-10 <b>bold</b>"));  // newest first, markup kept as text

    // A new batch: one NOTIFY, rows appear on top.
    insert(events(3, 0));
    ASSERT_TRUE(waitFor([&] { return model->rowCount() == 453; }));
    EXPECT_EQ(model->data(model->index(0, ViolationTableModel::Target), Qt::DisplayRole).toString(),
              QStringLiteral("target-0 <b>bold</b>"));

    // A filter goes to the database and starts over.
    QComboBox* kind = panel.filterBar()->kindBox();
    kind->setCurrentIndex(kind->findData(QStringLiteral("secret")));
    ASSERT_TRUE(waitFor([&] { return model->rowCount() == 151; })) << model->rowCount();  // 450/3 + 1 of the 3 new
    for (int row = 0; row < model->rowCount(); ++row)
        ASSERT_EQ(model->data(model->index(row, ViolationTableModel::Kind), Qt::DisplayRole).toString(), QStringLiteral("secret"));
}

TEST_F(SandboxGuiTest, ScrollingThroughEverythingKeepsBoundedPagesAndEvictedRowsComeBackTheSame)
{
    const int total = (ViolationTableModel::MaxResidentPages + 5) * ViolationTableModel::PageSize + 17;
    insert(events(total, 0));
    SandboxPanel& panel = openPanel();
    ViolationTableModel* model = panel.model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::Warning);
    ASSERT_TRUE(waitFor([&] { return model->rowCount() > 0; }));
    const QString firstTarget = model->data(model->index(0, ViolationTableModel::Target), Qt::DisplayRole).toString();
    while (model->canFetchMore({}) || model->isLoading()) {
        panel.table()->scrollToBottom();
        model->fetchMore({});
        QTest::qWait(1);
    }
    // The last page's rows may still be queued (the model never nests changes: an answer that
    // lands inside another change is applied on the next event-loop turn), so wait for them.
    ASSERT_TRUE(waitFor([&] { return model->rowCount() == total; })) << model->rowCount() << " of " << total;
    EXPECT_LE(model->residentPages(), ViolationTableModel::MaxResidentPages);
    std::set<qint64> ids;
    for (int row = 0; row < total; ++row)
        ids.insert(model->idAt(row));
    EXPECT_EQ(int(ids.size()), total);  // every row exactly once

    // An evicted page: asking for it loads the same rows again by id. Events were inserted oldest
    // first, so the row with id i is "target-<total - i>".
    int evicted = -1;
    for (int row = 0; row < total && evicted < 0; ++row)
        if (!model->isResident(row))
            evicted = row + 7;  // inside the page
    ASSERT_GE(evicted, 0);
    EXPECT_EQ(model->rowAt(evicted), nullptr);
    QSignalSpy changed(model, &QAbstractItemModel::dataChanged);
    ASSERT_TRUE(waitFor([&] { return model->rowAt(evicted) != nullptr; }));
    EXPECT_EQ(model->data(model->index(evicted, ViolationTableModel::Target), Qt::DisplayRole).toString(),
              QStringLiteral("target-%1 <b>bold</b>").arg(total - model->idAt(evicted)));
    EXPECT_EQ(model->data(model->index(0, ViolationTableModel::Target), Qt::DisplayRole).toString(), firstTarget);
    EXPECT_GE(changed.count(), 1);
    EXPECT_LE(model->residentPages(), ViolationTableModel::MaxResidentPages);
}

TEST_F(SandboxGuiTest, DecisionSeverityStatusAndTimeRangeFiltersRunInTheDatabase)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    std::vector<ViolationEvent> list{
        event(ViolationKind::Network, QStringLiteral("a:443"), now.addSecs(-60), Decision::Allowed),
        event(ViolationKind::Network, QStringLiteral("b:443"), now.addSecs(-120)),
        event(ViolationKind::FileRead, QStringLiteral("/c"), now.addSecs(-2 * 3600)),
        event(ViolationKind::FileRead, QStringLiteral("/d"), now.addDays(-3)),
        event(ViolationKind::FileRead, QStringLiteral("/e"), now.addDays(-10)),
    };
    list[1].severity = Severity::Critical;
    insert(list);
    ASSERT_TRUE(m_admin->exec(QStringLiteral("UPDATE ops.sandbox_violations SET status = 'resolved' WHERE target = '/c'")).ok());
    SandboxPanel& panel = openPanel();
    ViolationTableModel* model = panel.model();
    ViolationFilterBar* bar = panel.filterBar();
    bar->setClock([now] { return now; });
    ASSERT_TRUE(waitLoaded(model, 5));

    auto choose = [](QComboBox* box, const QVariant& data) { box->setCurrentIndex(box->findData(data)); };
    choose(bar->decisionBox(), QStringLiteral("allowed"));
    ASSERT_TRUE(waitLoaded(model, 1));
    EXPECT_EQ(model->rowAt(0)->target, QStringLiteral("a:443"));
    choose(bar->decisionBox(), QString());
    choose(bar->severityBox(), QStringLiteral("critical"));
    ASSERT_TRUE(waitLoaded(model, 1));
    EXPECT_EQ(model->rowAt(0)->target, QStringLiteral("b:443"));
    choose(bar->severityBox(), QString());
    choose(bar->statusBox(), QStringLiteral("resolved"));
    ASSERT_TRUE(waitLoaded(model, 1));
    EXPECT_EQ(model->rowAt(0)->target, QStringLiteral("/c"));
    choose(bar->statusBox(), QString());

    choose(bar->rangeBox(), int(ViolationFilterBar::Range::LastHour));
    ASSERT_TRUE(waitLoaded(model, 2));
    choose(bar->rangeBox(), int(ViolationFilterBar::Range::Last24Hours));
    ASSERT_TRUE(waitLoaded(model, 3));
    choose(bar->rangeBox(), int(ViolationFilterBar::Range::Last7Days));
    ASSERT_TRUE(waitLoaded(model, 4));
    choose(bar->rangeBox(), int(ViolationFilterBar::Range::Custom));
    EXPECT_FALSE(bar->fromEdit()->isHidden());
    bar->fromEdit()->setDateTime(now.addDays(-11).toLocalTime());
    bar->toEdit()->setDateTime(now.addDays(-2).toLocalTime());
    ASSERT_TRUE(waitLoaded(model, 2)) << model->rowCount();  // /d and /e
    const ViolationFilter filter = bar->filter();
    EXPECT_TRUE(filter.from.isValid() && filter.to.isValid());

    bar->textEdit()->setText(QStringLiteral("/E"));  // debounced, case-insensitive
    ASSERT_TRUE(waitLoaded(model, 1));
    EXPECT_EQ(model->rowAt(0)->target, QStringLiteral("/e"));
}

TEST_F(SandboxGuiTest, ViewerSeesTriageButtonsDisabledWithTheReason)
{
    insert(events(5, 0));
    SandboxPanel& panel = openPanel(QStringLiteral("ops_viewer"));
    EXPECT_EQ(panel.roleLevel(), QStringLiteral("viewer"));
    ASSERT_TRUE(waitLoaded(panel.model(), 5));  // a viewer sees the rows
    for (QPushButton* button : {panel.acknowledgeButton(), panel.resolveButton()}) {
        EXPECT_FALSE(button->isEnabled());
        EXPECT_TRUE(button->toolTip().contains(QStringLiteral("ops_operator"))) << button->toolTip().toStdString();
    }
    // Even called directly, the database refuses and nothing changes.
    panel.table()->selectAll();
    panel.setStatusOfSelection(QStringLiteral("resolved"));
    ASSERT_TRUE(waitFor([&] { return panel.messageText().contains(QStringLiteral("permission denied")); }))
        << panel.messageText().toStdString();
    EXPECT_EQ(m_admin->exec(QStringLiteral("SELECT count(*) FROM ops.sandbox_violations WHERE status = 'new'"))->scalar(),
              QStringLiteral("5"));
}

TEST_F(SandboxGuiTest, OperatorAcknowledgesTheSelectionAndItIsAudited)
{
    insert(events(5, 0));
    SandboxPanel& panel = openPanel(QStringLiteral("ops_operator"));
    ASSERT_TRUE(waitLoaded(panel.model(), 5));
    EXPECT_TRUE(panel.acknowledgeButton()->isEnabled());
    EXPECT_TRUE(panel.acknowledgeButton()->toolTip().isEmpty());
    panel.table()->selectRow(0);
    panel.table()->selectionModel()->select(panel.model()->index(1, 0),
                                            QItemSelectionModel::Select | QItemSelectionModel::Rows);
    panel.acknowledgeButton()->click();
    ASSERT_TRUE(waitFor([&] {
        return m_admin->exec(QStringLiteral("SELECT count(*) FROM ops.sandbox_violations WHERE status = 'acknowledged'"))->scalar()
               == QStringLiteral("2");
    }));
    EXPECT_EQ(m_admin->exec(QStringLiteral("SELECT count(*) FROM ops.audit_log WHERE action = 'sandbox.status_changed'"))->scalar(),
              QStringLiteral("1"));
}

TEST_F(SandboxGuiTest, DetailPaneNamesTheRuleFromTheSettingsAndAllowIsAProposedDiff)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    ViolationEvent key = event(ViolationKind::Secret, QDir::homePath() + QStringLiteral("/.ssh/id_rsa"), now.addSecs(-10));
    key.raw = QStringLiteral("Sandbox: cat(1) deny(1) file-read-data <script>x</script>\x1b[31m");
    insert({key, event(ViolationKind::Network, QStringLiteral("evil.example.com:443"), now)});
    SandboxPanel& panel = openPanel();
    ASSERT_TRUE(waitLoaded(panel.model(), 2));
    panel.table()->setCurrentIndex(panel.model()->index(1, 0));
    EXPECT_TRUE(panel.detailText().contains(QStringLiteral("load the sandbox settings file"))) << panel.detailText().toStdString();
    EXPECT_TRUE(panel.detailText().contains(QStringLiteral("<script>x</script>\x1b[31m")));  // raw, as plain text

    QSignalSpy loaded(&panel, &SandboxPanel::policyLoaded);
    panel.loadPolicy(QStringLiteral(OPS_TEST_DATA "/sandbox/settings.json"));
    ASSERT_TRUE(waitForCount(loaded, 1));  // a tiny file may be read before this line
    EXPECT_TRUE(panel.detailText().contains(QStringLiteral("rule (explained): settings settings.json: filesystem.denyRead: ~/.ssh (blocked)")))
        << panel.detailText().toStdString();

    panel.table()->setCurrentIndex(panel.model()->index(0, 0));
    EXPECT_TRUE(panel.detailText().contains(QStringLiteral("network: evil.example.com is not in allowedDomains")))
        << panel.detailText().toStdString();
    const auto change = panel.proposalForCurrentRow();
    ASSERT_TRUE(change.has_value());
    EXPECT_TRUE(change->diff.contains(QStringLiteral("+            \"evil.example.com\""))) << change->diff.toStdString();

    // The dialog shows the diff; it refuses to overwrite the loaded file and saves a new one.
    PolicyProposalDialog dialog(change.value(), QStringLiteral(OPS_TEST_DATA "/sandbox/settings.json"));
    EXPECT_EQ(dialog.diffText(), change->diff);
    const QByteArray before = [] {
        QFile file(QStringLiteral(OPS_TEST_DATA "/sandbox/settings.json"));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }();
    EXPECT_TRUE(PolicyProposalDialog::saveProposal(change.value(), QStringLiteral(OPS_TEST_DATA "/sandbox/settings.json"),
                                                   QStringLiteral(OPS_TEST_DATA "/sandbox/../sandbox/settings.json"))
                    .startsWith(QStringLiteral("Refused")));
    QFile original(QStringLiteral(OPS_TEST_DATA "/sandbox/settings.json"));
    ASSERT_TRUE(original.open(QIODevice::ReadOnly));
    EXPECT_EQ(original.readAll(), before);
    QTemporaryDir directory;
    const QString proposed = directory.filePath(QStringLiteral("settings.proposed.json"));
    EXPECT_TRUE(PolicyProposalDialog::saveProposal(change.value(), QStringLiteral(OPS_TEST_DATA "/sandbox/settings.json"), proposed)
                    .isEmpty());
    auto reloaded = SandboxPolicy::load(proposed, QDir::homePath(), QDir::currentPath());
    ASSERT_TRUE(reloaded.ok());
    EXPECT_TRUE(reloaded->proposeAllowDomain(QStringLiteral("evil.example.com")).isEmpty());  // now allowed
}

TEST_F(SandboxGuiTest, IsolationChecklistTurnsGreenAsTheProbesAreBlocked)
{
    SandboxPanel& panel = openPanel();
    IsolationCheckView* check = panel.isolationCheck();
    check->projectDirectoryEdit()->setText(QStringLiteral("/home/dev/app"));
    QSignalSpy checked(check, &IsolationCheckView::checked);
    check->recheck();
    ASSERT_TRUE(waitForCount(checked, 1));
    for (int i = 0; i < 3; ++i) {
        EXPECT_FALSE(check->items()[std::size_t(i)].passed);
        EXPECT_TRUE(check->itemLabel(i)->text().startsWith(QStringLiteral("\u2718")));
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    insert({event(ViolationKind::Secret, QStringLiteral("/home/dev/app/.env.local"), now),
            event(ViolationKind::Network, QStringLiteral("example.org:443"), now),
            event(ViolationKind::FileRead, QStringLiteral("/etc/hostname"), now)});
    check->recheck();
    ASSERT_TRUE(waitForCount(checked, 2));
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(check->items()[std::size_t(i)].passed) << i;
        EXPECT_TRUE(check->itemLabel(i)->text().startsWith(QStringLiteral("\u2714")));
        EXPECT_EQ(check->itemLabel(i)->textFormat(), Qt::PlainText);
    }
    EXPECT_TRUE(check->itemLabel(2)->text().contains(QStringLiteral("/etc/hostname")));
}

TEST_F(SandboxGuiTest, ChartsShowSqlAggregatesAndEscapeOutsideTextInLabels)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    insert({event(ViolationKind::Network, QStringLiteral("<b>evil</b>:443"), now),
            event(ViolationKind::Network, QStringLiteral("<b>evil</b>:443"), now.addSecs(-3600)),
            event(ViolationKind::Secret, QStringLiteral("/app/.env"), now)});
    SandboxPanel& panel = openPanel();
    ViolationChartsView* charts = panel.charts();
    QSignalSpy refreshed(charts, &ViolationChartsView::refreshed);
    charts->refresh(panel.filterBar()->filter());
    ASSERT_TRUE(waitForCount(refreshed, 1));
    EXPECT_EQ(charts->data().topTargets.front().label, QStringLiteral("<b>evil</b>:443"));
    EXPECT_EQ(charts->data().topTargets.front().count, 2);
    EXPECT_EQ(charts->hourlyChart()->series().size(), 1);
    auto* axis = qobject_cast<QBarCategoryAxis*>(charts->targetsChart()->axes(Qt::Vertical).value(0));
    ASSERT_TRUE(axis);
    EXPECT_TRUE(axis->categories().contains(QStringLiteral("1. &lt;b&gt;evil&lt;/b&gt;:443"))) << axis->categories().join(',').toStdString();
    EXPECT_FALSE(charts->grab().isNull());
}

TEST_F(SandboxGuiTest, ExportWritesTheCurrentFilterOffTheGuiThread)
{
    insert(events(30, 0));
    SandboxPanel& panel = openPanel();
    ASSERT_TRUE(waitLoaded(panel.model(), 30));
    QComboBox* kind = panel.filterBar()->kindBox();
    kind->setCurrentIndex(kind->findData(QStringLiteral("secret")));
    ASSERT_TRUE(waitLoaded(panel.model(), 10));
    QTemporaryDir directory;
    const QString path = directory.filePath(QStringLiteral("secrets.csv"));
    QSignalSpy finished(&panel, &SandboxPanel::exportFinished);
    panel.exportCsv(path);
    ASSERT_TRUE(waitForCount(finished, 1));
    EXPECT_TRUE(finished.at(0).at(0).toBool());
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    EXPECT_EQ(file.readAll().count("\r\n"), 11);  // header + 10 secrets
}

TEST_F(SandboxGuiTest, ExportShowsAProgressBarAndCancelLeavesNoFile)
{
    insert(events(8001, 0));  // five pages of the export: Cancel lands between two of them
    SandboxPanel& panel = openPanel();
    ASSERT_TRUE(ops::testing::waitFor([&] { return panel.model()->rowCount() > 0; }));
    QTemporaryDir directory;
    const QString path = directory.filePath(QStringLiteral("all.csv"));
    QSignalSpy finished(&panel, &SandboxPanel::exportFinished);
    OperationProgress* progress = panel.exportProgress();
    EXPECT_FALSE(progress->isVisible());
    panel.exportCsv(path);
    EXPECT_TRUE(progress->isVisible());
    EXPECT_EQ(progress->bar()->accessibleName(), QStringLiteral("Exporting violations to all.csv"));
    QTest::mouseClick(progress->cancelButton(), Qt::LeftButton);
    EXPECT_FALSE(progress->cancelButton()->isEnabled());
    ASSERT_TRUE(finished.wait(20000));
    EXPECT_FALSE(finished.at(0).at(0).toBool());
    EXPECT_FALSE(progress->isVisible());
    EXPECT_FALSE(QFile::exists(path));
    EXPECT_TRUE(panel.messageText().contains(QStringLiteral("cancelled"))) << panel.messageText().toStdString();

    // The next export runs to the end.
    panel.exportCsv(path);
    ASSERT_TRUE(finished.wait(30000));
    EXPECT_TRUE(finished.at(1).at(0).toBool());
    EXPECT_TRUE(QFile::exists(path));
}

TEST_F(SandboxGuiTest, NewBadgeCountsRowsThatArriveWhileTheTabIsNotShown)
{
    insert(events(3, 10));
    SandboxPanel& panel = openPanel();
    ASSERT_TRUE(waitLoaded(panel.model(), 3));
    panel.hide();
    QSignalSpy badge(&panel, &SandboxPanel::newSinceViewedChanged);
    insert(events(4, 0));
    ASSERT_TRUE(waitFor([&] { return panel.newSinceViewed() == 4; }));
    panel.show();
    EXPECT_EQ(panel.newSinceViewed(), 0);
    EXPECT_EQ(badge.last().at(0).toInt(), 0);
}

TEST_F(SandboxGuiTest, EveryRowShownExactlyOnceWhileRowsArriveDuringPaging)
{
    insert(events(1000, 100));
    SandboxPanel& panel = openPanel();
    ViolationTableModel* model = panel.model();
    ASSERT_TRUE(waitFor([&] { return model->rowCount() > 0; }));
    // Between pages, other writers add rows: some newer than everything (they come on top by
    // NOTIFY), some older than everything (a page reaches them too): each must be shown once.
    int added = 0;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    while (model->canFetchMore({}) || model->isLoading()) {
        if (!model->isLoading()) {
            insert({event(ViolationKind::Network, QStringLiteral("new-%1").arg(added), now.addSecs(added + 1)),
                    event(ViolationKind::FileRead, QStringLiteral("old-%1").arg(added), now.addDays(-30).addSecs(added))});
            added += 1;
            model->fetchMore({});
        }
        QTest::qWait(5);
    }
    const int total = 1000 + 2 * added;
    ASSERT_GT(added, 3);
    ASSERT_TRUE(waitFor([&] { return model->rowCount() >= total; })) << model->rowCount() << " of " << total;
    QTest::qWait(300);  // late notifications change nothing
    ASSERT_EQ(model->rowCount(), total);
    std::set<qint64> ids;
    for (int row = 0; row < model->rowCount(); ++row)
        ids.insert(model->idAt(row));
    EXPECT_EQ(int(ids.size()), total);
    EXPECT_EQ(*ids.begin(), 1);
    EXPECT_EQ(*ids.rbegin(), total);
}

TEST_F(SandboxGuiTest, FollowedFileFlowsIntoTheTableAndIsResumedByTheNextPanel)
{
    // The followed files are remembered in the (test) settings: start and end without any.
    struct ForgetFollowed {
        ForgetFollowed() { QSettings().remove(QStringLiteral("sandbox/followed")); }
        ~ForgetFollowed() { QSettings().remove(QStringLiteral("sandbox/followed")); }
    } forget;
    QTemporaryDir directory;
    const QString path = directory.filePath(QStringLiteral("agent.jsonl"));
    auto append = [&](int from, int count) {
        QFile file(path);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Append));
        for (int i = from; i < from + count; ++i)
            file.write(QStringLiteral("{\"kind\":\"network\",\"target\":\"h%1.example.com:443\"}\n").arg(i).toUtf8());
    };
    append(0, 5);
    {
        SandboxPanel& panel = openPanel(QStringLiteral("ops_operator"));
        panel.followFile(path);
        EXPECT_EQ(panel.followedFiles(), QStringList{path});
        ASSERT_TRUE(waitFor([&] { return panel.model()->rowCount() == 5; })) << panel.model()->rowCount();
        m_panel.reset();  // the console closes
    }
    append(5, 3);
    SandboxPanel panel(m_pool.get(), m_options);  // opens again: follows the same file, from where it stopped
    panel.show();
    ASSERT_TRUE(waitFor([&] { return panel.followedFiles() == QStringList{path}; }));
    ASSERT_TRUE(waitFor([&] {
        return m_admin->exec(QStringLiteral("SELECT count(*) FROM ops.sandbox_violations"))->scalar() == QStringLiteral("8");
    }));
    QTest::qWait(1500);  // another poll stores nothing twice
    EXPECT_EQ(m_admin->exec(QStringLiteral("SELECT count(DISTINCT target) || '/' || count(*) FROM ops.sandbox_violations"))->scalar(),
              QStringLiteral("8/8"));
    // Stop following: forgotten for the next start too.
    for (QPushButton* button : panel.findChildren<QPushButton*>())
        if (button->text() == QStringLiteral("Stop following"))
            button->click();
    EXPECT_TRUE(panel.followedFiles().isEmpty());
    EXPECT_TRUE(QSettings().value(QStringLiteral("sandbox/followed/demo")).toStringList().isEmpty());
}
