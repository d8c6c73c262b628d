// SPDX-License-Identifier: MIT
#include "settings/ConnectionsPage.h"

#include "settings/ConnectionProfileEditor.h"

#include "common/SecretStore.h"
#include "db/ConnectionProfiles.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace ops::widgets {

using ops::services::ConnectionProfiles;

ConnectionsPage::ConnectionsPage(QSettings& settings, ops::services::SecretStore& secrets, QWidget* parent)
    : SettingsPage(parent), m_settings(settings), m_secrets(secrets)
{
    auto* layout = new QVBoxLayout(this);
    auto* columns = new QHBoxLayout;
    auto* left = new QVBoxLayout;
    m_list = new QListWidget(this);
    m_list->setAccessibleName(tr("Connection profiles"));
    auto* add = new QPushButton(tr("&New profile"), this);
    m_remove = new QPushButton(tr("&Remove profile"), this);
    left->addWidget(m_list);
    left->addWidget(add);
    left->addWidget(m_remove);
    columns->addLayout(left);
    m_editor = new ConnectionProfileEditor(this);
    columns->addWidget(m_editor, 1);
    layout->addLayout(columns);

    auto* activeRow = new QFormLayout;
    m_active = new QComboBox(this);
    activeRow->addRow(tr("Start the console with:"), m_active);
    layout->addLayout(activeRow);
    auto* restart = new QLabel(tr("Changes to the active connection apply when the console restarts: the running "
                                  "console keeps its connections."), this);
    restart->setTextFormat(Qt::PlainText);
    restart->setWordWrap(true);
    layout->addWidget(restart);

    connect(m_list, &QListWidget::currentTextChanged, this, &ConnectionsPage::showProfile);
    connect(add, &QPushButton::clicked, this, [this] {
        m_list->setCurrentRow(-1);
        showProfile(QString());
        m_editor->nameEdit()->setFocus();
    });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        const QString name = m_list->currentItem() ? m_list->currentItem()->text() : QString();
        if (name.isEmpty())
            return;
        ConnectionProfiles(m_settings).remove(name);
        m_secrets.forget(ConnectionProfiles::secretName(name));
        reload(QString());
    });
    connect(m_editor, &ConnectionProfileEditor::edited, this, [this] {
        if (!m_loading)
            m_edited = true;
        emit validityChanged();
    });
    reload(ConnectionProfiles(m_settings).active());
}

void ConnectionsPage::reload(const QString& select)
{
    ConnectionProfiles profiles(m_settings);
    const QStringList names = profiles.names();
    m_list->clear();
    m_list->addItems(names);
    m_active->clear();
    m_active->addItem(tr("the embedded database (default)"), QString());
    for (const QString& name : names)
        m_active->addItem(name, name);
    m_active->setCurrentIndex(std::max(0, m_active->findData(profiles.active())));
    const auto found = m_list->findItems(select, Qt::MatchExactly);
    if (!found.isEmpty())
        m_list->setCurrentItem(found.first());
    else
        showProfile(QString());
}

void ConnectionsPage::showProfile(const QString& name)
{
    m_loading = true;
    m_editor->setProfile(name, name.isEmpty() ? QString() : ConnectionProfiles(m_settings).connectionString(name));
    m_loading = false;
    m_edited = false;
    m_remove->setEnabled(!name.isEmpty());
    emit validityChanged();
}

bool ConnectionsPage::isValid() const
{
    return !m_edited || m_editor->isValid();
}

void ConnectionsPage::apply(std::function<void(const QString& error)> done)
{
    ConnectionProfiles profiles(m_settings);
    QString saved;
    if (m_edited) {
        saved = m_editor->profileName();
        if (auto result = profiles.save(saved, m_editor->connectionString()); !result) {
            done(result.error().message);
            return;
        }
        if (!m_editor->password().isEmpty())
            m_secrets.store(ConnectionProfiles::secretName(saved), m_editor->password(), nullptr);
        m_editor->clearPassword();
    }
    const QString active = m_active->currentData().toString();
    if (auto result = profiles.setActive(active); !result) {
        done(result.error().message);
        return;
    }
    m_settings.sync();
    reload(saved.isEmpty() ? (m_list->currentItem() ? m_list->currentItem()->text() : QString()) : saved);
    done(QString());
}

} // namespace ops::widgets
