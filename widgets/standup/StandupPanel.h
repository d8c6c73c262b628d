// SPDX-License-Identifier: MIT
#pragma once

// StandupPanel: the Standup tab. A date (today by default) with the plan's day N beside it, that
// day's tasks with owners and check boxes, the next Go/No-Go checkpoint with each criterion's
// state and measured value (manual ones tickable), Go / No-Go sign-off with a comment, the
// must-have readiness and "Copy progress update". Every change is saved as it is made; other
// consoles' changes arrive through LISTEN ops_standup. All database work runs on the pool's
// threads (withClientAsync); the GUI thread never waits.

#include "db/ConnectionOptions.h"
#include "plan/StandupService.h"

#include <QWidget>

class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace ops::services {
class Pool;
class Listener;
}

namespace ops::widgets {

class StandupPanel final : public QWidget {
    Q_OBJECT
public:
    StandupPanel(ops::services::Pool& pool, const ops::services::ConnectionOptions& direct, QString projectSlug,
                 QWidget* parent = nullptr);

    // For tests and screenshots: the tree widgets and the status line.
    QTreeWidget* tasksView() const { return m_tasks; }
    QTreeWidget* criteriaView() const { return m_criteria; }
    QLabel* statusLabel() const { return m_status; }
    QDateEdit* dateEdit() const { return m_date; }
    QTreeWidget* blockersView() const { return m_blockers; }

public slots:
    void reload();
    void signCheckpoint(bool go);
    void raiseBlocker(const QString& priority, const QString& title);

signals:
    void loaded();   // after each reload has been shown
    void signed_(qint64 signoffId);

private:
    void show(const ops::services::plan::StandupDay& day);
    void showBlockers(const QList<ops::services::plan::Blocker>& blockers);
    void onTaskChanged(QTreeWidgetItem* item, int column);
    void onCriterionChanged(QTreeWidgetItem* item, int column);
    void runChange(const QString& label, std::function<ops::services::Result<void>(ops::services::Connection&)> change);

    ops::services::Pool& m_pool;
    QString m_projectSlug;
    qint64 m_project = 0;
    ops::services::Listener* m_listener = nullptr;
    ops::services::plan::StandupDay m_day;
    bool m_populating = false;

    QDateEdit* m_date = nullptr;
    QLabel* m_dayLabel = nullptr;
    QLabel* m_readiness = nullptr;
    QTreeWidget* m_tasks = nullptr;
    QLabel* m_checkpointTitle = nullptr;
    QTreeWidget* m_criteria = nullptr;
    QLineEdit* m_comment = nullptr;
    QPushButton* m_go = nullptr;
    QPushButton* m_noGo = nullptr;
    QTreeWidget* m_blockers = nullptr;
    QComboBox* m_blockerPriority = nullptr;
    QLineEdit* m_blockerTitle = nullptr;
    QLabel* m_status = nullptr;
};

} // namespace ops::widgets
