// SPDX-License-Identifier: MIT
#include "DesktopActions.h"

#include "HealthAlertTray.h"
#include "LayoutMemory.h"
#include "MainWindow.h"
#include "ThemeController.h"
#include "deployments/DeploymentsPanel.h"
#include "health/HealthPanel.h"
#include "sandbox/SandboxPanel.h"
#include "sandbox/ViolationFilterBar.h"
#include "standup/StandupPanel.h"

#include <QAction>
#include <QActionGroup>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace ops::app {

namespace {

constexpr int kMessageMs = 6000;

} // namespace

DesktopActions::DesktopActions(MainWindow& window) : QObject(&window), m_window(window)
{
    m_theme = new ThemeController(this);
    m_tray = new HealthAlertTray(&window);

    // Before Help, after whatever the window already has.
    QMenu* help = window.findChild<QMenu*>(QStringLiteral("helpMenu"));
    QAction* before = help ? help->menuAction() : nullptr;
    auto* view = new QMenu(tr("&View"), &window);
    view->setObjectName(QStringLiteral("viewMenu"));
    window.menuBar()->insertMenu(before, view);
    createViewMenu(view);

    auto* deploy = new QMenu(tr("&Deploy"), &window);
    deploy->setObjectName(QStringLiteral("deployMenu"));
    window.menuBar()->insertMenu(before, deploy);
    connect(addAction(deploy, QStringLiteral("rollBackProduction"), tr("&Roll back production..."), QKeySequence(tr("Ctrl+R"))),
            &QAction::triggered, this, &DesktopActions::rollBackProduction);

    if (help) {
        QAction* shortcuts = addAction(help, QStringLiteral("keyboardShortcuts"), tr("&Keyboard shortcuts"), QKeySequence());
        help->insertAction(help->actions().value(0), shortcuts);  // first: the entry people look for
        connect(shortcuts, &QAction::triggered, this, &DesktopActions::showShortcutDialog);
    }

    // Last: it restores the toolbars and the selected tab the menus and tabs above exist for.
    m_layout = new LayoutMemory(window, *window.tabs());
}

QAction* DesktopActions::addAction(QMenu* menu, const QString& objectName, const QString& text, const QKeySequence& key)
{
    QAction* action = menu->addAction(text);
    action->setObjectName(objectName);
    action->setShortcut(key);
    // The whole window, whichever widget has the focus (tables, text fields, the tab bar).
    action->setShortcutContext(Qt::WindowShortcut);
    return action;
}

void DesktopActions::createViewMenu(QMenu* view)
{
    const QString names[] = {tr("&Health"), tr("&Sandbox"), tr("&Deployments"), tr("S&tandup")};
    const char* const keys[] = {"showHealth", "showSandbox", "showDeployments", "showStandup"};
    for (int index = 0; index < 4; ++index) {
        QAction* show = addAction(view, QString::fromLatin1(keys[index]), names[index],
                                  QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + index)));
        connect(show, &QAction::triggered, this, [this, index] { m_window.tabs()->setCurrentIndex(index); });
    }
    view->addSeparator();
    connect(addAction(view, QStringLiteral("refreshTab"), tr("&Refresh this tab"), QKeySequence(Qt::Key_F5)),
            &QAction::triggered, this, &DesktopActions::refreshCurrentTab);
    connect(addAction(view, QStringLiteral("focusFilter"), tr("&Filter..."), QKeySequence(tr("Ctrl+F"))),
            &QAction::triggered, this, &DesktopActions::focusFilter);
    view->addSeparator();

    QMenu* themes = view->addMenu(tr("&Theme"));
    themes->setObjectName(QStringLiteral("themeMenu"));
    auto* group = new QActionGroup(themes);
    const std::pair<ThemeController::Mode, QString> choices[] = {{ThemeController::Mode::System, tr("Follow the &system")},
                                                                 {ThemeController::Mode::Light, tr("&Light")},
                                                                 {ThemeController::Mode::Dark, tr("&Dark")}};
    for (const auto& [mode, text] : choices) {
        QAction* choice = themes->addAction(text);
        choice->setObjectName(QStringLiteral("theme_") + ThemeController::modeKey(mode));
        choice->setCheckable(true);
        choice->setChecked(m_theme->mode() == mode);
        group->addAction(choice);
        connect(choice, &QAction::triggered, m_theme, [this, mode = mode] { m_theme->setMode(mode); });
    }
}

QAction* DesktopActions::action(const QString& objectName) const
{
    return m_window.findChild<QAction*>(objectName);
}

void DesktopActions::say(const QString& message)
{
    m_window.statusBar()->showMessage(message, kMessageMs);
}

void DesktopActions::refreshCurrentTab()
{
    QWidget* page = m_window.tabs()->currentWidget();
    const QString title = m_window.tabs()->tabText(m_window.tabs()->currentIndex()).remove(QLatin1Char('&'));
    if (auto* health = qobject_cast<ops::widgets::HealthPanel*>(page))
        health->refresh();
    else if (auto* sandbox = qobject_cast<ops::widgets::SandboxPanel*>(page))
        sandbox->refresh();
    else if (auto* standup = qobject_cast<ops::widgets::StandupPanel*>(page))
        standup->reload();
    else if (auto* deployments = page ? page->findChild<ops::widgets::DeploymentsPanel*>() : nullptr)
        deployments->refresh();
    else {
        say(tr("%1 is still loading: nothing to refresh yet.").arg(title));
        return;
    }
    say(tr("Reloading %1...").arg(title));
}

void DesktopActions::focusFilter()
{
    auto* sandbox = qobject_cast<ops::widgets::SandboxPanel*>(m_window.tabs()->currentWidget());
    if (!sandbox) {
        say(tr("Only the Sandbox tab has a filter (Ctrl+2, then Ctrl+F)."));
        return;
    }
    QLineEdit* text = sandbox->filterBar()->textEdit();
    text->setFocus(Qt::ShortcutFocusReason);
    text->selectAll();
}

void DesktopActions::rollBackProduction()
{
    m_window.tabs()->setCurrentIndex(int(MainWindow::Tab::Deployments));  // the user sees what is rolled back
    QWidget* page = m_window.tabs()->currentWidget();
    auto* deployments = page ? page->findChild<ops::widgets::DeploymentsPanel*>() : nullptr;
    QPushButton* button = deployments ? deployments->rollbackButton(0) : nullptr;
    if (!button) {
        say(tr("Deployments are still loading: nothing to roll back yet."));
        return;
    }
    // The button, not the panel's slot: the same confirmation and the same role, lock and
    // busy checks as a click. A disabled button's tooltip says why it is disabled.
    if (!button->isEnabled()) {
        say(tr("Cannot roll back: %1").arg(button->toolTip()));
        return;
    }
    button->click();
}

QList<QPair<QString, QString>> DesktopActions::shortcutList() const
{
    QList<QPair<QString, QString>> rows;
    std::function<void(const QList<QAction*>&)> walk = [&](const QList<QAction*>& actions) {
        for (QAction* action : actions) {
            if (action->menu())
                walk(action->menu()->actions());
            else if (!action->shortcut().isEmpty())
                rows.append({action->shortcut().toString(QKeySequence::NativeText), action->text().remove(QLatin1Char('&'))});
        }
    };
    walk(m_window.menuBar()->actions());
    return rows;
}

void DesktopActions::showShortcutDialog()
{
    QDialog dialog(&m_window);
    dialog.setWindowTitle(tr("Keyboard shortcuts"));
    auto* layout = new QVBoxLayout(&dialog);
    const QList<QPair<QString, QString>> rows = shortcutList();
    auto* table = new QTableWidget(int(rows.size()), 2, &dialog);
    table->setObjectName(QStringLiteral("shortcutTable"));
    table->setAccessibleName(tr("Keyboard shortcuts"));
    table->setHorizontalHeaderLabels({tr("Keys"), tr("Action")});
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    for (int row = 0; row < rows.size(); ++row) {
        table->setItem(row, 0, new QTableWidgetItem(rows[row].first));
        table->setItem(row, 1, new QTableWidgetItem(rows[row].second));
    }
    table->resizeColumnsToContents();
    layout->addWidget(table);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    dialog.resize(460, 420);
    dialog.exec();
}

} // namespace ops::app
