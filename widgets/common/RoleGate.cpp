// SPDX-License-Identifier: MIT
#include "common/RoleGate.h"

#include <QCoreApplication>
#include <QAction>
#include <QWidget>

namespace ops::widgets {

namespace {

// The tooltip a control had before any gate touched it, kept on the control itself.
const char* const kOwnToolTip = "roleGateOwnToolTip";

template <typename Control>
void gate(Control* control, const QString& connectedLevel, RoleLevel required, bool otherwise)
{
    if (!control)
        return;
    if (!control->property(kOwnToolTip).isValid())
        control->setProperty(kOwnToolTip, control->toolTip());
    const QString why = RoleGate::refusal(connectedLevel, required);
    control->setEnabled(why.isEmpty() && otherwise);
    control->setToolTip(why.isEmpty() ? control->property(kOwnToolTip).toString() : why);
}

} // namespace

RoleLevel RoleGate::levelFromName(const QString& name)
{
    if (name == QLatin1String("admin"))
        return RoleLevel::Admin;
    if (name == QLatin1String("approver"))
        return RoleLevel::Approver;
    if (name == QLatin1String("operator"))
        return RoleLevel::Operator;
    if (name == QLatin1String("viewer"))
        return RoleLevel::Viewer;
    return RoleLevel::None;
}

QString RoleGate::roleName(RoleLevel level)
{
    switch (level) {
    case RoleLevel::Admin: return QStringLiteral("ops_admin");
    case RoleLevel::Approver: return QStringLiteral("ops_approver");
    case RoleLevel::Operator: return QStringLiteral("ops_operator");
    case RoleLevel::Viewer: return QStringLiteral("ops_viewer");
    case RoleLevel::None: break;
    }
    return QStringLiteral("none");
}

bool RoleGate::allows(const QString& connectedLevel, RoleLevel required)
{
    return int(levelFromName(connectedLevel)) >= int(required);
}

QString RoleGate::refusal(const QString& connectedLevel, RoleLevel required)
{
    if (allows(connectedLevel, required))
        return {};
    return QCoreApplication::translate("ops::widgets::RoleGate", "Needs the %1 role; you are connected as %2.")
        .arg(roleName(required), connectedLevel.isEmpty() ? QCoreApplication::translate("ops::widgets::RoleGate", "an unknown role") : connectedLevel);
}

void RoleGate::apply(QWidget* control, const QString& connectedLevel, RoleLevel required, bool otherwise)
{
    gate(control, connectedLevel, required, otherwise);
}

void RoleGate::apply(QAction* action, const QString& connectedLevel, RoleLevel required, bool otherwise)
{
    gate(action, connectedLevel, required, otherwise);
}

} // namespace ops::widgets
