// SPDX-License-Identifier: MIT
#include "common/OperationProgress.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

namespace ops::widgets {

OperationProgress::OperationProgress(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_label = new QLabel(this);
    m_label->setTextFormat(Qt::PlainText);  // file names come from the user
    m_bar = new QProgressBar(this);
    m_bar->setObjectName(QStringLiteral("operationProgressBar"));
    m_bar->setMaximumWidth(240);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("operationCancel"));
    layout->addWidget(m_label, 1);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_cancelRequested = true;
        m_cancel->setEnabled(false);  // asked once; the operation stops at its next safe point
        m_label->setText(tr("%1 (cancelling...)").arg(m_what));
        emit cancelRequested();
    });
    setVisible(false);
}

void OperationProgress::start(const QString& what, int maximum)
{
    m_what = what;
    m_running = true;
    m_cancelRequested = false;
    m_label->setText(what);
    m_bar->setRange(0, maximum);
    m_bar->setValue(0);
    m_bar->setAccessibleName(what);
    m_cancel->setEnabled(true);
    m_cancel->setAccessibleDescription(tr("Cancel: %1").arg(what));
    setVisible(true);
}

void OperationProgress::setProgress(int value, const QString& detail)
{
    if (m_bar->maximum() > 0)
        m_bar->setValue(value);
    if (!m_cancelRequested)
        m_label->setText(detail.isEmpty() ? m_what : tr("%1: %2").arg(m_what, detail));
}

void OperationProgress::finish()
{
    m_running = false;
    setVisible(false);
}

QString OperationProgress::text() const
{
    return m_label->text();
}

} // namespace ops::widgets
