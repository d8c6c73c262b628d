// SPDX-License-Identifier: MIT
#include "HealthAlertTray.h"

#include <QLoggingCategory>
#include <QPainter>
#include <QPixmap>
#include <QSystemTrayIcon>

Q_LOGGING_CATEGORY(lcAlertTray, "ops.health.alerts")

namespace ops::app {

HealthAlertTray::HealthAlertTray(QObject* parent) : QObject(parent)
{
    updateIcon();
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_icon = new QSystemTrayIcon(m_iconImage, this);
        m_icon->setToolTip(toolTip());
        m_icon->show();
    }
}

HealthAlertTray::Status HealthAlertTray::statusFrom(const QString& overall, const QString& circuit)
{
    if (circuit == QLatin1String("OPEN") || overall == QLatin1String("unhealthy") || overall == QLatin1String("down"))
        return Status::Down;
    if (overall == QLatin1String("degraded") || circuit == QLatin1String("HALF_OPEN"))
        return Status::Degraded;
    if (overall == QLatin1String("healthy"))
        return Status::Healthy;
    return Status::Unknown;
}

QColor HealthAlertTray::colourFor(Status status)
{
    switch (status) {
    case Status::Healthy: return QColor(0x2e, 0xa0, 0x43);
    case Status::Degraded: return QColor(0xf0, 0xa0, 0x00);
    case Status::Down: return QColor(0xd3, 0x2f, 0x2f);
    case Status::Unknown: break;
    }
    return QColor(0x9e, 0x9e, 0x9e);
}

QString HealthAlertTray::toolTip() const
{
    switch (m_status) {
    case Status::Healthy: return tr("Ops Console: healthy");
    case Status::Degraded: return tr("Ops Console: degraded");
    case Status::Down: return tr("Ops Console: down or circuit open");
    case Status::Unknown: break;
    }
    return tr("Ops Console: health unknown");
}

void HealthAlertTray::showStatus(const QString& overall, const QString& circuit)
{
    const Status status = statusFrom(overall, circuit);
    if (status == m_status)
        return;
    m_status = status;
    updateIcon();
    if (m_icon) {
        m_icon->setIcon(m_iconImage);
        m_icon->setToolTip(toolTip());
    }
}

void HealthAlertTray::updateIcon()
{
    // A filled dot with a dark rim: visible on light and dark panels alike.
    QPixmap pixmap(32, 32);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(QColor(0, 0, 0, 160), 2));
    painter.setBrush(colourFor(m_status));
    painter.drawEllipse(QRectF(3, 3, 26, 26));
    painter.end();
    m_iconImage = QIcon(pixmap);
}

void HealthAlertTray::notify(const QString& title, const QString& message)
{
    qCInfo(lcAlertTray).noquote() << "health alert:" << title << "-" << message;
    if (!m_icon || !QSystemTrayIcon::supportsMessages())
        return;
    // The message is plain text from the database (and from endpoints): the tray shows no markup.
    m_icon->showMessage(tr("Health: %1").arg(title), message.left(300), QSystemTrayIcon::Warning);
    ++m_shown;
}

} // namespace ops::app
