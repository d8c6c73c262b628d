// SPDX-License-Identifier: MIT
#pragma once

// ProjectAdminDialog: the administrator's screen for projects and membership. Creates projects
// and adds/removes login roles through ops.create_project / ops.add_project_member /
// ops.remove_project_member (SECURITY DEFINER, ops_admin only, audited). For any other role it
// opens refused: every control disabled by RoleGate, saying which role it needs. All database work
// runs on the pool's workers; results come back on the GUI thread.

#include "db/ProjectMembership.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTreeWidget;

namespace ops::services {
class Pool;
}

namespace ops::widgets {

class ProjectAdminDialog final : public QDialog {
    Q_OBJECT
public:
    ProjectAdminDialog(ops::services::Pool& pool, QString roleLevel, QWidget* parent = nullptr);

    bool isRefused() const;
    QString message() const;

    // The dialog's actions, also used by tests (the buttons call them).
    void createProject(const QString& slug, const QString& name);
    void addMember(const QString& role);
    void removeSelectedMember();

signals:
    void projectsChanged();  // after a project was created: the window's switcher reloads
    void changed();          // after any change or refusal was shown (for tests)
    void loaded();           // after projects or members were shown

private:
    void reloadProjects(const QString& select = {});
    void reloadMembers();
    qint64 selectedProject() const;
    void run(const QString& label, std::function<ops::services::Result<void>(ops::services::Connection&)> change,
             const QString& done);
    void showMessage(const QString& text, bool error);

    ops::services::Pool& m_pool;
    QString m_roleLevel;
    std::vector<ops::services::ProjectSummary> m_projects;
    QListWidget* m_projectList = nullptr;
    QTreeWidget* m_members = nullptr;
    QLineEdit* m_slug = nullptr;
    QLineEdit* m_name = nullptr;
    QLineEdit* m_member = nullptr;
    QPushButton* m_create = nullptr;
    QPushButton* m_add = nullptr;
    QPushButton* m_remove = nullptr;
    QLabel* m_message = nullptr;
};

} // namespace ops::widgets
