// SPDX-License-Identifier: MIT
#include "ThemeController.h"

#include <QApplication>
#include <QEvent>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace ops::app {

namespace {

const QString kSettingsKey = QStringLiteral("appearance/theme");

bool darkWindow(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

} // namespace

ThemeController::ThemeController(QObject* parent) : QObject(parent)
{
    m_platformStyle = QApplication::style()->name();
    const QString stored = QSettings().value(kSettingsKey, modeKey(Mode::System)).toString();
    for (Mode mode : {Mode::System, Mode::Light, Mode::Dark})
        if (stored == modeKey(mode))
            m_mode = mode;
    if (m_mode != Mode::System)
        apply();
    // The platform's theme may change while the console runs (a desktop switching to dark at
    // night): under System, Qt updates the palette itself; charts follow through PaletteChange,
    // and whoever listens here learns the new brightness.
    qApp->installEventFilter(this);
}

QString ThemeController::modeKey(Mode mode)
{
    switch (mode) {
    case Mode::System: return QStringLiteral("system");
    case Mode::Light: return QStringLiteral("light");
    case Mode::Dark: return QStringLiteral("dark");
    }
    return QStringLiteral("system");
}

void ThemeController::setMode(Mode mode)
{
    QSettings().setValue(kSettingsKey, modeKey(mode));
    if (mode == m_mode)
        return;
    m_mode = mode;
    apply();
}

bool ThemeController::isDark()
{
    return darkWindow(QApplication::palette());
}

QPalette ThemeController::darkPalette()
{
    // Fusion's usual dark palette: light text on dark grey, a readable blue for highlights and links.
    const QColor window(0x2b, 0x2b, 0x2b), base(0x1e, 0x1e, 0x1e), text(0xe8, 0xe8, 0xe8), disabled(0x80, 0x80, 0x80);
    QPalette p;
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
    p.setColor(QPalette::ToolTipBase, QColor(0x3c, 0x3c, 0x3c));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0xa0, 0xa0, 0xa0));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Light, QColor(0x50, 0x50, 0x50));
    p.setColor(QPalette::Midlight, QColor(0x40, 0x40, 0x40));
    p.setColor(QPalette::Mid, QColor(0x5a, 0x5a, 0x5a));
    p.setColor(QPalette::Dark, QColor(0x19, 0x19, 0x19));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xb3));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xb4, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xb3, 0x9d, 0xff));
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
}

void ThemeController::apply()
{
    switch (m_mode) {
    case Mode::Dark:
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(darkPalette());
        break;
    case Mode::System:
    case Mode::Light: {
        QApplication::setStyle(QStyleFactory::create(m_platformStyle));
        // An empty palette resolves every role against the platform's: Qt follows the platform.
        QApplication::setPalette(QPalette());
        if (m_mode == Mode::Light && isDark()) {  // a dark desktop, and the user wants light
            QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
            QApplication::setPalette(QApplication::style()->standardPalette());
        }
        break;
    }
    }
    emit themeChanged(isDark());
}

bool ThemeController::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == qApp && m_mode == Mode::System && event->type() == QEvent::ApplicationPaletteChange)
        emit themeChanged(isDark());
    return false;
}

} // namespace ops::app
