// SPDX-License-Identifier: MIT
#pragma once

// DesktopActions: the window's desktop habits, installed once by MainWindow.
// - Shortcuts (window-wide QActions in the View and Deploy menus, so they survive the tab rebuild
//   of a project switch): Ctrl+1..4 the tabs, F5 reloads the current tab, Ctrl+F focuses the
//   current tab's filter, Ctrl+R rolls production back through the Deployments tab's own button
//   (same confirmation, same role and state checks; a disabled button says why in the status bar).
// - Help > Keyboard shortcuts: every menu action that has a shortcut, listed.
// - View > Theme: System / Light / Dark (ThemeController).
// - The remembered layout (LayoutMemory) and the tray icon (HealthAlertTray).
// GUI thread only.

#include <QObject>

class QAction;
class QMenu;
class QWidget;

namespace ops::app {

class HealthAlertTray;
class LayoutMemory;
class MainWindow;
class ThemeController;

class DesktopActions final : public QObject {
    Q_OBJECT
public:
    explicit DesktopActions(MainWindow& window);

    // What F5, Ctrl+F and Ctrl+R do (also for tests).
    void refreshCurrentTab();
    void focusFilter();
    void rollBackProduction();
    // "Ctrl+1  Show the Health tab" rows: every menu action with a shortcut.
    QList<QPair<QString, QString>> shortcutList() const;
    void showShortcutDialog();

    ThemeController* theme() const { return m_theme; }
    HealthAlertTray* tray() const { return m_tray; }
    QAction* action(const QString& objectName) const;

private:
    QAction* addAction(QMenu* menu, const QString& objectName, const QString& text, const QKeySequence& key);
    void createViewMenu(QMenu* view);
    void say(const QString& message);

    MainWindow& m_window;
    ThemeController* m_theme = nullptr;
    LayoutMemory* m_layout = nullptr;
    HealthAlertTray* m_tray = nullptr;
};

} // namespace ops::app
