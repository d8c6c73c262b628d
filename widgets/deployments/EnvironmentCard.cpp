// SPDX-License-Identifier: MIT
#include "deployments/EnvironmentCard.h"
#include "common/RoleGate.h"

#include "common/PlainToolTip.h"

#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace ops::widgets {

using namespace ops::services;

namespace {

QLabel* plainLabel(const QString& objectName, QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);  // versions, reasons and names come from outside
    label->setWordWrap(true);
    label->setObjectName(objectName);
    return label;
}

// Enables `button` when `why` is empty; otherwise disables it and says why in its tooltip.
void allowOrExplain(QPushButton* button, const QString& why, const QString& whatItDoes)
{
    button->setEnabled(why.isEmpty());
    button->setToolTip(plainToolTip(why.isEmpty() ? whatItDoes : why));  // may hold versions and lock reasons
}

} // namespace

EnvironmentCard::EnvironmentCard(const QString& environment, const QString& promotionTarget, QWidget* parent)
    : QGroupBox(environment, parent), m_promotionTarget(promotionTarget)
{
    setObjectName(QStringLiteral("environment_") + environment);
    m_snapshot.environment = environment;
    auto* layout = new QVBoxLayout(this);
    m_current = plainLabel(QStringLiteral("current"), this);
    m_current->setText(tr("%1: loading...").arg(environment));
    m_pinned = plainLabel(QStringLiteral("pinned"), this);
    m_locked = plainLabel(QStringLiteral("locked"), this);
    m_inProgress = plainLabel(QStringLiteral("inProgress"), this);
    m_migration = plainLabel(QStringLiteral("migration"), this);
    m_pinned->setStyleSheet(QStringLiteral("color: #8a5a00; font-weight: bold"));
    m_locked->setStyleSheet(QStringLiteral("color: #b00020; font-weight: bold"));
    for (QLabel* label : {m_current, m_pinned, m_locked, m_inProgress, m_migration})
        layout->addWidget(label);

    auto* buttons = new QGridLayout;
    m_rollback = new QPushButton(tr("Roll back"), this);
    m_rollback->setObjectName(QStringLiteral("rollbackButton"));
    m_undo = new QPushButton(tr("Undo rollback"), this);
    m_undo->setObjectName(QStringLiteral("undoButton"));
    m_promote = new QPushButton(tr("Promote to %1").arg(promotionTarget), this);
    m_promote->setObjectName(QStringLiteral("promoteButton"));
    m_promote->setVisible(!promotionTarget.isEmpty());
    m_lock = new QPushButton(tr("Lock..."), this);
    m_lock->setObjectName(QStringLiteral("lockButton"));
    buttons->addWidget(m_rollback, 0, 0);
    buttons->addWidget(m_undo, 0, 1);
    buttons->addWidget(m_promote, 1, 0);
    buttons->addWidget(m_lock, 1, 1);
    layout->addLayout(buttons);
    layout->addStretch(1);
    for (QPushButton* button : {m_rollback, m_undo, m_promote, m_lock})
        allowOrExplain(button, tr("Loading the environment"), {});

    connect(m_rollback, &QPushButton::clicked, this, &EnvironmentCard::rollbackClicked);
    connect(m_undo, &QPushButton::clicked, this, &EnvironmentCard::undoClicked);
    connect(m_promote, &QPushButton::clicked, this, &EnvironmentCard::promoteClicked);
    connect(m_lock, &QPushButton::clicked, this, [this] {
        if (m_snapshot.lock.isEmpty())
            emit lockClicked();
        else
            emit unlockClicked();
    });
}

void EnvironmentCard::showSnapshot(const EnvironmentSnapshot& s)
{
    m_snapshot = s;
    m_loaded = true;
    m_current->setText(QStringLiteral("%1: %2 (%3)").arg(s.environment, s.currentVersion.isEmpty() ? tr("unknown") : s.currentVersion,
                                                         s.currentHealth.isEmpty() ? tr("unknown") : s.currentHealth));
    m_pinned->setText(s.pinned ? tr("PINNED after a rollback: new builds do not go live until someone promotes%1")
                                     .arg(s.undo.isEmpty() ? QString() : tr(" (undo: %1)").arg(s.undo))
                               : QString());
    m_locked->setText(s.lock.isEmpty() ? QString() : tr("LOCKED by %1: deploys and promotions are refused, rollbacks are not").arg(s.lock));
    m_inProgress->setText(s.unfinished.isEmpty() ? QString() : tr("In progress: %1").arg(s.unfinished));
    m_migration->setText(s.newestMigration.isEmpty() ? QString() : tr("Newest schema migration: %1").arg(s.newestMigration));
    for (QLabel* label : {m_pinned, m_locked, m_inProgress, m_migration})
        label->setVisible(!label->text().isEmpty());
    m_lock->setText(s.lock.isEmpty() ? tr("Lock...") : tr("Unlock"));
}

void EnvironmentCard::showError(const QString& message)
{
    m_current->setText(tr("%1 unavailable: %2").arg(m_snapshot.environment, message));
}

void EnvironmentCard::updateButtons(const QString& busy, const QString& targetLock)
{
    const EnvironmentSnapshot& s = m_snapshot;
    QString common;  // what forbids every change
    if (!m_loaded)
        common = tr("Loading the environment");
    else
        common = RoleGate::refusal(s.roleLevel, RoleLevel::Operator);
    const QString operation = !busy.isEmpty()          ? busy
                              : !s.unfinished.isEmpty() ? tr("Another operation is in progress: %1").arg(s.unfinished)
                                                        : QString();
    auto firstOf = [](std::initializer_list<QString> reasons) {
        for (const QString& reason : reasons)
            if (!reason.isEmpty())
                return reason;
        return QString();
    };
    // A source of promotions (staging) shows its newest preview build: there is nothing to roll back.
    const QString notRollbackable = m_promotionTarget.isEmpty()
        ? QString()
        : tr("%1 shows its newest build; rollbacks apply to %2").arg(s.environment, m_promotionTarget);
    allowOrExplain(m_rollback, firstOf({notRollbackable, common, operation}),
                   tr("Roll %1 back to the last deployment that passed its health check (allowed even when locked)")
                       .arg(s.environment));
    allowOrExplain(m_undo,
                   firstOf({notRollbackable, common, operation,
                            s.undo.isEmpty() ? tr("Nothing to undo: %1 is not pinned by a rollback").arg(s.environment) : QString(),
                            s.lock.isEmpty() ? QString() : tr("Locked by %1").arg(s.lock)}),
                   tr("Undo the rollback: %1").arg(s.undo));
    allowOrExplain(m_promote,
                   firstOf({common, operation, s.currentVersion.isEmpty() ? tr("Nothing to promote yet") : QString(),
                            targetLock.isEmpty() ? QString() : tr("%1 is locked by %2").arg(m_promotionTarget, targetLock)}),
                   tr("Promote %1 (%2) to %3; refused while the plan's checkpoint is not signed Go")
                       .arg(s.environment, s.currentVersion, m_promotionTarget));
    allowOrExplain(m_lock, common,
                   s.lock.isEmpty() ? tr("Lock %1: who, why, until when; deploys and promotions are refused").arg(s.environment)
                                    : tr("Lift the lock (%1)").arg(s.lock));
}

QString EnvironmentCard::statusText() const
{
    QStringList lines;
    for (const QLabel* label : {m_current, m_pinned, m_locked, m_inProgress, m_migration})
        if (!label->text().isEmpty())
            lines << label->text();
    return lines.join(QStringLiteral(" | "));
}

} // namespace ops::widgets
