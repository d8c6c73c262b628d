// SPDX-License-Identifier: MIT
#pragma once

// SecretPromptDialog: asks for one secret of the console's secret store (e.g. the password of a
// prometheus monitor's HTTP Basic credentials) by name. The value is typed hidden, handed to the
// caller once and cleared from the dialog; it is never written anywhere.

#include <QDialog>

class QLineEdit;

namespace ops::widgets {

class SecretPromptDialog final : public QDialog {
    Q_OBJECT
public:
    explicit SecretPromptDialog(QWidget* parent = nullptr);

    QString secretName() const;
    // The typed value; clears it from the dialog.
    QByteArray takeValue();
    QLineEdit* nameEdit() const { return m_name; }
    QLineEdit* valueEdit() const { return m_value; }

private:
    QLineEdit* m_name = nullptr;
    QLineEdit* m_value = nullptr;
};

} // namespace ops::widgets
