// SPDX-License-Identifier: MIT
#pragma once

// EnvironmentCard: one environment in the Deployments tab, side by side with the others: its
// current deployment and health, whether it is pinned after a rollback (new builds do not go live
// until someone promotes) or locked (who, why, until when), the operation in progress, and its
// buttons. A button that cannot be used is disabled with a tooltip saying why (role, lock,
// nothing to undo, an operation in progress). Shows; decides nothing (the panel runs the work).

#include "deploy/RolloutService.h"

#include <QGroupBox>

class QLabel;
class QPushButton;

namespace ops::widgets {

class EnvironmentCard final : public QGroupBox {
    Q_OBJECT
public:
    // `promotionTarget` non-empty: this card offers "Promote to <promotionTarget>".
    EnvironmentCard(const QString& environment, const QString& promotionTarget, QWidget* parent = nullptr);

    void showSnapshot(const ops::services::EnvironmentSnapshot& snapshot);
    void showError(const QString& message);
    // `busy`: why this console cannot start anything now (empty when idle); `targetLock`: the
    // promotion target's lock, which refuses a promotion.
    void updateButtons(const QString& busy, const QString& targetLock);

    const ops::services::EnvironmentSnapshot& snapshot() const { return m_snapshot; }
    QString statusText() const;  // every line the card shows, joined
    QPushButton* rollbackButton() const { return m_rollback; }
    QPushButton* undoButton() const { return m_undo; }
    QPushButton* promoteButton() const { return m_promote; }
    QPushButton* lockButton() const { return m_lock; }

signals:
    void rollbackClicked();
    void undoClicked();
    void promoteClicked();
    void lockClicked();    // when unlocked
    void unlockClicked();  // when locked

private:
    ops::services::EnvironmentSnapshot m_snapshot;
    bool m_loaded = false;
    QString m_promotionTarget;
    QLabel* m_current = nullptr;
    QLabel* m_pinned = nullptr;
    QLabel* m_locked = nullptr;
    QLabel* m_inProgress = nullptr;
    QLabel* m_migration = nullptr;
    QPushButton* m_rollback = nullptr;
    QPushButton* m_undo = nullptr;
    QPushButton* m_promote = nullptr;
    QPushButton* m_lock = nullptr;
};

} // namespace ops::widgets
