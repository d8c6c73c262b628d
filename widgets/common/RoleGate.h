// SPDX-License-Identifier: MIT
#pragma once

// RoleGate: one rule for every panel's mutating controls. The database enforces the roles (the
// SECURITY DEFINER functions refuse); the gate only shows it: a control the connected role may
// not use is disabled, and its tooltip says which role it needs and which one is connected.

#include <QString>

class QAction;
class QWidget;

namespace ops::widgets {

// The console's roles, lowest first, as ops.current_role_level() names them.
enum class RoleLevel { None, Viewer, Operator, Approver, Admin };

class RoleGate final {
public:
    static RoleLevel levelFromName(const QString& name);  // "operator" -> Operator; unknown -> None
    static QString roleName(RoleLevel level);              // Operator -> "ops_operator"
    static bool allows(const QString& connectedLevel, RoleLevel required);
    // "Needs the ops_approver role; you are connected as operator." (empty when allowed)
    static QString refusal(const QString& connectedLevel, RoleLevel required);
    // Enables `control` when the role allows it and `otherwise` holds; when the role does not,
    // disables it with the refusal as tooltip (the control's own tooltip comes back once allowed).
    static void apply(QWidget* control, const QString& connectedLevel, RoleLevel required, bool otherwise = true);
    static void apply(QAction* action, const QString& connectedLevel, RoleLevel required, bool otherwise = true);
};

} // namespace ops::widgets
