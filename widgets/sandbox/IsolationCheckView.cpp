// SPDX-License-Identifier: MIT
#include "sandbox/IsolationCheckView.h"

#include <QComboBox>
#include <QDir>
#include <QFormLayout>
#include <QFuture>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace ops::widgets {

using namespace ops::services;
using namespace ops::services::sandbox;

IsolationCheckView::IsolationCheckView(Pool* pool, qint64 projectId, QWidget* parent)
    : QWidget(parent), m_pool(pool), m_projectId(projectId)
{
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Day 1 isolation check: inside the sandbox, read a protected file (cat .env.local), "
                                "connect to a host outside the allow-list (curl https://example.org) and read a file "
                                "outside the project (cat /etc/hostname). Each item turns green when the sandbox's "
                                "blocked event for it is in the log within the window."), this);
    intro->setTextFormat(Qt::PlainText);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* form = new QFormLayout;
    m_directory = new QLineEdit(QDir::currentPath(), this);
    m_window = new QComboBox(this);
    for (int minutes : {15, 60, 24 * 60, 7 * 24 * 60})
        m_window->addItem(minutes < 60 ? tr("last %1 minutes").arg(minutes)
                          : minutes < 24 * 60 ? tr("last hour") : minutes == 24 * 60 ? tr("last 24 hours") : tr("last 7 days"),
                          minutes);
    form->addRow(tr("Project directory"), m_directory);
    form->addRow(tr("Window"), m_window);
    layout->addLayout(form);
    for (std::size_t i = 0; i < m_labels.size(); ++i) {
        m_labels[i] = new QLabel(this);
        m_labels[i]->setTextFormat(Qt::PlainText);  // evidence is outside text
        m_labels[i]->setWordWrap(true);
        layout->addWidget(m_labels[i]);
    }
    m_summary = new QLabel(this);
    m_summary->setTextFormat(Qt::PlainText);
    layout->addWidget(m_summary);
    auto* check = new QPushButton(tr("Check now"), this);
    layout->addWidget(check, 0, Qt::AlignLeft);
    layout->addStretch(1);
    connect(check, &QPushButton::clicked, this, &IsolationCheckView::recheck);
    connect(m_window, &QComboBox::currentIndexChanged, this, &IsolationCheckView::recheck);
    connect(m_directory, &QLineEdit::editingFinished, this, &IsolationCheckView::recheck);
    show(m_items);
}

void IsolationCheckView::recheck()
{
    if (!m_pool)
        return;
    const quint64 generation = ++m_generation;
    const qint64 project = m_projectId;
    const QString directory = m_directory->text().trimmed();
    const QDateTime now = m_now();
    const IsolationWindow window{now.addSecs(-60LL * m_window->currentData().toInt()), {}};
    m_pool->withClientAsync(QStringLiteral("GET /sandbox/isolation-check"), [=](Connection& connection) {
        return IsolationCheck::run(connection, project, directory, window);
    }, CallOptions::idempotentUnit()).then(this, [this, generation](Result<std::array<IsolationItem, 3>> items) {
        if (generation != m_generation)
            return;
        if (!items) {
            m_summary->setText(items.error().toString());
            return;
        }
        m_items = items.value();
        show(m_items);
        emit checked();
    });
}

void IsolationCheckView::show(const std::array<IsolationItem, 3>& items)
{
    for (std::size_t i = 0; i < items.size(); ++i) {
        const IsolationItem& item = items[i];
        QString text = (item.passed ? QStringLiteral("\u2714 ") : QStringLiteral("\u2718 ")) + IsolationCheck::title(IsolationCheck::Probes[i]);
        if (item.passed)
            text += tr("\n    seen: event %1 at %2, %3").arg(item.evidenceId)
                        .arg(item.evidenceTime.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")), item.evidenceTarget.left(300));
        else
            text += tr("\n    not seen in the window yet");
        m_labels[i]->setText(text);
        m_labels[i]->setStyleSheet(item.passed ? QStringLiteral("color: #1b7f2a;") : QStringLiteral("color: #b3261e;"));
    }
    m_summary->setText(IsolationCheck::allPassed(items) ? tr("Isolation holds: all three probes were blocked.")
                                                        : tr("Isolation not yet shown for every probe."));
}

} // namespace ops::widgets
