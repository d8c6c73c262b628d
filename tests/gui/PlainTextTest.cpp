// SPDX-License-Identifier: MIT
// Outside text is never interpreted: markup (<b>, <img src>, <a href>) and ANSI escapes are fed
// through every view that shows text from logs, HTTP answers, plans and people (sandbox table and
// detail pane, health panel, deployments cards/history/output/audit, standup plan, entries and
// blockers), then every text surface of the panel is read back as it renders: a label in rich or
// auto format, a tooltip, a chart label are rendered through QTextDocument like Qt does. Wherever
// the marker shows up, the markup must show literally; custom item delegates and QTextBrowser are
// refused outright. Each test also requires that the hostile text did reach the view, so a panel
// that silently dropped it cannot pass.
#include "TestCluster.h"
#include "Wait.h"

#include "db/Pool.h"
#include "demo/DemoPlatform.h"
#include "deploy/CommandDeployProvider.h"
#include "deploy/HttpDeployProvider.h"
#include "deploy/RolloutService.h"
#include "deployments/DeploymentsPanel.h"
#include "health/AlertHistoryView.h"
#include "health/HealthPanel.h"
#include "health/MonitorListView.h"
#include "plan/PlanImporter.h"
#include "plan/PlanStore.h"
#include "sandbox/SandboxPanel.h"
#include "sandbox/ViolationStore.h"
#include "sandbox/ViolationTableModel.h"
#include "standup/StandupPanel.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateEdit>
#include <QGraphicsTextItem>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QStyledItemDelegate>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTextBrowser>
#include <QTextDocument>
#include <QTreeWidget>

#include <gtest/gtest.h>

using namespace ops::services;
using ops::testing::TestCluster;
using ops::testing::waitFor;
using ops::testing::waitForCount;
using namespace std::chrono_literals;

namespace {

// The marker word is unique, so wherever "zq7" is seen it came from the hostile text.
const QString kMarker = QStringLiteral("zq7");
const QString kBold = QStringLiteral("<b>zq7</b>");
const QString kHostile = QStringLiteral("<b>zq7</b> <img src=\"file:///etc/hostname\"> <a href=\"http://127.0.0.1:1/\">link</a> "
                                        "\x1b[31mred\x1b[0m");

// What a person sees for `text` given Qt's format rules.
QString rendered(const QString& text, Qt::TextFormat format)
{
    if (format == Qt::PlainText || (format == Qt::AutoText && !Qt::mightBeRichText(text)))
        return text;
    QTextDocument document;
    if (format == Qt::MarkdownText)
        document.setMarkdown(text);
    else
        document.setHtml(text);
    return document.toPlainText();
}

struct Audit {
    int surfacesWithMarker = 0;
    QStringList seen;  // where the marker showed up, for the failure messages
    QStringList problems;

    void check(const QString& where, const QString& shown)
    {
        if (!shown.contains(kMarker))
            return;
        ++surfacesWithMarker;
        seen << where;
        if (!shown.contains(kBold))
            problems << QStringLiteral("%1 interprets outside text: shows \"%2\"").arg(where, shown.left(200));
    }

    void checkModel(const QString& where, const QAbstractItemModel* model, const QModelIndex& parent = {})
    {
        for (int row = 0; row < model->rowCount(parent); ++row)
            for (int column = 0; column < model->columnCount(parent); ++column) {
                const QModelIndex index = model->index(row, column, parent);
                check(where + QStringLiteral(" cell"), model->data(index, Qt::DisplayRole).toString());
                check(where + QStringLiteral(" cell tooltip"), rendered(model->data(index, Qt::ToolTipRole).toString(), Qt::AutoText));
                if (column == 0 && model->hasChildren(index))
                    checkModel(where, model, index);
            }
    }

    // Every text surface under `root`, as it renders.
    void widgetTree(QWidget* root)
    {
        QList<QWidget*> widgets = root->findChildren<QWidget*>();
        widgets.prepend(root);
        for (QWidget* widget : widgets) {
            const QString name = QString::fromLatin1(widget->metaObject()->className()) + QLatin1Char(' ') + widget->objectName();
            check(name + QStringLiteral(" tooltip"), rendered(widget->toolTip(), Qt::AutoText));
            if (auto* label = qobject_cast<QLabel*>(widget))
                check(name, rendered(label->text(), label->textFormat()));
            else if (auto* button = qobject_cast<QAbstractButton*>(widget))
                check(name, button->text());
            else if (auto* line = qobject_cast<QLineEdit*>(widget))
                check(name, line->text());
            else if (auto* plain = qobject_cast<QPlainTextEdit*>(widget))
                check(name, plain->toPlainText());
            else if (qobject_cast<QTextBrowser*>(widget))
                problems << QStringLiteral("%1: a QTextBrowser renders HTML").arg(name);
            else if (auto* rich = qobject_cast<QTextEdit*>(widget))
                check(name, rich->toPlainText());
            else if (auto* combo = qobject_cast<QComboBox*>(widget))
                for (int i = 0; i < combo->count(); ++i)
                    check(name + QStringLiteral(" item"), combo->itemText(i));
            else if (auto* tabs = qobject_cast<QTabWidget*>(widget))
                for (int i = 0; i < tabs->count(); ++i)
                    check(name + QStringLiteral(" tab"), tabs->tabText(i));
            // A header view shares its table's model: the table's walk covers the cells.
            if (auto* view = qobject_cast<QAbstractItemView*>(widget); view && view->model() && !qobject_cast<QHeaderView*>(view)) {
                // A custom delegate may paint HTML: only Qt's own plain-text delegate is allowed.
                if (view->itemDelegate() && view->itemDelegate()->metaObject() != &QStyledItemDelegate::staticMetaObject)
                    problems << QStringLiteral("%1 has a custom delegate %2").arg(name, QLatin1String(view->itemDelegate()->metaObject()->className()));
                checkModel(name, view->model());
            }
            if (auto* chartView = qobject_cast<QChartView*>(widget); chartView && chartView->chart()) {
                // Qt Charts renders titles, legend and axis labels as rich text.
                for (QGraphicsItem* item : chartView->scene()->items())
                    if (auto* text = dynamic_cast<QGraphicsTextItem*>(item))
                        check(name + QStringLiteral(" chart text"), text->toPlainText());
            }
        }
    }
};

std::string report(const Audit& audit)
{
    return (audit.problems.join(QLatin1Char('\n')) + QStringLiteral("\nmarker seen in: ") + audit.seen.join(QStringLiteral(", ")))
        .toStdString();
}

class PlainTextTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto database = TestCluster::shared().createDatabase();
        ASSERT_TRUE(database.ok());
        m_options = database.value();
        m_admin = TestCluster::shared().connect(m_options.database());
        ASSERT_TRUE(m_admin);
        m_project = m_admin->exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'demo'"))->toInt64(0, 0);
        PoolConfig config;
        config.connection = m_options;
        config.direct = m_options;
        config.maxSize = 3;
        m_pool = std::make_unique<Pool>(config);
    }
    void TearDown() override
    {
        if (m_pool)
            m_pool->shutdown();
    }

    ConnectionOptions m_options;
    std::unique_ptr<Connection> m_admin;
    std::unique_ptr<Pool> m_pool;
    qint64 m_project = 0;
};

} // namespace

TEST_F(PlainTextTest, SandboxTableAndDetailPaneShowHostileLogTextLiterally)
{
    sandbox::ViolationEvent event;
    event.occurredAt = QDateTime::currentDateTimeUtc();
    event.kind = sandbox::ViolationKind::Secret;
    event.target = QStringLiteral("/home/dev/") + kHostile;
    event.agent = kHostile.left(120);
    event.machine = kHostile.left(120);
    event.session = kHostile.left(120);
    event.operation = kHostile;
    event.rule = kHostile;
    event.raw = QStringLiteral("deny openat ") + kHostile;
    event.sourceName = kHostile;
    ASSERT_TRUE(sandbox::ViolationStore::insertEvents(*m_admin, m_project, {event}).ok());

    ops::widgets::SandboxPanel panel(m_pool.get(), m_options);
    panel.resize(1100, 700);
    panel.show();
    ASSERT_TRUE(waitFor([&] { return panel.model() && !panel.model()->isLoading() && panel.model()->rowCount() == 1; }));
    panel.table()->selectRow(0);
    ASSERT_TRUE(waitFor([&] { return panel.detailText().contains(kMarker); })) << panel.detailText().toStdString();

    Audit audit;
    audit.widgetTree(&panel);
    EXPECT_TRUE(audit.problems.isEmpty()) << report(audit);
    EXPECT_GE(audit.surfacesWithMarker, 3) << "table cells and the detail pane show the hostile event" << report(audit);
    EXPECT_TRUE(panel.detailText().contains(QStringLiteral("\x1b[31mred"))) << "ANSI escapes are kept, not interpreted or lost";
}

TEST_F(PlainTextTest, HealthPanelShowsMonitorNamesAndPlatformTextLiterally)
{
    const qint64 monitor = m_admin->exec(QStringLiteral("SELECT ops.ensure_monitor($1, $2, 'http://127.0.0.1:1/', 1000)"),
                                         {m_project, kHostile})->toInt64(0, 0);
    ASSERT_GT(monitor, 0);
    ASSERT_TRUE(m_admin->exec(QStringLiteral("SELECT ops.acquire_collector_lease($1, 't', 600000)"), {m_project}).ok());
    // The platform's status and the probe's error are what an endpoint sent.
    auto inserted = m_admin->exec(QStringLiteral(
        "SELECT ops.record_health_sample($1, 't', now() - make_interval(secs => i), 'down', 100, 500, $2, $2, "
        "'{\"throughput\": 3}', $3) FROM generate_series(1, 5) i"), {monitor, kHostile.left(40), kHostile});
    ASSERT_TRUE(inserted.ok()) << inserted.error().toString().toStdString();
    // An alert's message quotes what the endpoint said.
    auto alert = m_admin->exec(QStringLiteral("SELECT ops.raise_health_alert($1, 't', 'monitor_down', '', $2)"),
                               {monitor, kHostile});
    ASSERT_TRUE(alert.ok()) << alert.error().toString().toStdString();

    ops::widgets::HealthPanel panel(*m_pool, m_project, m_options, false);
    panel.resize(1100, 700);
    panel.show();
    // Waits on what is shown, not on monitorsLoaded: a load that finishes while the panel is being
    // built emits before any spy could exist (Qt 6.4 runs a finished future's continuation at once).
    auto* monitors = panel.findChild<ops::widgets::MonitorListView*>();
    ASSERT_NE(monitors, nullptr);
    ASSERT_TRUE(waitFor([&] { return panel.hasLoaded() && monitors->model()->rowCount() > 0; }));

    Audit audit;
    audit.widgetTree(&panel);
    EXPECT_TRUE(audit.problems.isEmpty()) << report(audit);
    EXPECT_GE(audit.surfacesWithMarker, 2) << "the monitor list and the circuit tile show the hostile text" << report(audit);
    auto* alerts = panel.findChild<ops::widgets::AlertHistoryView*>();
    ASSERT_NE(alerts, nullptr);
    ASSERT_TRUE(waitFor([&] {
        Audit seen;
        seen.widgetTree(alerts);
        return seen.surfacesWithMarker > 0;
    })) << "the alert history shows the hostile alert";
    Audit alertAudit;
    alertAudit.widgetTree(alerts);
    EXPECT_TRUE(alertAudit.problems.isEmpty()) << report(alertAudit);
}

TEST_F(PlainTextTest, DeploymentsShowProviderTextOutputAndAuditLiterally)
{
    DemoPlatform::Config platformConfig;
    platformConfig.migrationName = kHostile;
    DemoPlatform platform(platformConfig);
    ASSERT_TRUE(platform.start().ok());
    HttpDeployProvider::Config providerConfig;
    providerConfig.baseUrl = platform.baseUrl();
    providerConfig.projectId = platform.config().projectId;
    providerConfig.token = "demo-token";
    HttpDeployProvider provider(providerConfig);
    RolloutService::Config serviceConfig;
    serviceConfig.providerProject = providerConfig.projectId;
    serviceConfig.verification.baseUrl = platform.baseUrl();
    serviceConfig.verification.window = 1000ms;
    RolloutService service(*m_pool, provider, serviceConfig);
    // A build whose version name (chosen by whoever deploys) is hostile, then the bad v4 again on top.
    platform.deploy(QStringLiteral("v9 ") + kHostile);
    platform.deploy(QStringLiteral("v4"));
    ASSERT_TRUE(service.sync().ok());

    ops::widgets::DeploymentsPanel panel(service);
    panel.setConfirm([](QWidget*, const RolloutPlan&, QString* reason, QString*) {
        *reason = kHostile;  // typed by a person: stored in the audit log and shown back
        return true;
    });
    panel.resize(1200, 800);
    panel.show();
    QSignalSpy refreshed(&panel, &ops::widgets::DeploymentsPanel::refreshed);
    panel.start();
    ASSERT_TRUE(waitForCount(refreshed, 1));
    QSignalSpy finished(&panel, &ops::widgets::DeploymentsPanel::rolloutFinished);
    panel.startRollback();
    ASSERT_TRUE(waitForCount(finished, 1));
    // The refresh after the rollback shows the reason in both histories.
    (void)waitFor([&] {
        Audit shown;
        shown.widgetTree(&panel);
        return shown.surfacesWithMarker >= 3;
    });

    Audit audit;
    audit.widgetTree(&panel);
    EXPECT_TRUE(audit.problems.isEmpty()) << report(audit);
    EXPECT_GE(audit.surfacesWithMarker, 3) << "the migration warning and both histories show the hostile text" << report(audit);

    // A provider command's output (markup and colour codes) streams into the output pane, its
    // failure message into the timeline; a list answer that is not JSON becomes the card's tooltip.
    CommandDeployProvider::Config commandConfig;
    commandConfig.rollbackTemplate = {QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                                      QStringLiteral("printf '%s\\n' \"$0\"; exit 3"), kHostile};
    commandConfig.statusTemplate = {QStringLiteral("/bin/echo"),
                                    QStringLiteral(R"({"targets": {"production": {"id": "%1"}}})").arg(platform.liveDeploymentId())};
    commandConfig.listTemplate = {QStringLiteral("/bin/echo"), kHostile};  // not JSON: the sync fails with it
    CommandDeployProvider command(commandConfig);
    RolloutService commandService(*m_pool, command, serviceConfig);
    ops::widgets::DeploymentsPanel commandPanel(commandService);
    commandPanel.setConfirm([](QWidget*, const RolloutPlan&, QString*, QString*) { return true; });
    commandPanel.show();
    QSignalSpy commandRefreshed(&commandPanel, &ops::widgets::DeploymentsPanel::refreshed);
    commandPanel.start();
    ASSERT_TRUE(waitForCount(commandRefreshed, 1));
    QSignalSpy commandFinished(&commandPanel, &ops::widgets::DeploymentsPanel::rolloutFinished);
    commandPanel.startRollback();
    ASSERT_TRUE(waitForCount(commandFinished, 1));
    EXPECT_TRUE(commandPanel.outputText().contains(QStringLiteral("\x1b[31mred"))) << commandPanel.outputText().toStdString();

    Audit commandAudit;
    commandAudit.widgetTree(&commandPanel);
    EXPECT_TRUE(commandAudit.problems.isEmpty()) << report(commandAudit);
    EXPECT_FALSE(commandAudit.seen.filter(QStringLiteral("QPlainTextEdit")).isEmpty()) << "the output pane shows the command's output" << report(commandAudit);
    EXPECT_FALSE(commandAudit.seen.filter(QStringLiteral("tooltip")).isEmpty()) << "the card's tooltip shows the failed sync" << report(commandAudit);
}

TEST_F(PlainTextTest, StandupShowsPlanTextEntriesAndBlockersLiterally)
{
    // Plan text with markup: inline HTML in Markdown, kept as text by the importer.
    const QByteArray plan = QStringLiteral(
        "# Week plan %1\n\n## DAY-BY-DAY BREAKDOWN\n\n### Day 1: Setup %1\n\n**Task 1: Pool %1** (1 hour)\n\nAssignee: Rana\n\n"
        "## GO/NO-GO CHECKPOINTS\n\n### Day 1 EOD Checkpoint:\n\n- [ ] Works %1?\n\n## TEAM ASSIGNMENTS\n\n### Rana (Backend) - 2 hours\n")
                                .arg(kHostile).toUtf8();
    const plan::ImportResult imported = plan::PlanImporter().import(plan, QStringLiteral("hostile.md"));
    ASSERT_TRUE(imported.report.usable) << imported.report.toText().toStdString();
    ASSERT_TRUE(plan::PlanStore::save(*m_admin, m_project, imported.plan).ok());

    ops::widgets::StandupPanel panel(*m_pool, m_options, QStringLiteral("demo"));
    panel.resize(1200, 800);
    panel.QWidget::show();  // StandupPanel::show(Loaded) hides it
    QSignalSpy loaded(&panel, &ops::widgets::StandupPanel::loaded);
    ASSERT_TRUE(waitFor([&] { return panel.tasksView()->topLevelItemCount() >= 1 && panel.peopleView()->topLevelItemCount() >= 1; }));
    panel.peopleView()->topLevelItem(0)->setText(2, kHostile);  // today's standup entry
    panel.raiseBlocker(QStringLiteral("P1"), kHostile);
    ASSERT_TRUE(waitFor([&] { return panel.blockersView()->topLevelItemCount() == 1; }));
    const qsizetype loadsBefore = loaded.count();
    panel.reload();
    ASSERT_TRUE(waitForCount(loaded, loadsBefore + 1));

    Audit audit;
    audit.widgetTree(&panel);
    EXPECT_TRUE(audit.problems.isEmpty()) << report(audit);
    EXPECT_GE(audit.surfacesWithMarker, 3) << "a task, the standup entry and the blocker show the hostile text" << report(audit);
}
