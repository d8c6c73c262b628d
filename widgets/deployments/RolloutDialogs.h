// SPDX-License-Identifier: MIT
#pragma once

// The Deployments tab's two questions, as modal dialogs (tests replace them through the panel):
// - confirmRollout: names the operation ("Roll back production from v4 to v3"), warns when the
//   target predates the newest schema migration, shows a refusing promotion gate, asks an
//   optional reason and, for an approver facing a refusing gate, a written override reason.
// - askLock: why (required) and, optionally, until when.
// Every text from outside is shown as plain text.

#include "deploy/RolloutService.h"

#include <QDateTime>

class QWidget;

namespace ops::widgets {

bool confirmRollout(QWidget* parent, const ops::services::RolloutPlan& plan, bool mayOverrideGate, QString* reason,
                    QString* gateOverride);
bool askLock(QWidget* parent, const QString& environment, QString* reason, QDateTime* until);

} // namespace ops::widgets
