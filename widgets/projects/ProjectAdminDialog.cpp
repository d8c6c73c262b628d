// SPDX-License-Identifier: MIT
#include "projects/ProjectAdminDialog.h"

#include "common/RoleGate.h"
#include "db/Pool.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMetaObject>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace ops::services;

namespace ops::widgets {

ProjectAdminDialog::ProjectAdminDialog(Pool& pool, QString roleLevel, QWidget* parent)
    : QDialog(parent), m_pool(pool), m_roleLevel(std::move(roleLevel))
{
    setWindowTitle(tr("Projects and members"));
    auto* layout = new QVBoxLayout(this);
    m_message = new QLabel(this);
    m_message->setTextFormat(Qt::PlainText);  // server messages name roles and projects
    m_message->setWordWrap(true);
    m_message->setObjectName(QStringLiteral("adminMessage"));
    layout->addWidget(m_message);

    auto* columns = new QHBoxLayout;
    m_projectList = new QListWidget(this);
    m_projectList->setObjectName(QStringLiteral("projectList"));
    m_projectList->setAccessibleName(tr("Projects"));
    columns->addWidget(m_projectList, 1);
    m_members = new QTreeWidget(this);
    m_members->setObjectName(QStringLiteral("memberList"));
    m_members->setAccessibleName(tr("Members of the selected project"));
    m_members->setHeaderLabels({tr("Member"), tr("Level"), tr("Added"), tr("By")});
    m_members->setRootIsDecorated(false);
    columns->addWidget(m_members, 2);
    layout->addLayout(columns);

    auto* form = new QFormLayout;
    m_slug = new QLineEdit(this);
    m_slug->setPlaceholderText(tr("slug, e.g. payments"));
    m_name = new QLineEdit(this);
    // The row's label names the row, not each field in it.
    m_slug->setAccessibleName(tr("New project's slug"));
    m_name->setAccessibleName(tr("New project's name"));
    m_create = new QPushButton(tr("Create project"), this);
    auto* createRow = new QHBoxLayout;
    createRow->addWidget(m_slug);
    createRow->addWidget(m_name, 1);
    createRow->addWidget(m_create);
    form->addRow(tr("New project:"), createRow);
    m_member = new QLineEdit(this);
    m_member->setPlaceholderText(tr("PostgreSQL login role"));
    m_member->setAccessibleName(tr("Member's login role"));
    m_add = new QPushButton(tr("Add member"), this);
    m_remove = new QPushButton(tr("Remove selected member"), this);
    auto* memberRow = new QHBoxLayout;
    memberRow->addWidget(m_member, 1);
    memberRow->addWidget(m_add);
    memberRow->addWidget(m_remove);
    form->addRow(tr("Member:"), memberRow);
    layout->addLayout(form);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    for (QWidget* control : std::initializer_list<QWidget*>{m_slug, m_name, m_create, m_member, m_add, m_remove})
        RoleGate::apply(control, m_roleLevel, RoleLevel::Admin);
    if (isRefused()) {
        showMessage(RoleGate::refusal(m_roleLevel, RoleLevel::Admin), true);
        return;  // nothing is loaded: the database would refuse the changes anyway
    }
    connect(m_create, &QPushButton::clicked, this, [this] { createProject(m_slug->text().trimmed(), m_name->text().trimmed()); });
    connect(m_add, &QPushButton::clicked, this, [this] { addMember(m_member->text().trimmed()); });
    connect(m_remove, &QPushButton::clicked, this, &ProjectAdminDialog::removeSelectedMember);
    connect(m_projectList, &QListWidget::currentRowChanged, this, &ProjectAdminDialog::reloadMembers);
    // From the event loop, not the constructor: a load that is already finished runs its continuation
    // at once (Qt 6.4), and `loaded` emitted during construction would reach no one.
    QMetaObject::invokeMethod(this, [this] { reloadProjects(); }, Qt::QueuedConnection);
}

bool ProjectAdminDialog::isRefused() const
{
    return !RoleGate::allows(m_roleLevel, RoleLevel::Admin);
}

QString ProjectAdminDialog::message() const
{
    return m_message->text();
}

qint64 ProjectAdminDialog::selectedProject() const
{
    const int row = m_projectList->currentRow();
    return row >= 0 && row < int(m_projects.size()) ? m_projects[size_t(row)].id : 0;
}

void ProjectAdminDialog::showMessage(const QString& text, bool error)
{
    m_message->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
    m_message->setText(text);
}

void ProjectAdminDialog::reloadProjects(const QString& select)
{
    m_pool.withClientAsync(QStringLiteral("admin.projects"), [](Connection& c) { return visibleProjects(c); },
                           CallOptions::idempotentUnit())
        .then(this, [this, select](Result<std::vector<ProjectSummary>> projects) {
            if (!projects) {
                showMessage(projects.error().message, true);
                return;
            }
            m_projects = projects.value();
            const QSignalBlocker quiet(m_projectList);
            m_projectList->clear();
            int current = 0;
            for (const ProjectSummary& p : m_projects) {
                if (p.slug == select)
                    current = m_projectList->count();
                m_projectList->addItem(QStringLiteral("%1 — %2").arg(p.slug, p.name));
            }
            m_projectList->setCurrentRow(m_projects.empty() ? -1 : current);
            reloadMembers();
        });
}

void ProjectAdminDialog::reloadMembers()
{
    const qint64 project = selectedProject();
    m_members->clear();
    if (project == 0) {
        emit loaded();
        return;
    }
    m_pool.withClientAsync(QStringLiteral("admin.members"), [project](Connection& c) { return listMembers(c, project); },
                           CallOptions::idempotentUnit())
        .then(this, [this, project](Result<std::vector<ProjectMember>> members) {
            if (project != selectedProject())
                return;  // the selection moved on; its own load is on the way
            if (!members) {
                showMessage(members.error().message, true);
            } else {
                m_members->clear();
                for (const ProjectMember& m : *members)
                    m_members->addTopLevelItem(new QTreeWidgetItem(
                        QStringList{m.member, m.level, m.addedAt.toLocalTime().toString(Qt::ISODate), m.addedBy}));
            }
            emit loaded();
        });
}

void ProjectAdminDialog::run(const QString& label, std::function<Result<void>(Connection&)> change, const QString& done)
{
    m_pool.withClientAsync(label, std::move(change)).then(this, [this, done](Result<void> result) {
        showMessage(result ? done : result.error().message, !result);
        if (result)
            reloadMembers();
        emit changed();
    });
}

void ProjectAdminDialog::createProject(const QString& slug, const QString& name)
{
    if (isRefused() || slug.isEmpty()) {
        showMessage(isRefused() ? RoleGate::refusal(m_roleLevel, RoleLevel::Admin) : tr("Give the new project a slug."), true);
        emit changed();
        return;
    }
    const QString title = name.isEmpty() ? slug : name;
    m_pool.withClientAsync(QStringLiteral("admin.create_project"), [slug, title](Connection& c) {
        return ops::services::createProject(c, slug, title);
    }).then(this, [this, slug](Result<qint64> created) {
        showMessage(created ? tr("Project %1 created; you are its first member.").arg(slug) : created.error().message, !created);
        if (created) {
            reloadProjects(slug);
            emit projectsChanged();
        }
        emit changed();
    });
}

void ProjectAdminDialog::addMember(const QString& role)
{
    const qint64 project = selectedProject();
    if (isRefused() || project == 0 || role.isEmpty()) {
        showMessage(isRefused() ? RoleGate::refusal(m_roleLevel, RoleLevel::Admin) : tr("Select a project and name a login role."), true);
        emit changed();
        return;
    }
    run(QStringLiteral("admin.add_member"), [project, role](Connection& c) { return ops::services::addMember(c, project, role); },
        tr("%1 added.").arg(role));
}

void ProjectAdminDialog::removeSelectedMember()
{
    const qint64 project = selectedProject();
    QTreeWidgetItem* item = m_members->currentItem();
    if (isRefused() || project == 0 || !item) {
        showMessage(isRefused() ? RoleGate::refusal(m_roleLevel, RoleLevel::Admin) : tr("Select a member to remove."), true);
        emit changed();
        return;
    }
    const QString role = item->text(0);
    run(QStringLiteral("admin.remove_member"), [project, role](Connection& c) { return ops::services::removeMember(c, project, role); },
        tr("%1 removed.").arg(role));
}

} // namespace ops::widgets
