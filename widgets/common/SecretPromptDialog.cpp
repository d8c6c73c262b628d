// SPDX-License-Identifier: MIT
#include "common/SecretPromptDialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace ops::widgets {

SecretPromptDialog::SecretPromptDialog(QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Monitor secret"));
    build(tr("A monitor's config names a secret (\"secret\": NAME). Its value stays in this console's memory until it "
             "exits, or in the desktop keyring if you tick \"Remember in keyring\"; it is never written to a file."),
          true);
}

SecretPromptDialog::SecretPromptDialog(const QString& title, const QString& explanation, const QString& fixedName,
                                       QWidget* parent)
    : QDialog(parent), m_fixedName(fixedName)
{
    setWindowTitle(title);
    build(explanation, false);
}

void SecretPromptDialog::build(const QString& explanation, bool askName)
{
    auto* layout = new QFormLayout(this);
    auto* text = new QLabel(explanation, this);
    text->setTextFormat(Qt::PlainText);
    text->setWordWrap(true);
    layout->addRow(text);
    if (askName) {
        m_name = new QLineEdit(this);
        m_name->setPlaceholderText(QStringLiteral("supabase-metrics"));
        layout->addRow(tr("Name:"), m_name);
    }
    m_value = new QLineEdit(this);
    m_value->setEchoMode(QLineEdit::Password);
    layout->addRow(tr("Value:"), m_value);
    m_remember = new QCheckBox(tr("Remember in keyring"), this);
    m_remember->setChecked(true);
    layout->addRow(m_remember);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    layout->addRow(buttons);
    QPushButton* ok = buttons->button(QDialogButtonBox::Ok);
    ok->setEnabled(false);
    auto update = [this, ok] { ok->setEnabled(!secretName().isEmpty() && !m_value->text().isEmpty()); };
    if (m_name)
        connect(m_name, &QLineEdit::textChanged, this, update);
    connect(m_value, &QLineEdit::textChanged, this, update);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, [this] {
        m_value->clear();
        reject();
    });
}

QString SecretPromptDialog::secretName() const
{
    return m_name ? m_name->text().trimmed() : m_fixedName;
}

QByteArray SecretPromptDialog::takeValue()
{
    const QByteArray value = m_value->text().toUtf8();
    m_value->clear();
    return value;
}

bool SecretPromptDialog::rememberInKeyring() const
{
    return m_remember->isEnabled() && m_remember->isChecked();
}

void SecretPromptDialog::setKeyringAvailable(bool available)
{
    m_remember->setEnabled(available);
    m_remember->setChecked(available);
    m_remember->setText(available ? tr("Remember in keyring") : tr("Remember in keyring (no desktop keyring: this run only)"));
}

} // namespace ops::widgets
