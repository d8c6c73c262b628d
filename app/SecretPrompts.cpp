// SPDX-License-Identifier: MIT
#include "SecretPrompts.h"

#include "ConsoleController.h"
#include "common/SecretPromptDialog.h"
#include "common/SecretStore.h"

#include <QCoreApplication>
#include <QPointer>
#include <QSettings>

namespace ops::app {

using namespace ops::services;

namespace {
const QString deployTokenName = QStringLiteral("deploy/default");

// The dialog's answer into the store: the keyring when asked for and there is one, else memory.
void keep(SecretStore& secrets, ops::widgets::SecretPromptDialog& dialog, const QString& name)
{
    const bool remember = dialog.rememberInKeyring();
    const QByteArray value = dialog.takeValue();
    if (remember)
        secrets.store(name, value, nullptr);
    else
        secrets.remember(name, value);
}
} // namespace

void askForDatabasePassword(QWidget* parent, ConsoleController& controller, const Error& refusal)
{
    ops::widgets::SecretPromptDialog dialog(
        QCoreApplication::translate("SecretPrompts", "Database password"),
        QCoreApplication::translate("SecretPrompts", "The database server asks for a password.\n%1\n\nIt is kept in this "
                                                     "console's memory, or in the desktop keyring if you tick the box; it "
                                                     "is never written to the settings file.")
            .arg(refusal.message),
        controller.databasePasswordSecret(), parent);
    dialog.setKeyringAvailable(controller.secrets().backend() == SecretBackend::Keyring);
    if (dialog.exec() != QDialog::Accepted) {
        controller.declinePassword();
        return;
    }
    const bool remember = dialog.rememberInKeyring();
    controller.retryWithPassword(dialog.takeValue(), remember);
}

void ensureDeployToken(QWidget* parent, SecretStore& secrets, QObject* context, bool& alreadyAsked,
                       std::function<void()> ready)
{
    if (secrets.cached(deployTokenName)) {
        ready();
        return;
    }
    QPointer<QWidget> guardedParent(parent);
    secrets.load(deployTokenName, context, [&secrets, &alreadyAsked, guardedParent, ready](std::optional<QByteArray> token) {
        if (!token && !alreadyAsked && guardedParent) {
            alreadyAsked = true;
            ops::widgets::SecretPromptDialog dialog(
                QCoreApplication::translate("SecretPrompts", "Deploy provider token"),
                QCoreApplication::translate("SecretPrompts", "The deploy provider at %1 needs an API token (OPS_DEPLOY_TOKEN "
                                                             "was not set and the keyring has none).")
                    .arg(qEnvironmentVariableIsSet("OPS_DEPLOY_URL")
                             ? qEnvironmentVariable("OPS_DEPLOY_URL")
                             : QSettings().value(QStringLiteral("deploy/url")).toString()),
                deployTokenName, guardedParent);
            dialog.setKeyringAvailable(secrets.backend() == SecretBackend::Keyring);
            if (dialog.exec() == QDialog::Accepted)
                keep(secrets, dialog, deployTokenName);
        }
        ready();
    });
}

bool askForMonitorSecret(QWidget* parent, SecretStore& secrets)
{
    ops::widgets::SecretPromptDialog dialog(parent);
    dialog.setKeyringAvailable(secrets.backend() == SecretBackend::Keyring);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    keep(secrets, dialog, QStringLiteral("health/") + dialog.secretName());
    return true;
}

} // namespace ops::app
