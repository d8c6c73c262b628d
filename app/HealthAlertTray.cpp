// SPDX-License-Identifier: MIT
#include "HealthAlertTray.h"

#include <QApplication>
#include <QLoggingCategory>
#include <QStyle>
#include <QSystemTrayIcon>

Q_LOGGING_CATEGORY(lcAlertTray, "ops.health.alerts")

namespace ops::app {

void HealthAlertTray::notify(const QString& title, const QString& message)
{
    qCInfo(lcAlertTray).noquote() << "health alert:" << title << "-" << message;
    if (!QSystemTrayIcon::isSystemTrayAvailable() || !QSystemTrayIcon::supportsMessages())
        return;
    if (!m_icon) {
        m_icon = new QSystemTrayIcon(QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning), this);
        m_icon->setToolTip(tr("Ops Console health alerts"));
        m_icon->show();
    }
    // The message is plain text from the database (and from endpoints): the tray shows no markup.
    m_icon->showMessage(tr("Health: %1").arg(title), message.left(300), QSystemTrayIcon::Warning);
    ++m_shown;
}

} // namespace ops::app
