// SPDX-License-Identifier: MIT
#pragma once

// SecretPromptDialog: asks for one secret of the console's SecretStore: a monitor secret by
// name (Health menu), or the value of a known one (the database password, a deploy token). The
// value is typed hidden, handed to the caller once and cleared from the dialog. "Remember in
// keyring" says whether the caller should put it in the desktop keyring; unticked (or without a
// keyring) it stays in memory until the console exits. The dialog itself stores nothing.

#include <QDialog>

class QCheckBox;
class QLineEdit;

namespace ops::widgets {

class SecretPromptDialog final : public QDialog {
    Q_OBJECT
public:
    // Asks for a name and its value (a monitor's "secret").
    explicit SecretPromptDialog(QWidget* parent = nullptr);
    // Asks for the value of `fixedName` only; `explanation` says what it is for (plain text).
    SecretPromptDialog(const QString& title, const QString& explanation, const QString& fixedName,
                       QWidget* parent = nullptr);

    QString secretName() const;
    // The typed value; clears it from the dialog.
    QByteArray takeValue();
    bool rememberInKeyring() const;
    // Without a keyring the box is unticked and disabled, saying so.
    void setKeyringAvailable(bool available);

    QLineEdit* nameEdit() const { return m_name; }
    QLineEdit* valueEdit() const { return m_value; }
    QCheckBox* rememberBox() const { return m_remember; }

private:
    void build(const QString& explanation, bool askName);

    QString m_fixedName;
    QLineEdit* m_name = nullptr;  // null when the name is fixed
    QLineEdit* m_value = nullptr;
    QCheckBox* m_remember = nullptr;
};

} // namespace ops::widgets
