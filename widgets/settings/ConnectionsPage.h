// SPDX-License-Identifier: MIT
#pragma once

// ConnectionsPage: the saved connection profiles (ConnectionProfiles), one edited at a time, and
// which one the console starts with. Passwords go to the SecretStore. The running console keeps
// its pool: a change to the active connection applies at the next start.

#include "settings/SettingsPage.h"

class QComboBox;
class QListWidget;
class QPushButton;
class QSettings;

namespace ops::services {
class SecretStore;
}

namespace ops::widgets {

class ConnectionProfileEditor;

class ConnectionsPage final : public SettingsPage {
    Q_OBJECT
public:
    ConnectionsPage(QSettings& settings, ops::services::SecretStore& secrets, QWidget* parent = nullptr);

    QString title() const override { return tr("Connection profiles"); }
    bool isValid() const override;
    void apply(std::function<void(const QString& error)> done) override;

    ConnectionProfileEditor* editor() const { return m_editor; }
    QComboBox* activeBox() const { return m_active; }
    QListWidget* profileList() const { return m_list; }

private:
    void reload(const QString& select);
    void showProfile(const QString& name);

    QSettings& m_settings;
    ops::services::SecretStore& m_secrets;
    QListWidget* m_list = nullptr;
    ConnectionProfileEditor* m_editor = nullptr;
    QComboBox* m_active = nullptr;
    QPushButton* m_remove = nullptr;
    bool m_edited = false;  // the editor holds changes not saved yet
    bool m_loading = false;
};

} // namespace ops::widgets
