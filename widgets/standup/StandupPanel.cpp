// SPDX-License-Identifier: MIT
#include "standup/StandupPanel.h"

#include "common/RoleGate.h"
#include "db/ProjectMembership.h"

#include "db/Listener.h"
#include "db/Pool.h"
#include "db/Projects.h"
#include "plan/CheckpointReport.h"
#include "plan/PlanReports.h"
#include "plan/PoolMetricSource.h"
#include "standup/ReportPdfWriter.h"
#include "common/OperationProgress.h"

#include <QCoreApplication>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateEdit>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

using namespace ops::services;
using namespace ops::services::plan;

namespace ops::widgets {

namespace {

QColor stateColor(CriterionState state)
{
    switch (state) {
    case CriterionState::Met: return QColor(0x2e, 0x7d, 0x32);
    case CriterionState::NotMet: return QColor(0xc6, 0x28, 0x28);
    case CriterionState::NotApplicable: return QColor(0x75, 0x75, 0x75);
    case CriterionState::NotMeasured: return QColor(0xef, 0x6c, 0x00);
    }
    return {};
}

const QColor kOverdue(0xc6, 0x28, 0x28);

// `objectName` keys the remembered column layout; `name` is what a screen reader announces.
QTreeWidget* makeTree(const QStringList& headers, int stretchColumn, const QString& objectName, const QString& name, QWidget* parent)
{
    auto* tree = new QTreeWidget(parent);
    tree->setObjectName(objectName);
    tree->setAccessibleName(name);
    tree->setHeaderLabels(headers);
    tree->setRootIsDecorated(false);
    tree->setUniformRowHeights(true);
    tree->header()->setSectionResizeMode(stretchColumn, QHeaderView::Stretch);
    return tree;
}

// A cell editor of `tree` has the focus: rebuilding the tree now would throw the edit away.
bool isEditing(const QTreeWidget* tree)
{
    const QWidget* focus = QApplication::focusWidget();
    return focus && tree->viewport()->isAncestorOf(focus);
}

// "1 h 05 min left", "12 min overdue"
QString clockText(const QDateTime& due, const QDateTime& now)
{
    const qint64 minutes = now.secsTo(due) / 60;
    const qint64 magnitude = qAbs(minutes);
    const QString span = magnitude >= 60 ? QCoreApplication::translate("ops::widgets::StandupPanel", "%1 h %2 min").arg(magnitude / 60).arg(magnitude % 60, 2, 10, QLatin1Char('0'))
                                         : QCoreApplication::translate("ops::widgets::StandupPanel", "%1 min").arg(magnitude);
    return minutes >= 0 ? QCoreApplication::translate("ops::widgets::StandupPanel", "%1 left").arg(span) : QCoreApplication::translate("ops::widgets::StandupPanel", "%1 overdue").arg(span);
}

// Evaluates the gate from the Health samples, the pool's own figures as the documented fallback
// for metrics Health does not measure. Runs on a pool worker.
CheckpointStatus evaluateGate(Connection& connection, Pool& pool, qint64 project, const StoredCheckpoint& gate)
{
    PoolMetricSource poolSource(pool);
    return CheckpointService::evaluateLive(connection, project, gate, &poolSource);
}

} // namespace

struct StandupPanel::Loaded {
    qint64 project = 0;
    StandupDay day;
    std::optional<CheckpointStatus> gateStatus;
    QList<StandupEntry> entries;
    QList<Blocker> blockers;
    QString roleLevel;  // ops.current_role_level(): what the gates below allow
};

StandupPanel::StandupPanel(Pool& pool, const ConnectionOptions& direct, QString projectSlug, QWidget* parent)
    : QWidget(parent), m_pool(pool), m_projectSlug(std::move(projectSlug))
{
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    m_date = new QDateEdit(QDate::currentDate(), this);
    m_date->setCalendarPopup(true);
    m_date->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    m_date->setAccessibleName(tr("Date"));
    m_dayLabel = new QLabel(this);
    m_dayLabel->setTextFormat(Qt::PlainText);
    auto* copy = new QPushButton(tr("Copy progress update"), this);
    auto* checkpointReport = new QPushButton(tr("Export checkpoint report…"), this);
    auto* weekReport = new QPushButton(tr("Export week report…"), this);
    top->addWidget(new QLabel(tr("Date:"), this));
    top->addWidget(m_date);
    top->addWidget(m_dayLabel, 1);
    top->addWidget(copy);
    top->addWidget(checkpointReport);
    top->addWidget(weekReport);
    layout->addLayout(top);

    m_readiness = new QLabel(this);
    m_readiness->setTextFormat(Qt::PlainText);
    layout->addWidget(m_readiness);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("standupSplitter"));  // sizes remembered by name
    layout->addWidget(splitter, 1);

    auto* peopleBox = new QGroupBox(tr("Standup (edit a cell; it is saved when you leave it)"), splitter);
    auto* peopleLayout = new QVBoxLayout(peopleBox);
    m_people = makeTree({tr("Person"), tr("Yesterday"), tr("Today"), tr("Blockers")}, 2, QStringLiteral("standupPeople"),
                        tr("Standup entries"), peopleBox);
    m_people->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed | QAbstractItemView::SelectedClicked);
    peopleLayout->addWidget(m_people);
    auto* addRow = new QHBoxLayout;
    m_newPerson = new QLineEdit(peopleBox);
    m_newPerson->setPlaceholderText(tr("Add a person"));
    m_newPerson->setAccessibleName(tr("New person's name"));
    m_addPerson = new QPushButton(tr("Add"), peopleBox);
    auto* add = m_addPerson;
    addRow->addWidget(m_newPerson, 1);
    addRow->addWidget(add);
    peopleLayout->addLayout(addRow);
    connect(add, &QPushButton::clicked, this, [this] { addPerson(m_newPerson->text()); });
    connect(m_newPerson, &QLineEdit::returnPressed, this, [this] { addPerson(m_newPerson->text()); });

    auto* tasksBox = new QGroupBox(tr("The day's tasks"), splitter);
    auto* tasksLayout = new QVBoxLayout(tasksBox);
    m_tasks = makeTree({tr("Task"), tr("Owner"), tr("Estimate"), tr("Done by")}, 0, QStringLiteral("standupTasks"), tr("The day's tasks"),
                       tasksBox);
    tasksLayout->addWidget(m_tasks);

    auto* gateBox = new QGroupBox(tr("Next Go/No-Go checkpoint (double-click a binding to edit it)"), splitter);
    auto* gateLayout = new QVBoxLayout(gateBox);
    m_checkpointTitle = new QLabel(gateBox);
    m_checkpointTitle->setTextFormat(Qt::PlainText);
    gateLayout->addWidget(m_checkpointTitle);
    m_criteria = makeTree({tr("Criterion"), tr("Binding"), tr("State"), tr("Value")}, 0, QStringLiteral("checkpointCriteria"),
                          tr("Checkpoint criteria"), gateBox);
    m_criteria->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_criteria->header()->setSectionResizeMode(CriterionBinding, QHeaderView::ResizeToContents);
    gateLayout->addWidget(m_criteria);
    auto* signRow = new QHBoxLayout;
    m_comment = new QLineEdit(gateBox);
    m_comment->setPlaceholderText(tr("Comment for the sign-off"));
    m_comment->setAccessibleName(tr("Sign-off comment"));
    m_go = new QPushButton(tr("Sign Go"), gateBox);
    m_noGo = new QPushButton(tr("Sign No-Go"), gateBox);
    signRow->addWidget(m_comment, 1);
    signRow->addWidget(m_go);
    signRow->addWidget(m_noGo);
    gateLayout->addLayout(signRow);

    auto* blockersBox = new QGroupBox(tr("Blockers (double-click an open one to resolve it)"), splitter);
    auto* blockersLayout = new QVBoxLayout(blockersBox);
    m_blockers = makeTree({tr("Priority"), tr("Blocker"), tr("Raised by"), tr("Respond by"), tr("Clock"), tr("State")},
                          BlockerTitle, QStringLiteral("blockerList"), tr("Blockers"), blockersBox);
    blockersLayout->addWidget(m_blockers);
    auto* raiseRow = new QHBoxLayout;
    m_blockerPriority = new QComboBox(blockersBox);
    m_blockerPriority->addItems({QStringLiteral("P0"), QStringLiteral("P1"), QStringLiteral("P2")});
    m_blockerPriority->setCurrentIndex(2);
    m_blockerPriority->setAccessibleName(tr("New blocker's priority"));
    m_blockerTitle = new QLineEdit(blockersBox);
    m_blockerTitle->setPlaceholderText(tr("What blocks you?"));
    m_blockerTitle->setAccessibleName(tr("New blocker"));
    m_raise = new QPushButton(tr("Raise"), blockersBox);
    auto* raise = m_raise;
    raiseRow->addWidget(m_blockerPriority);
    raiseRow->addWidget(m_blockerTitle, 1);
    raiseRow->addWidget(raise);
    blockersLayout->addLayout(raiseRow);
    connect(raise, &QPushButton::clicked, this, [this] {
        if (!m_blockerTitle->text().trimmed().isEmpty())
            raiseBlocker(m_blockerPriority->currentText(), m_blockerTitle->text().trimmed());
    });
    connect(m_blockers, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
        const qint64 id = item->data(0, Qt::UserRole).toLongLong();
        if (item->data(0, Qt::UserRole + 1).toBool())  // already resolved
            return;
        runChange(QStringLiteral("POST /standup/blocker/resolve"), [id](Connection& c) {
            return StandupService::resolveBlocker(c, id, QString());
        });
    });

    m_reportProgress = new OperationProgress(this);
    m_reportProgress->setObjectName(QStringLiteral("reportProgress"));
    layout->addWidget(m_reportProgress);
    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText);
    layout->addWidget(m_status);

    connect(m_date, &QDateEdit::dateChanged, this, &StandupPanel::reload);
    connect(m_tasks, &QTreeWidget::itemChanged, this, &StandupPanel::onTaskChanged);
    connect(m_criteria, &QTreeWidget::itemChanged, this, &StandupPanel::onCriterionChanged);
    connect(m_people, &QTreeWidget::itemChanged, this, &StandupPanel::onPersonChanged);
    connect(m_go, &QPushButton::clicked, this, [this] { signCheckpoint(true); });
    connect(m_noGo, &QPushButton::clicked, this, [this] { signCheckpoint(false); });
    connect(copy, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(StandupService::progressMarkdown(m_day, m_date->date(), m_blockerList));
        m_status->setText(tr("Progress update copied as Markdown."));
    });
    connect(checkpointReport, &QPushButton::clicked, this, [this] { askAndExport(false); });
    connect(weekReport, &QPushButton::clicked, this, [this] { askAndExport(true); });

    // Notifications arrive in bursts (an import, a collector writing every few seconds): one
    // reload per burst.
    m_reloadTimer = new QTimer(this);
    m_reloadTimer->setSingleShot(true);
    connect(m_reloadTimer, &QTimer::timeout, this, &StandupPanel::reload);
    // The escalation clock moves without any database change.
    m_clockTimer = new QTimer(this);
    m_clockTimer->setInterval(30'000);
    connect(m_clockTimer, &QTimer::timeout, this, &StandupPanel::showBlockers);
    m_clockTimer->start();

    m_listener = new Listener(direct, {QStringLiteral("ops_standup"), QStringLiteral("ops_health")}, this);
    connect(m_listener, &Listener::notification, this, [this](const QString& channel, const QString& payload, int) {
        const QJsonObject object = QJsonDocument::fromJson(payload.toUtf8()).object();
        if (m_project != 0 && object.value(QStringLiteral("project")).toInteger() != m_project)
            return;
        scheduleReload(channel == QStringLiteral("ops_health") ? 500 : 100);
    });
    m_listener->start();
    // The listener's session must be gone before the controller decides whether another console
    // still uses the embedded server (it counts ops-console sessions at shutdown).
    connect(qApp, &QCoreApplication::aboutToQuit, m_listener, &Listener::stop);
    reload();
}

void StandupPanel::scheduleReload(int delayMs)
{
    if (!m_reloadTimer->isActive())
        m_reloadTimer->start(delayMs);
}

void StandupPanel::reload()
{
    const QString slug = m_projectSlug;
    const QDate date = m_date->date();
    Pool* pool = &m_pool;
    // Reloads may overlap (a date change during a health refresh): only the newest is shown.
    const quint64 generation = ++m_reloadGeneration;
    m_pool.withClientAsync(QStringLiteral("GET /standup"), [slug, date, pool](Connection& connection) -> Result<Loaded> {
        Loaded loaded;
        auto project = projectIdBySlug(connection, slug);
        if (!project)
            return project.error();
        loaded.project = *project;
        auto day = StandupService::loadDay(connection, *project, date);
        if (!day)
            return day.error();
        loaded.day = *day;
        if (day->nextGate)
            loaded.gateStatus = evaluateGate(connection, *pool, *project, *day->nextGate);
        auto entries = StandupService::entries(connection, *project, date);
        if (!entries)
            return entries.error();
        loaded.entries = *entries;
        auto blockers = StandupService::blockers(connection, *project, date, QDateTime::currentDateTimeUtc());
        if (!blockers)
            return blockers.error();
        loaded.blockers = *blockers;
        auto identity = loginIdentity(connection);
        if (!identity)
            return identity.error();
        loaded.roleLevel = identity->level;
        return loaded;
    }, CallOptions::idempotentUnit()).then(this, [this, generation](Result<Loaded> result) {
        if (generation != m_reloadGeneration)
            return;
        if (!result) {
            m_status->setText(tr("Could not load the standup: %1").arg(result.error().message));
            emit loaded();
            return;
        }
        show(*result);
        emit loaded();
    });
}

void StandupPanel::show(const Loaded& loaded)
{
    m_project = loaded.project;
    m_day = loaded.day;
    m_gateStatus = loaded.gateStatus;
    m_roleLevel = loaded.roleLevel;
    for (QWidget* control : std::initializer_list<QWidget*>{m_newPerson, m_addPerson, m_blockerTitle, m_raise})
        RoleGate::apply(control, m_roleLevel, RoleLevel::Operator);
    // The task and criterion lists stay readable; their ticks and bindings say why they are locked.
    for (QTreeWidget* tree : {m_tasks, m_criteria, m_people})
        tree->setToolTip(RoleGate::refusal(m_roleLevel, RoleLevel::Operator));
    m_blockerList = loaded.blockers;
    const StandupDay& day = m_day;
    m_populating = true;
    if (!day.hasPlan) {
        m_dayLabel->setText(tr("No plan yet: import one with `ops-console plan import FILE`."));
    } else {
        m_dayLabel->setText(day.dayTitle.isEmpty() ? tr("%1 — day %2 (no tasks planned for this day)").arg(day.planTitle).arg(day.dayNumber)
                                                   : tr("%1 — day %2 (%3)").arg(day.planTitle).arg(day.dayNumber).arg(day.dayTitle));
    }
    QString readiness;
    if (day.hasPlan && day.readinessTotal > 0) {
        readiness = tr("Production readiness: %1% (%2 of %3 %4)").arg(qRound(day.readiness)).arg(day.readinessMet).arg(day.readinessTotal)
                        .arg(day.phaseBased ? tr("phases complete, weighted by phase") : tr("must-have criteria met"));
        QStringList trend;
        for (const ReadinessPoint& point : day.readinessTrend)
            trend << QStringLiteral("%1 %2%").arg(point.date.toString(QStringLiteral("MM-dd"))).arg(qRound(point.score));
        if (trend.size() > 1) {
            const double change = day.readinessTrend.last().score - day.readinessTrend.first().score;
            readiness += tr(" — trend %1%2 since %3: %4")
                             .arg(change >= 0 ? QStringLiteral("+") : QString()).arg(qRound(change))
                             .arg(day.readinessTrend.first().date.toString(Qt::ISODate), trend.join(QStringLiteral(" → ")));
        }
    }
    m_readiness->setText(readiness);
    m_tasks->clear();
    for (const StandupTask& task : day.tasks) {
        auto* item = new QTreeWidgetItem(m_tasks, {task.number >= 0 ? tr("Task %1: %2").arg(task.number).arg(task.title) : task.title,
                                                   task.assignee, task.estimate, task.doneBy});
        if (RoleGate::allows(m_roleLevel, RoleLevel::Operator))  // a viewer sees the box but cannot tick it
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(0, task.done ? Qt::Checked : Qt::Unchecked);
        item->setData(0, Qt::UserRole, task.id);
    }
    showCriteria();
    showPeople(loaded.entries, day.team);
    showBlockers();
    m_populating = false;
}

void StandupPanel::showCriteria()
{
    if (isEditing(m_criteria))
        return;  // the next reload shows the new values
    m_criteria->clear();
    if (m_gateStatus) {
        const StoredCheckpoint& gate = m_gateStatus->checkpoint;
        m_checkpointTitle->setText(gate.latestDecision.isEmpty() ? gate.title
                                                                 : tr("%1 (latest sign-off: %2)").arg(gate.title, gate.latestDecision));
        for (const CriterionStatus& entry : m_gateStatus->criteria) {
            auto* item = new QTreeWidgetItem(m_criteria, {entry.criterion.text,
                                                          entry.manual ? QStringLiteral("manual") : entry.criterion.expression,
                                                          criterionStateName(entry.evaluation.state),
                                                          entry.evaluation.measured.isEmpty() ? entry.evaluation.reason : entry.evaluation.measured});
            item->setForeground(CriterionStateColumn, stateColor(entry.evaluation.state));
            item->setData(0, Qt::UserRole, entry.criterion.id);
            item->setToolTip(CriterionBinding, tr("A metric expression such as success_rate(1h) > 95%, p95_latency(15m) < 200ms, "
                                                  "circuit_state == CLOSED, health_status == healthy, uptime(24h) >= 99.9% — or \"manual\"."));
            const bool mayChange = RoleGate::allows(m_roleLevel, RoleLevel::Operator);
            if (mayChange)
                item->setFlags(item->flags() | Qt::ItemIsEditable);
            if (entry.manual) {
                if (mayChange)
                    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
                item->setCheckState(0, entry.criterion.checked ? Qt::Checked : Qt::Unchecked);
            }
        }
    } else {
        m_checkpointTitle->setText(m_day.hasPlan ? tr("Every checkpoint is signed Go.") : QString());
    }
    RoleGate::apply(m_go, m_roleLevel, RoleLevel::Approver, m_gateStatus.has_value());
    RoleGate::apply(m_noGo, m_roleLevel, RoleLevel::Approver, m_gateStatus.has_value());
}

void StandupPanel::showPeople(const QList<StandupEntry>& entries, const QStringList& team)
{
    if (isEditing(m_people))
        return;  // the next reload shows the others' changes
    // People added locally but not saved yet stay listed across reloads.
    QStringList names = team;
    for (int row = 0; row < m_people->topLevelItemCount(); ++row)
        if (!names.contains(m_people->topLevelItem(row)->text(0)))
            names << m_people->topLevelItem(row)->text(0);
    for (const StandupEntry& entry : entries)
        if (!names.contains(entry.person))
            names << entry.person;
    m_people->clear();
    for (const QString& name : names) {
        auto* item = new QTreeWidgetItem(m_people, {name, QString(), QString(), QString()});
        if (RoleGate::allows(m_roleLevel, RoleLevel::Operator))  // entries are saved as the operator's change
            item->setFlags(item->flags() | Qt::ItemIsEditable);
        for (const StandupEntry& entry : entries) {
            if (entry.person != name)
                continue;
            item->setText(1, entry.yesterday);
            item->setText(2, entry.today);
            item->setText(3, entry.blockers);
            // Tooltips guess rich text: wrap the escaped text so a name is never read as markup.
            item->setToolTip(0, QStringLiteral("<p>%1</p>").arg(tr("saved by %1 at %2")
                                                                .arg(entry.updatedBy, entry.updatedAt.toLocalTime().toString())
                                                                .toHtmlEscaped()));
        }
    }
}

void StandupPanel::showBlockers()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_blockers->clear();
    for (const Blocker& blocker : m_blockerList) {
        const bool resolved = blocker.resolvedAt.isValid();
        const bool overdue = !resolved && blocker.dueAt < now;
        const QString state = resolved ? tr("resolved by %1 at %2").arg(blocker.resolvedBy, blocker.resolvedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")))
                            : overdue ? tr("OVERDUE") : tr("open");
        auto* item = new QTreeWidgetItem(m_blockers, {blocker.priority, blocker.title, blocker.raisedBy,
                                                      blocker.dueAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                                                      resolved ? QString() : clockText(blocker.dueAt, now), state});
        item->setData(0, Qt::UserRole, blocker.id);
        item->setData(0, Qt::UserRole + 1, resolved);
        item->setToolTip(BlockerRespondBy, tr("%1: respond within %2 min").arg(blocker.priority).arg(blocker.responseMinutes));
        if (overdue) {
            QFont bold = item->font(0);
            bold.setBold(true);
            for (int column = 0; column <= BlockerState; ++column) {
                item->setForeground(column, kOverdue);
                item->setFont(column, bold);
            }
        }
    }
}

void StandupPanel::addPerson(const QString& name)
{
    const QString person = name.trimmed();
    m_newPerson->clear();
    if (person.isEmpty() || !m_people->findItems(person, Qt::MatchExactly, 0).isEmpty())
        return;
    m_populating = true;
    auto* item = new QTreeWidgetItem(m_people, {person, QString(), QString(), QString()});
    item->setFlags(item->flags() | Qt::ItemIsEditable);
    m_populating = false;
}

void StandupPanel::raiseBlocker(const QString& priority, const QString& title)
{
    if (m_project == 0)
        return;
    const qint64 project = m_project;
    const QDate date = m_date->date();
    m_blockerTitle->clear();
    runChange(QStringLiteral("POST /standup/blocker"), [project, date, priority, title](Connection& c) -> Result<void> {
        auto id = StandupService::raiseBlocker(c, project, date, QString(), title, priority);
        if (!id)
            return id.error();
        return {};
    });
}

void StandupPanel::runChange(const QString& label, std::function<Result<void>(Connection&)> change)
{
    m_pool.inTransactionAsync(label, [change](Connection& connection) { return change(connection); })
        .then(this, [this](Result<void> result) {
            if (!result)
                m_status->setText(tr("Not saved: %1").arg(result.error().message));
            reload();
        });
}

void StandupPanel::onTaskChanged(QTreeWidgetItem* item, int column)
{
    if (m_populating || column != 0)
        return;
    const qint64 id = item->data(0, Qt::UserRole).toLongLong();
    const bool done = item->checkState(0) == Qt::Checked;
    runChange(QStringLiteral("POST /standup/task"), [id, done](Connection& c) { return StandupService::setTaskDone(c, id, done); });
}

void StandupPanel::onCriterionChanged(QTreeWidgetItem* item, int column)
{
    if (m_populating)
        return;
    const qint64 id = item->data(0, Qt::UserRole).toLongLong();
    if (column == CriterionBinding) {
        const QString expression = item->text(CriterionBinding);
        runChange(QStringLiteral("POST /checkpoint/criterion/binding"),
                  [id, expression](Connection& c) { return StandupService::setCriterionExpression(c, id, expression); });
        return;
    }
    if (column != CriterionText || !(item->flags() & Qt::ItemIsUserCheckable))
        return;
    const bool checked = item->checkState(0) == Qt::Checked;
    runChange(QStringLiteral("POST /checkpoint/criterion"), [id, checked](Connection& c) { return StandupService::setCriterionChecked(c, id, checked); });
}

void StandupPanel::onPersonChanged(QTreeWidgetItem* item, int column)
{
    if (m_populating || m_project == 0 || column == 0)
        return;
    const qint64 project = m_project;
    const QDate date = m_date->date();
    const StandupEntry entry{item->text(0), item->text(1), item->text(2), item->text(3), {}, {}};
    runChange(QStringLiteral("POST /standup/entry"), [project, date, entry](Connection& c) {
        return StandupService::saveEntry(c, project, date, entry);
    });
}

void StandupPanel::signCheckpoint(bool go)
{
    if (!m_gateStatus || m_project == 0)
        return;
    const StoredCheckpoint gate = m_gateStatus->checkpoint;
    const qint64 project = m_project;
    const QString comment = m_comment->text();
    Pool* pool = &m_pool;
    // Measured again inside the signing unit: the snapshot holds the values of this moment.
    m_pool.inTransactionAsync(QStringLiteral("POST /checkpoint/signoff"), [gate, project, go, comment, pool](Connection& connection)
                                  -> Result<std::pair<qint64, QStringList>> {
        const CheckpointStatus status = evaluateGate(connection, *pool, project, gate);
        auto id = CheckpointService::sign(connection, status, go ? Decision::Go : Decision::NoGo, comment);
        if (!id)
            return id.error();
        return std::make_pair(*id, status.failed());
    }).then(this, [this, go](Result<std::pair<qint64, QStringList>> result) {
        if (!result) {
            m_status->setText(tr("Not signed: %1").arg(result.error().message));
            return;
        }
        m_comment->clear();
        m_status->setText(go ? tr("Signed Go.") : tr("Signed No-Go. Not met: %1").arg(result->second.join(QStringLiteral("; "))));
        emit signed_(result->first);
        reload();
    });
}

void StandupPanel::askAndExport(bool week)
{
    const QString file = QFileDialog::getSaveFileName(this, week ? tr("Export week report") : tr("Export checkpoint report"),
                                                      week ? QStringLiteral("week-report.pdf") : QStringLiteral("checkpoint-report.pdf"),
                                                      tr("PDF (*.pdf);;Markdown (*.md)"));
    if (!file.isEmpty())
        exportReport(file, week);
}

void StandupPanel::exportCheckpointReport(const QString& file)
{
    exportReport(file, false);
}

void StandupPanel::exportWeekReport(const QString& file)
{
    exportReport(file, true);
}

void StandupPanel::exportReport(const QString& file, bool week)
{
    if (m_reportProgress->isRunning()) {
        m_status->setText(tr("A report is already being exported."));
        emit exported(file, false);
        return;
    }
    // Neither the report's queries nor the writer can be interrupted half-way: Cancel drops the
    // report at the next step and removes a file already written, so nothing half-done is left.
    m_reportProgress->start(tr("Exporting %1").arg(QFileInfo(file).fileName()));
    auto cancelled = [this, file] {
        if (!m_reportProgress->cancelWasRequested())
            return false;
        QFile::remove(file);
        if (!file.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive))
            QFile::remove(ReportPdfWriter::chartFileFor(file));
        m_reportProgress->finish();
        m_status->setText(tr("Report export cancelled: %1 was not written.").arg(file));
        emit exported(file, false);
        return true;
    };
    const QString slug = m_projectSlug;
    Pool* pool = &m_pool;
    m_pool.withClientAsync(QStringLiteral("GET /reports"), [slug, week, pool](Connection& connection) -> Result<ReportWithChart> {
        auto project = projectIdBySlug(connection, slug);
        if (!project)
            return project.error();
        PoolMetricSource poolSource(*pool);
        if (week)
            return PlanReports::week(connection, *project, QDateTime::currentDateTimeUtc(), &poolSource);
        return PlanReports::checkpoint(connection, *project, &poolSource);
    }, CallOptions::idempotentUnit()).then(this, [this, file, cancelled](Result<ReportWithChart> built) {
        if (cancelled())
            return;
        m_reportProgress->setProgress(0, tr("writing the file"));
        if (!built) {
            m_reportProgress->finish();
            m_status->setText(tr("Report not exported: %1").arg(built.error().message));
            emit exported(file, false);
            return;
        }
        // Files are written off the GUI thread too.
        const ReportWithChart copy = *built;
        QtConcurrent::run([copy, file]() -> Result<void> {
            return file.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive)
                       ? ReportPdfWriter::writePdf(copy.report, copy.chart, file)
                       : ReportPdfWriter::writeMarkdown(copy.report, copy.chart, file);
        }).then(this, [this, file, cancelled](Result<void> written) {
            if (cancelled())
                return;
            m_reportProgress->finish();
            m_status->setText(written ? tr("Report written to %1").arg(file) : tr("Report not exported: %1").arg(written.error().message));
            emit exported(file, written.ok());
        });
    });
}

} // namespace ops::widgets
