// SPDX-License-Identifier: MIT
#pragma once

// StandupPanel: the Standup tab. A date (today by default) with the plan's day N beside it; per
// person yesterday / today / blockers (edited in place, saved as each cell is left); that day's
// tasks with owners and check boxes; the next Go/No-Go checkpoint with each criterion's binding
// (editable: a metric expression or "manual"), state and measured value (manual ones tickable);
// Go / No-Go sign-off with a comment; blockers P0/P1/P2 with their escalation clock; production
// readiness with its trend; "Copy progress update"; checkpoint and week report export (Markdown
// or PDF). Metric criteria are measured from the Health samples (HealthMetricSource, the pool as
// its documented fallback).
// Threads: every query and every evaluation runs on the pool's workers (withClientAsync), report
// files are written by a QtConcurrent task; results arrive by continuations on the GUI thread,
// which never waits. Other consoles' changes (NOTIFY ops_standup) and new health samples
// (NOTIFY ops_health) schedule one coalesced reload.

#include "db/ConnectionOptions.h"
#include "plan/CheckpointService.h"
#include "plan/StandupService.h"

#include <QWidget>

#include <optional>

class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QTimer;
class QTreeWidget;
class QTreeWidgetItem;

namespace ops::services {
class Pool;
class Listener;
}

namespace ops::widgets {

class OperationProgress;

class StandupPanel final : public QWidget {
    Q_OBJECT
public:
    StandupPanel(ops::services::Pool& pool, const ops::services::ConnectionOptions& direct, QString projectSlug,
                 QWidget* parent = nullptr);

    // For tests and screenshots.
    QTreeWidget* tasksView() const { return m_tasks; }
    QTreeWidget* criteriaView() const { return m_criteria; }
    QTreeWidget* peopleView() const { return m_people; }
    QTreeWidget* blockersView() const { return m_blockers; }
    QLabel* statusLabel() const { return m_status; }
    QLabel* readinessLabel() const { return m_readiness; }
    QLabel* dayLabel() const { return m_dayLabel; }
    QDateEdit* dateEdit() const { return m_date; }
    OperationProgress* reportProgress() const { return m_reportProgress; }

    // Columns of the criteria and blockers views.
    enum CriterionColumn { CriterionText, CriterionBinding, CriterionStateColumn, CriterionValue };
    enum BlockerColumn { BlockerPriority, BlockerTitle, BlockerRaisedBy, BlockerRespondBy, BlockerTimeLeft, BlockerState };

public slots:
    void reload();
    void signCheckpoint(bool go);
    void raiseBlocker(const QString& priority, const QString& title);
    void addPerson(const QString& name);
    // Writes the report to `file`: PDF when it ends in .pdf, else Markdown (with FILE.chart.png).
    void exportCheckpointReport(const QString& file);
    void exportWeekReport(const QString& file);

signals:
    void loaded();   // after each reload has been shown
    void signed_(qint64 signoffId);
    void exported(const QString& file, bool ok);

private:
    struct Loaded;
    void show(const Loaded& loaded);
    void showCriteria();
    void showPeople(const QList<ops::services::plan::StandupEntry>& entries, const QStringList& team);
    void showBlockers();
    void scheduleReload(int delayMs);
    void onTaskChanged(QTreeWidgetItem* item, int column);
    void onCriterionChanged(QTreeWidgetItem* item, int column);
    void onPersonChanged(QTreeWidgetItem* item, int column);
    void runChange(const QString& label, std::function<ops::services::Result<void>(ops::services::Connection&)> change);
    void exportReport(const QString& file, bool week);
    void askAndExport(bool week);

    ops::services::Pool& m_pool;
    QString m_projectSlug;
    qint64 m_project = 0;
    ops::services::Listener* m_listener = nullptr;
    QTimer* m_reloadTimer = nullptr;
    QTimer* m_clockTimer = nullptr;
    ops::services::plan::StandupDay m_day;
    std::optional<ops::services::plan::CheckpointStatus> m_gateStatus;
    QList<ops::services::plan::Blocker> m_blockerList;
    bool m_populating = false;
    quint64 m_reloadGeneration = 0;

    QDateEdit* m_date = nullptr;
    QLabel* m_dayLabel = nullptr;
    QLabel* m_readiness = nullptr;
    QTreeWidget* m_people = nullptr;
    QLineEdit* m_newPerson = nullptr;
    QTreeWidget* m_tasks = nullptr;
    QLabel* m_checkpointTitle = nullptr;
    QTreeWidget* m_criteria = nullptr;
    QLineEdit* m_comment = nullptr;
    QPushButton* m_go = nullptr;
    QPushButton* m_noGo = nullptr;
    QPushButton* m_addPerson = nullptr;
    QPushButton* m_raise = nullptr;
    QString m_roleLevel;
    QTreeWidget* m_blockers = nullptr;
    QComboBox* m_blockerPriority = nullptr;
    QLineEdit* m_blockerTitle = nullptr;
    QLabel* m_status = nullptr;
    OperationProgress* m_reportProgress = nullptr;  // a report export's bar and Cancel
};

} // namespace ops::widgets
