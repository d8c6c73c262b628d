// SPDX-License-Identifier: MIT
#pragma once

// ConnectionProfileEditor: one database connection as the wizard and the settings dialog edit it:
// name, host/port/database/user fields or a raw libpq string, TLS (sslmode, CA file) and the
// password. Validates as you type (SettingsValidator) with the reason next to the field, and
// tests the connection off the GUI thread with a timeout. The password is only held by the
// field: the caller hands it to the SecretStore, never to QSettings.

#include <QFutureWatcher>
#include <QWidget>

#include "common/Result.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QGroupBox;

namespace ops::widgets {

class ProblemLabel;

class ConnectionProfileEditor final : public QWidget {
    Q_OBJECT
public:
    explicit ConnectionProfileEditor(QWidget* parent = nullptr);
    ~ConnectionProfileEditor() override;

    // Shows a saved profile (raw string mode; TLS keywords go to the TLS fields). Empty name: a new one.
    void setProfile(const QString& name, const QString& connectionString);
    QString profileName() const;
    // The profile's string with the TLS keywords, without the password.
    QString connectionString() const;
    QByteArray password() const;
    void clearPassword();

    bool isValid() const;
    // Every current problem, one per line (empty when valid).
    QString problems() const;

    // Starts a test (no-op while one runs); connectionTested() reports it.
    void testConnection();
    QString testResult() const;

    // For tests and the dialogs.
    QLineEdit* nameEdit() const { return m_name; }
    QLineEdit* hostEdit() const { return m_host; }
    QLineEdit* portEdit() const { return m_port; }
    QLineEdit* databaseEdit() const { return m_database; }
    QLineEdit* userEdit() const { return m_user; }
    QLineEdit* rawEdit() const { return m_raw; }
    QRadioButton* rawMode() const { return m_rawMode; }
    QComboBox* sslModeBox() const { return m_sslMode; }
    QLineEdit* caFileEdit() const { return m_caFile; }
    QLineEdit* passwordEdit() const { return m_password; }
    QPushButton* testButton() const { return m_test; }

signals:
    void validityChanged(bool valid);
    void edited();
    void connectionTested(bool ok, const QString& message);

private:
    void revalidate();
    void hostChanged();
    void chooseCaFile();
    QString baseConnectionString() const;

    QLineEdit* m_name = nullptr;
    QRadioButton* m_fieldsMode = nullptr;
    QRadioButton* m_rawMode = nullptr;
    QGroupBox* m_fieldsBox = nullptr;
    QLineEdit* m_host = nullptr;
    QLineEdit* m_port = nullptr;
    QLineEdit* m_database = nullptr;
    QLineEdit* m_user = nullptr;
    QLineEdit* m_raw = nullptr;
    QComboBox* m_sslMode = nullptr;
    QLineEdit* m_caFile = nullptr;
    QLineEdit* m_password = nullptr;
    QPushButton* m_test = nullptr;
    QLabel* m_testResult = nullptr;
    ProblemLabel* m_nameProblem = nullptr;
    ProblemLabel* m_portProblem = nullptr;
    ProblemLabel* m_databaseProblem = nullptr;
    ProblemLabel* m_rawProblem = nullptr;
    ProblemLabel* m_tlsProblem = nullptr;
    bool m_sslModeChosen = false;  // the user picked one: the host no longer picks the default
    bool m_valid = false;
    QFutureWatcher<ops::services::Result<QString>> m_testWatcher;
};

} // namespace ops::widgets
