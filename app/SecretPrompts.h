// SPDX-License-Identifier: MIT
#pragma once

// SecretPrompts: the window's questions for secrets the console needs and does not have (not in
// the keyring, the environment or the connection string). Each is asked at most once per run;
// "Remember in keyring" puts the answer in the desktop keyring, otherwise it lives in memory
// until the console exits. Headless commands never ask.

#include "common/Result.h"

#include <QString>

#include <functional>

class QObject;
class QWidget;

namespace ops::services {
class SecretStore;
}

namespace ops::app {

class ConsoleController;

// The server refused the login for want of a password: asks for it and retries, or lets the
// controller report the failure when the user cancels.
void askForDatabasePassword(QWidget* parent, ConsoleController& controller, const ops::services::Error& refusal);

// An HTTP deploy provider is configured (OPS_DEPLOY_URL) and "deploy/default" is not in memory:
// reads the keyring, asks when it has nothing (once per run: `alreadyAsked`), then calls `ready`
// on `context` whether a token was found or not (the provider then answers 401 and says so).
void ensureDeployToken(QWidget* parent, ops::services::SecretStore& secrets, QObject* context, bool& alreadyAsked,
                       std::function<void()> ready);

// Health > Enter a monitor secret...: asks for a name and a value and keeps it as "health/<name>".
// Returns false when cancelled.
bool askForMonitorSecret(QWidget* parent, ops::services::SecretStore& secrets);

} // namespace ops::app
