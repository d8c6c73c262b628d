// SPDX-License-Identifier: MIT
#pragma once

// HealthAlertTray: shows a health alert as a desktop notification through QSystemTrayIcon when
// the platform has a system tray; otherwise (offscreen, no tray) it only logs it. The icon is
// created on the first alert.

#include <QObject>

class QSystemTrayIcon;

namespace ops::app {

class HealthAlertTray final : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    void notify(const QString& title, const QString& message);
    // How many alerts were shown in the tray (0 without one): for tests.
    int shown() const { return m_shown; }

private:
    QSystemTrayIcon* m_icon = nullptr;
    int m_shown = 0;
};

} // namespace ops::app
