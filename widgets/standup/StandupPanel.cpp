// SPDX-License-Identifier: MIT
#include "standup/StandupPanel.h"

#include "db/Listener.h"
#include "db/Pool.h"
#include "db/Projects.h"
#include "plan/CheckpointService.h"
#include "plan/PoolMetricSource.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateEdit>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

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

} // namespace

StandupPanel::StandupPanel(Pool& pool, const ConnectionOptions& direct, QString projectSlug, QWidget* parent)
    : QWidget(parent), m_pool(pool), m_projectSlug(std::move(projectSlug))
{
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    m_date = new QDateEdit(QDate::currentDate(), this);
    m_date->setCalendarPopup(true);
    m_date->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    m_dayLabel = new QLabel(this);
    m_dayLabel->setTextFormat(Qt::PlainText);
    auto* copy = new QPushButton(tr("Copy progress update"), this);
    top->addWidget(new QLabel(tr("Date:"), this));
    top->addWidget(m_date);
    top->addWidget(m_dayLabel, 1);
    top->addWidget(copy);
    layout->addLayout(top);

    m_readiness = new QLabel(this);
    m_readiness->setTextFormat(Qt::PlainText);
    layout->addWidget(m_readiness);

    auto* tasksBox = new QGroupBox(tr("The day's tasks"), this);
    auto* tasksLayout = new QVBoxLayout(tasksBox);
    m_tasks = new QTreeWidget(tasksBox);
    m_tasks->setHeaderLabels({tr("Task"), tr("Owner"), tr("Estimate"), tr("Done by")});
    m_tasks->setRootIsDecorated(false);
    m_tasks->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    tasksLayout->addWidget(m_tasks);
    layout->addWidget(tasksBox, 1);

    auto* gateBox = new QGroupBox(tr("Next Go/No-Go checkpoint"), this);
    auto* gateLayout = new QVBoxLayout(gateBox);
    m_checkpointTitle = new QLabel(gateBox);
    m_checkpointTitle->setTextFormat(Qt::PlainText);
    gateLayout->addWidget(m_checkpointTitle);
    m_criteria = new QTreeWidget(gateBox);
    m_criteria->setHeaderLabels({tr("Criterion"), tr("Binding"), tr("State"), tr("Value")});
    m_criteria->setRootIsDecorated(false);
    m_criteria->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    gateLayout->addWidget(m_criteria);
    auto* signRow = new QHBoxLayout;
    m_comment = new QLineEdit(gateBox);
    m_comment->setPlaceholderText(tr("Comment for the sign-off"));
    m_go = new QPushButton(tr("Sign Go"), gateBox);
    m_noGo = new QPushButton(tr("Sign No-Go"), gateBox);
    signRow->addWidget(m_comment, 1);
    signRow->addWidget(m_go);
    signRow->addWidget(m_noGo);
    gateLayout->addLayout(signRow);
    layout->addWidget(gateBox, 1);

    auto* blockersBox = new QGroupBox(tr("Blockers (double-click an open one to resolve it)"), this);
    auto* blockersLayout = new QVBoxLayout(blockersBox);
    m_blockers = new QTreeWidget(blockersBox);
    m_blockers->setHeaderLabels({tr("Priority"), tr("Blocker"), tr("Raised by"), tr("Respond by"), tr("State")});
    m_blockers->setRootIsDecorated(false);
    m_blockers->header()->setSectionResizeMode(1, QHeaderView::Stretch);
    blockersLayout->addWidget(m_blockers);
    auto* raiseRow = new QHBoxLayout;
    m_blockerPriority = new QComboBox(blockersBox);
    m_blockerPriority->addItems({QStringLiteral("P0"), QStringLiteral("P1"), QStringLiteral("P2")});
    m_blockerPriority->setCurrentIndex(2);
    m_blockerTitle = new QLineEdit(blockersBox);
    m_blockerTitle->setPlaceholderText(tr("What blocks you?"));
    auto* raise = new QPushButton(tr("Raise"), blockersBox);
    raiseRow->addWidget(m_blockerPriority);
    raiseRow->addWidget(m_blockerTitle, 1);
    raiseRow->addWidget(raise);
    blockersLayout->addLayout(raiseRow);
    layout->addWidget(blockersBox, 1);
    connect(raise, &QPushButton::clicked, this, [this] {
        if (!m_blockerTitle->text().trimmed().isEmpty())
            raiseBlocker(m_blockerPriority->currentText(), m_blockerTitle->text().trimmed());
    });
    connect(m_blockers, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
        const qint64 id = item->data(0, Qt::UserRole).toLongLong();
        if (item->text(4) == tr("resolved"))
            return;
        runChange(QStringLiteral("POST /standup/blocker/resolve"), [id](Connection& c) {
            return StandupService::resolveBlocker(c, id, QString());
        });
    });

    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText);
    layout->addWidget(m_status);

    connect(m_date, &QDateEdit::dateChanged, this, &StandupPanel::reload);
    connect(m_tasks, &QTreeWidget::itemChanged, this, &StandupPanel::onTaskChanged);
    connect(m_criteria, &QTreeWidget::itemChanged, this, &StandupPanel::onCriterionChanged);
    connect(m_go, &QPushButton::clicked, this, [this] { signCheckpoint(true); });
    connect(m_noGo, &QPushButton::clicked, this, [this] { signCheckpoint(false); });
    connect(copy, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(StandupService::progressMarkdown(m_day, m_date->date()));
        m_status->setText(tr("Progress update copied as Markdown."));
    });

    m_listener = new Listener(direct, {QStringLiteral("ops_standup")}, this);
    connect(m_listener, &Listener::notification, this, [this](const QString&, const QString& payload, int) {
        const QJsonObject object = QJsonDocument::fromJson(payload.toUtf8()).object();
        if (m_project == 0 || object.value(QStringLiteral("project")).toInteger() == m_project)
            reload();
    });
    m_listener->start();
    // The listener's session must be gone before the controller decides whether another console
    // still uses the embedded server (it counts ops-console sessions at shutdown).
    connect(qApp, &QCoreApplication::aboutToQuit, m_listener, &Listener::stop);
    reload();
}

void StandupPanel::reload()
{
    const QString slug = m_projectSlug;
    const QDate date = m_date->date();
    struct Loaded {
        qint64 project = 0;
        StandupDay day;
        QList<Blocker> blockers;
    };
    m_pool.withClientAsync(QStringLiteral("GET /standup"), [slug, date](Connection& connection) -> Result<Loaded> {
        Loaded loaded;
        auto project = projectIdBySlug(connection, slug);
        if (!project)
            return project.error();
        loaded.project = *project;
        auto day = StandupService::loadDay(connection, *project, date);
        if (!day)
            return day.error();
        loaded.day = *day;
        auto blockers = StandupService::blockers(connection, *project, date, QDateTime::currentDateTimeUtc());
        if (!blockers)
            return blockers.error();
        loaded.blockers = *blockers;
        return loaded;
    }, CallOptions::idempotentUnit()).then(this, [this](Result<Loaded> result) {
        if (!result) {
            m_status->setText(tr("Could not load the standup: %1").arg(result.error().message));
            emit loaded();
            return;
        }
        m_project = result->project;
        show(result->day);
        showBlockers(result->blockers);
        emit loaded();
    });
}

void StandupPanel::show(const StandupDay& day)
{
    m_day = day;
    m_populating = true;
    if (!day.hasPlan) {
        m_dayLabel->setText(tr("No plan yet: import one with `ops-console plan import FILE`."));
    } else {
        m_dayLabel->setText(day.dayTitle.isEmpty() ? tr("%1 — day %2 (no tasks planned for this day)").arg(day.planTitle).arg(day.dayNumber)
                                                   : tr("%1 — day %2 (%3)").arg(day.planTitle).arg(day.dayNumber).arg(day.dayTitle));
    }
    m_readiness->setText(day.mustHaveTotal > 0
        ? tr("Production readiness: %1 of %2 must-have criteria met (%3%)")
              .arg(day.mustHaveMet).arg(day.mustHaveTotal).arg(qRound(100.0 * day.mustHaveMet / day.mustHaveTotal))
        : QString());
    m_tasks->clear();
    for (const StandupTask& task : day.tasks) {
        auto* item = new QTreeWidgetItem(m_tasks, {task.number >= 0 ? QStringLiteral("Task %1: %2").arg(task.number).arg(task.title) : task.title,
                                                   task.assignee, task.estimate, task.doneBy});
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(0, task.done ? Qt::Checked : Qt::Unchecked);
        item->setData(0, Qt::UserRole, task.id);
    }
    m_criteria->clear();
    if (day.nextGate) {
        PoolMetricSource source(m_pool);
        const CheckpointStatus status = CheckpointService::evaluate(*day.nextGate, source);
        m_checkpointTitle->setText(day.nextGate->latestDecision.isEmpty()
                                       ? day.nextGate->title
                                       : tr("%1 (latest sign-off: %2)").arg(day.nextGate->title, day.nextGate->latestDecision));
        for (const CriterionStatus& entry : status.criteria) {
            auto* item = new QTreeWidgetItem(m_criteria, {entry.criterion.text,
                                                          entry.manual ? tr("manual") : entry.criterion.expression,
                                                          criterionStateName(entry.evaluation.state),
                                                          entry.evaluation.measured.isEmpty() ? entry.evaluation.reason : entry.evaluation.measured});
            item->setForeground(2, stateColor(entry.evaluation.state));
            item->setData(0, Qt::UserRole, entry.criterion.id);
            if (entry.manual) {
                item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
                item->setCheckState(0, entry.criterion.checked ? Qt::Checked : Qt::Unchecked);
            }
        }
    } else {
        m_checkpointTitle->setText(day.hasPlan ? tr("Every checkpoint is signed Go.") : QString());
    }
    m_go->setEnabled(day.nextGate.has_value());
    m_noGo->setEnabled(day.nextGate.has_value());
    m_populating = false;
}

void StandupPanel::showBlockers(const QList<Blocker>& blockers)
{
    m_blockers->clear();
    for (const Blocker& blocker : blockers) {
        const QString state = blocker.resolvedAt.isValid() ? tr("resolved")
                            : blocker.overdue ? tr("OVERDUE") : tr("open");
        auto* item = new QTreeWidgetItem(m_blockers, {blocker.priority, blocker.title, blocker.raisedBy,
                                                      blocker.dueAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                                                      state});
        item->setData(0, Qt::UserRole, blocker.id);
        if (blocker.overdue) {
            for (int column = 0; column < 5; ++column)
                item->setForeground(column, QColor(0xc6, 0x28, 0x28));
        }
        if (blocker.resolvedAt.isValid())
            item->setToolTip(4, tr("resolved by %1 at %2").arg(blocker.resolvedBy, blocker.resolvedAt.toLocalTime().toString()));
    }
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
    if (m_populating || column != 0)
        return;
    const qint64 id = item->data(0, Qt::UserRole).toLongLong();
    const bool checked = item->checkState(0) == Qt::Checked;
    runChange(QStringLiteral("POST /checkpoint/criterion"), [id, checked](Connection& c) { return StandupService::setCriterionChecked(c, id, checked); });
}

void StandupPanel::signCheckpoint(bool go)
{
    if (!m_day.nextGate)
        return;
    PoolMetricSource source(m_pool);
    const CheckpointStatus status = CheckpointService::evaluate(*m_day.nextGate, source);
    const QString comment = m_comment->text();
    m_pool.inTransactionAsync(QStringLiteral("POST /checkpoint/signoff"), [status, go, comment](Connection& connection) {
        return CheckpointService::sign(connection, status, go ? Decision::Go : Decision::NoGo, comment);
    }).then(this, [this, go, status](Result<qint64> result) {
        if (!result) {
            m_status->setText(tr("Not signed: %1").arg(result.error().message));
            return;
        }
        m_comment->clear();
        m_status->setText(go ? tr("Signed Go.") : tr("Signed No-Go. Not met: %1").arg(status.failed().join(QStringLiteral("; "))));
        emit signed_(*result);
        reload();
    });
}

} // namespace ops::widgets
