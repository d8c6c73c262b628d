// SPDX-License-Identifier: MIT
#pragma once

// HealthAlertTray: the console in the system tray. Its icon is a dot in the project's overall
// health colour (green healthy, amber degraded, red down or circuit open, grey unknown), and a
// health alert shows as a desktop notification. Without a system tray (offscreen, some desktops)
// it keeps the status and logs the alerts. One per window; GUI thread only.

#include <QColor>
#include <QIcon>
#include <QObject>

class QSystemTrayIcon;

namespace ops::app {

class HealthAlertTray final : public QObject {
    Q_OBJECT
public:
    enum class Status { Unknown, Healthy, Degraded, Down };

    explicit HealthAlertTray(QObject* parent = nullptr);

    // From the Health tab's tiles: overall "healthy" / "degraded" / "unhealthy" (or empty) and
    // the circuit "CLOSED" / "HALF_OPEN" / "OPEN" (or empty).
    void showStatus(const QString& overall, const QString& circuit);
    void notify(const QString& title, const QString& message);

    static Status statusFrom(const QString& overall, const QString& circuit);
    static QColor colourFor(Status status);
    Status status() const { return m_status; }
    QIcon icon() const { return m_iconImage; }
    QString toolTip() const;
    // How many alerts were shown in the tray (0 without one): for tests.
    int shown() const { return m_shown; }

private:
    void updateIcon();

    QSystemTrayIcon* m_icon = nullptr;  // only when the platform has a tray
    QIcon m_iconImage;
    Status m_status = Status::Unknown;
    int m_shown = 0;
};

} // namespace ops::app
