// SPDX-License-Identifier: MIT
#include "health/SecretPromptDialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace ops::widgets {

SecretPromptDialog::SecretPromptDialog(QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Monitor secret"));
    auto* layout = new QFormLayout(this);
    auto* explanation = new QLabel(tr("A monitor's config names a secret (\"secret\": NAME). Its value stays in this "
                                      "console's memory until it exits; it is never stored."), this);
    explanation->setTextFormat(Qt::PlainText);
    explanation->setWordWrap(true);
    layout->addRow(explanation);
    m_name = new QLineEdit(this);
    m_name->setPlaceholderText(tr("supabase-metrics"));  // an example name
    m_value = new QLineEdit(this);
    m_value->setEchoMode(QLineEdit::Password);
    layout->addRow(tr("Name:"), m_name);
    layout->addRow(tr("Value:"), m_value);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    layout->addRow(buttons);
    QPushButton* ok = buttons->button(QDialogButtonBox::Ok);
    ok->setEnabled(false);
    auto update = [this, ok] { ok->setEnabled(!m_name->text().trimmed().isEmpty() && !m_value->text().isEmpty()); };
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
    return m_name->text().trimmed();
}

QByteArray SecretPromptDialog::takeValue()
{
    const QByteArray value = m_value->text().toUtf8();
    m_value->clear();
    return value;
}

} // namespace ops::widgets
