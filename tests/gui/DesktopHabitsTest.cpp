// SPDX-License-Identifier: MIT
// Desktop habits on the real window with every tab loaded from a real database (issue 9):
// shortcuts that survive a project switch, Ctrl+R through the rollback button's own checks,
// an accessible name on every control, the dark theme reaching widgets and charts, layouts
// remembered across a rebuild and a restart, and the tray's status colour.
#include "ConsoleWindowFixture.h"
#include "DesktopActions.h"
#include "HealthAlertTray.h"
#include "MainWindow.h"
#include "ProjectScope.h"
#include "TestCluster.h"
#include "Wait.h"
#include "ThemeController.h"
#include "deployments/DeploymentsPanel.h"
#include "deployments/EnvironmentCard.h"
#include "health/HealthPanel.h"
#include "health/MetricChart.h"
#include "common/SecretPromptDialog.h"
#include "common/SecretStore.h"
#include "projects/ProjectAdminDialog.h"
#include "sandbox/SandboxPanel.h"
#include "sandbox/ViolationFilterBar.h"
#include "standup/StandupPanel.h"

#include <QAbstractButton>
#include <QAbstractSpinBox>
#include <QAction>
#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <QValueAxis>

#include <gtest/gtest.h>

using namespace ops::app;
using namespace ops::services;
using ops::testing::TestCluster;

namespace {

// WCAG's contrast ratio of two colours (1 .. 21); 4.5 is the bar for body text.
double contrast(const QColor& a, const QColor& b)
{
    auto luminance = [](const QColor& c) {
        auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
    };
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

// "MainWindow > QTabWidget > ... > QLineEdit(objectName)": where a failing widget lives.
std::string pathOf(const QWidget* widget)
{
    QStringList parts;
    for (const QWidget* w = widget; w; w = w->parentWidget())
        parts.prepend(QString::fromLatin1(w->metaObject()->className())
                      + (w->objectName().isEmpty() ? QString() : QStringLiteral("(%1)").arg(w->objectName())));
    return parts.join(QStringLiteral(" > ")).toStdString();
}

// Parts of a composite control (a combo box's line edit, a spin box's editor, scroll bars, the
// tab bar's scroll buttons, a line edit's clear button, a table's corner button): the control
// itself carries the name.
bool isPartOfAComposite(const QWidget* widget)
{
    for (const QWidget* w = widget->parentWidget(); w; w = w->parentWidget())
        if (qobject_cast<const QComboBox*>(w) || qobject_cast<const QAbstractSpinBox*>(w) || qobject_cast<const QTabBar*>(w)
            || qobject_cast<const QLineEdit*>(w) || qobject_cast<const QAbstractItemView*>(w)
            || qobject_cast<const QScrollBar*>(w) || qobject_cast<const QHeaderView*>(w))
            return true;
    if (widget->objectName().startsWith(QLatin1String("qt_")))  // Qt's own helpers (viewports, extension buttons)
        return true;
    // An item view's viewport and a scroll area's corner are reached through the view.
    const auto* area = qobject_cast<const QAbstractScrollArea*>(widget->parentWidget());
    return area && area->viewport() == widget;
}

bool isInteractive(const QWidget* widget)
{
    if (qobject_cast<const QScrollBar*>(widget) || qobject_cast<const QHeaderView*>(widget) || qobject_cast<const QTabBar*>(widget)
        || qobject_cast<const QMenu*>(widget) || qobject_cast<const QSplitterHandle*>(widget) || qobject_cast<const QLabel*>(widget))
        return false;
    // A tab widget is reached through its tab bar, whose tabs show their titles.
    if (qobject_cast<const QTabWidget*>(widget))
        return false;
    return widget->focusPolicy() != Qt::NoFocus || qobject_cast<const QAbstractButton*>(widget);
}

// Every interactive control under `root` has an accessible name, a buddy label or visible text;
// each one that does not fails the test with its path. Returns how many controls were checked.
int expectEveryControlNamed(QWidget* root)
{
    QSet<const QWidget*> labelled;
    for (const QLabel* label : root->findChildren<QLabel*>())
        if (label->buddy())
            labelled.insert(label->buddy());
    int checked = 0;
    for (QWidget* widget : root->findChildren<QWidget*>()) {
        if (!isInteractive(widget) || isPartOfAComposite(widget))
            continue;
        ++checked;
        const auto* button = qobject_cast<QAbstractButton*>(widget);
        const auto* box = qobject_cast<QGroupBox*>(widget);
        const bool named = !widget->accessibleName().trimmed().isEmpty() || labelled.contains(widget)
                           || (button && !button->text().remove(QLatin1Char('&')).trimmed().isEmpty())
                           || (box && !box->title().trimmed().isEmpty());
        EXPECT_TRUE(named) << "no accessible name, buddy label or visible text: " << pathOf(widget);
    }
    return checked;
}

class DesktopHabitsTest : public ConsoleWindowFixture {
protected:
    void SetUp() override
    {
        clearRememberedSettings();
        ConsoleWindowFixture::SetUp();
    }

    void TearDown() override
    {
        closeConsole();
        ConsoleWindowFixture::TearDown();
        clearRememberedSettings();
        // The theme is application-wide: the next test starts on the platform's.
        ThemeController().setMode(ThemeController::Mode::System);
        QSettings().remove(QStringLiteral("appearance"));
    }

    static void clearRememberedSettings()
    {
        for (const QString& key : {QStringLiteral("project/current"), QStringLiteral("layout"), QStringLiteral("appearance")})
            QSettings().remove(key);
    }

    QString member(const QString& role, bool inBeta = false) { return ConsoleWindowFixture::member(role, QStringLiteral("desk"), inBeta); }

    // Starts the console as `login` (a new window: a restart as far as the window knows) and
    // waits until all four tabs show their panels.
    ProjectScope& startConsoleAs(const QString& login)
    {
        ProjectScope& scope = openConsoleAs(login);
        EXPECT_TRUE(ops::testing::waitFor([&] { return health() != nullptr; })) << "the Health tab never loaded";
        m_window->show();
        m_window->activateWindow();
        EXPECT_TRUE(QTest::qWaitForWindowActive(m_window.get()));
        return scope;
    }

    void closeConsole()
    {
        if (m_window)
            m_window->close();  // saves what the user arranged, as at quit
        m_window.reset();
    }

    QWidget* tab(MainWindow::Tab t) const { return m_window->tabs()->widget(int(t)); }
    ops::widgets::HealthPanel* health() const { return qobject_cast<ops::widgets::HealthPanel*>(tab(MainWindow::Tab::Health)); }
    ops::widgets::SandboxPanel* sandbox() const { return qobject_cast<ops::widgets::SandboxPanel*>(tab(MainWindow::Tab::Sandbox)); }
    ops::widgets::StandupPanel* standup() const { return qobject_cast<ops::widgets::StandupPanel*>(tab(MainWindow::Tab::Standup)); }
    ops::widgets::DeploymentsPanel* deployments() const
    {
        return tab(MainWindow::Tab::Deployments)->findChild<ops::widgets::DeploymentsPanel*>();
    }
    DesktopActions* actions() const { return m_window->findChild<DesktopActions*>(); }

    void press(QKeySequence keys) { QTest::keySequence(m_window.get(), keys); }

    // Production's rollback button, once the Deployments tab has its panel.
    QPushButton* rollbackButton()
    {
        EXPECT_TRUE(ops::testing::waitFor([&] { return deployments() != nullptr; })) << "the Deployments tab never loaded";
        return deployments() ? deployments()->rollbackButton(0) : nullptr;
    }
};

} // namespace

TEST_F(DesktopHabitsTest, ShortcutsSwitchTabsFilterAndRefreshAndSurviveAProjectSwitch)
{
    ProjectScope& scope = startConsoleAs(member(QStringLiteral("ops_operator"), true));
    QTabWidget* tabs = m_window->tabs();
    for (int index : {3, 1, 2, 0}) {
        press(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + index)));
        EXPECT_EQ(tabs->currentIndex(), index);
    }

    // Ctrl+F elsewhere explains; on the Sandbox tab it puts the cursor in the filter's text.
    press(QKeySequence(Qt::CTRL | Qt::Key_F));
    EXPECT_TRUE(m_window->statusBar()->currentMessage().contains(QStringLiteral("Sandbox"))) << m_window->statusBar()->currentMessage().toStdString();
    press(QKeySequence(Qt::CTRL | Qt::Key_2));
    press(QKeySequence(Qt::CTRL | Qt::Key_F));
    EXPECT_EQ(QApplication::focusWidget(), sandbox()->filterBar()->textEdit());

    // F5 reloads the current tab: the Standup panel reads its day again.
    press(QKeySequence(Qt::CTRL | Qt::Key_4));
    ASSERT_TRUE(standup());
    QSignalSpy reloaded(standup(), &ops::widgets::StandupPanel::loaded);
    (void)QTest::qWaitFor([&] { return false; }, 300);  // let the first load finish
    reloaded.clear();
    press(QKeySequence(Qt::Key_F5));
    EXPECT_TRUE(ops::testing::waitFor([&] { return reloaded.count() >= 1; })) << "F5 did not reload the Standup tab";

    // Another project rebuilds every panel; the shortcuts reach the new ones.
    QSignalSpy installed(&scope, &ProjectScope::projectInstalled);
    scope.selectProject(QStringLiteral("beta"));
    ASSERT_EQ(installed.count(), 1);
    press(QKeySequence(Qt::CTRL | Qt::Key_2));
    ASSERT_EQ(tabs->currentIndex(), 1);
    press(QKeySequence(Qt::CTRL | Qt::Key_F));
    EXPECT_EQ(QApplication::focusWidget(), sandbox()->filterBar()->textEdit());

    // Help > Keyboard shortcuts lists them, the window's own Quit included.
    QStringList listed;
    for (const auto& [keys, what] : actions()->shortcutList())
        listed << keys + QLatin1Char(' ') + what;
    for (const char* expected : {"Ctrl+1 Health", "Ctrl+4 Standup", "F5 Refresh this tab", "Ctrl+F Filter...", "Ctrl+R Roll back production..."})
        EXPECT_TRUE(listed.contains(QString::fromLatin1(expected))) << expected << " not in " << listed.join(QStringLiteral(", ")).toStdString();
    const QKeySequence quit(QKeySequence::Quit);  // the platform's: none on the offscreen one
    if (!quit.isEmpty())
        EXPECT_TRUE(listed.contains(QStringLiteral("%1 Quit").arg(quit.toString(QKeySequence::NativeText))));
}

TEST_F(DesktopHabitsTest, CtrlRGoesThroughTheRollbackButtonsConfirmationAndChecks)
{
    startConsoleAs(member(QStringLiteral("ops_operator")));
    QPushButton* button = rollbackButton();
    ASSERT_TRUE(button);
    // Production's demo history ends in a failed build: an operator may roll it back.
    ASSERT_TRUE(ops::testing::waitFor([&] { return button->isEnabled(); }))
        << button->toolTip().toStdString() << " / " << deployments()->statusText(0).toStdString();
    QStringList asked;
    deployments()->setConfirm([&](QWidget*, const RolloutPlan& plan, QString*, QString*) {
        asked << plan.sentence();
        return false;  // declined: nothing runs
    });

    // While the panel is busy the button is disabled: Ctrl+R starts nothing and says why.
    QSignalSpy refreshed(deployments(), &ops::widgets::DeploymentsPanel::refreshed);
    deployments()->refresh();
    ASSERT_FALSE(button->isEnabled());
    m_window->tabs()->setCurrentIndex(0);
    press(QKeySequence(Qt::CTRL | Qt::Key_R));
    EXPECT_EQ(m_window->tabs()->currentIndex(), int(MainWindow::Tab::Deployments)) << "Ctrl+R shows what it is about";
    const QString said = m_window->statusBar()->currentMessage();
    EXPECT_EQ(said, QStringLiteral("Cannot roll back: %1").arg(button->toolTip()));
    EXPECT_FALSE(button->toolTip().isEmpty());
    ASSERT_TRUE(ops::testing::waitFor([&] { return refreshed.count() >= 1; }));
    EXPECT_TRUE(asked.isEmpty());

    // Enabled again: Ctrl+R asks the same confirmation as a click, with the planned rollback.
    ASSERT_TRUE(button->isEnabled()) << button->toolTip().toStdString();
    m_window->tabs()->setCurrentIndex(0);
    press(QKeySequence(Qt::CTRL | Qt::Key_R));
    EXPECT_EQ(m_window->tabs()->currentIndex(), int(MainWindow::Tab::Deployments));
    EXPECT_TRUE(ops::testing::waitFor([&] { return !asked.isEmpty(); })) << "Ctrl+R never asked for confirmation";
    ASSERT_EQ(asked.size(), 1);
    EXPECT_TRUE(asked.first().contains(QStringLiteral("production"))) << asked.first().toStdString();
}

TEST_F(DesktopHabitsTest, EveryInteractiveControlHasAnAccessibleName)
{
    startConsoleAs(member(QStringLiteral("ops_admin")));
    // Visit every tab and sub-tab: some panels build their views when first shown or loaded.
    QTabWidget* tabs = m_window->tabs();
    ASSERT_TRUE(ops::testing::waitFor([&] { return sandbox() && sandbox()->charts() && sandbox()->isolationCheck(); }));
    for (int index = 0; index < tabs->count(); ++index) {
        tabs->setCurrentIndex(index);
        for (QTabWidget* inner : tabs->widget(index)->findChildren<QTabWidget*>())
            for (int page = 0; page < inner->count(); ++page)
                inner->setCurrentIndex(page);
        QTest::qWait(50);
    }

    const int checked = expectEveryControlNamed(m_window.get());
    EXPECT_GT(checked, 40) << "the walk found too few controls to mean anything";

    // The dialogs the window opens.
    ops::widgets::ProjectAdminDialog admin(*m_controller->pool(), QStringLiteral("admin"));
    EXPECT_GT(expectEveryControlNamed(&admin), 5);
    ops::widgets::SecretPromptDialog secret;
    EXPECT_GT(expectEveryControlNamed(&secret), 2);
}

TEST_F(DesktopHabitsTest, TheDarkThemeReachesWidgetsAndChartsAndTextStaysReadable)
{
    startConsoleAs(member(QStringLiteral("ops_viewer")));
    ThemeController* theme = actions()->theme();
    ops::widgets::MetricChart* chart = health()->chart(QStringLiteral("latency"));
    ASSERT_TRUE(chart);
    const QColor lightChartBackground = chart->chart()->backgroundBrush().color();
    ASSERT_FALSE(ThemeController::isDark()) << "the offscreen platform starts light";

    QSignalSpy changed(theme, &ThemeController::themeChanged);
    actions()->action(QStringLiteral("theme_dark"))->trigger();
    ASSERT_GE(changed.count(), 1);
    EXPECT_TRUE(changed.last().at(0).toBool());
    EXPECT_TRUE(ThemeController::isDark());
    EXPECT_EQ(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
    EXPECT_EQ(QSettings().value(QStringLiteral("appearance/theme")).toString(), QStringLiteral("dark"));

    QTest::qWait(50);  // the widgets take the new palette as the event loop turns
    // Widgets: the palette they draw with is dark, and their text reads on it.
    QLineEdit* filter = sandbox()->filterBar()->textEdit();
    EXPECT_LT(filter->palette().color(QPalette::Base).lightness(), 80);
    EXPECT_GT(contrast(filter->palette().color(QPalette::Text), filter->palette().color(QPalette::Base)), 7.0);
    EXPECT_GT(contrast(m_window->palette().color(QPalette::WindowText), m_window->palette().color(QPalette::Window)), 7.0);

    // Charts: background, title and axis labels follow; the labels read on the background.
    const QColor background = chart->chart()->backgroundBrush().color();
    EXPECT_NE(background, lightChartBackground);
    EXPECT_LT(background.lightness(), 80);
    EXPECT_GT(contrast(chart->chart()->titleBrush().color(), background), 7.0);
    for (QAbstractAxis* axis : chart->chart()->axes())
        EXPECT_GT(contrast(axis->labelsColor(), background), 7.0);

    // Back to the system's: light again, and remembered.
    actions()->action(QStringLiteral("theme_system"))->trigger();
    EXPECT_FALSE(ThemeController::isDark());
    QTest::qWait(50);
    EXPECT_GT(chart->chart()->backgroundBrush().color().lightness(), 180);
    EXPECT_EQ(QSettings().value(QStringLiteral("appearance/theme")).toString(), QStringLiteral("system"));
}

TEST_F(DesktopHabitsTest, ColumnWidthsSplittersAndTheTabAreRestoredAfterARebuildAndARestart)
{
    ProjectScope& scope = startConsoleAs(member(QStringLiteral("ops_operator"), true));
    press(QKeySequence(Qt::CTRL | Qt::Key_2));
    QTableView* table = sandbox()->table();
    ASSERT_EQ(table->objectName(), QStringLiteral("violationTable"));
    ASSERT_TRUE(ops::testing::waitFor([&] { return table->horizontalHeader()->count() > 3; }));
    QTest::qWait(50);  // the restore of a header that got its columns late is queued
    table->horizontalHeader()->resizeSection(2, 271);
    auto* splitter = sandbox()->findChild<QSplitter*>(QStringLiteral("sandboxEventsSplitter"));
    ASSERT_TRUE(splitter);
    splitter->setSizes({300, 123});
    emit splitter->splitterMoved(300, 1);  // what a drag of the handle sends
    const QList<int> sizes = splitter->sizes();

    // A project switch rebuilds the panel: the new table and splitter look the same.
    QSignalSpy installed(&scope, &ProjectScope::projectInstalled);
    scope.selectProject(QStringLiteral("beta"));
    ASSERT_EQ(installed.count(), 1);
    EXPECT_EQ(m_window->tabs()->currentIndex(), 1);
    QTableView* rebuilt = sandbox()->table();
    ASSERT_NE(rebuilt, table);
    EXPECT_TRUE(ops::testing::waitFor([&] { return rebuilt->horizontalHeader()->sectionSize(2) == 271; }))
        << rebuilt->horizontalHeader()->sectionSize(2);
    EXPECT_EQ(sandbox()->findChild<QSplitter*>(QStringLiteral("sandboxEventsSplitter"))->sizes(), sizes);

    // A restart: a new window opens on the same tab with the same columns.
    closeConsole();
    startConsoleAs(QString());
    EXPECT_EQ(m_window->tabs()->currentIndex(), 1);
    ASSERT_TRUE(sandbox());
    EXPECT_TRUE(ops::testing::waitFor([&] { return sandbox()->table()->horizontalHeader()->sectionSize(2) == 271; }))
        << sandbox()->table()->horizontalHeader()->sectionSize(2);
}

TEST(HealthAlertTrayStatusTest, TheIconFollowsTheOverallStatus)
{
    using Status = HealthAlertTray::Status;
    EXPECT_EQ(HealthAlertTray::statusFrom(QStringLiteral("healthy"), QStringLiteral("CLOSED")), Status::Healthy);
    EXPECT_EQ(HealthAlertTray::statusFrom(QStringLiteral("degraded"), QStringLiteral("CLOSED")), Status::Degraded);
    EXPECT_EQ(HealthAlertTray::statusFrom(QStringLiteral("healthy"), QStringLiteral("HALF_OPEN")), Status::Degraded);
    EXPECT_EQ(HealthAlertTray::statusFrom(QStringLiteral("unhealthy"), QStringLiteral("CLOSED")), Status::Down);
    EXPECT_EQ(HealthAlertTray::statusFrom(QStringLiteral("healthy"), QStringLiteral("OPEN")), Status::Down);
    EXPECT_EQ(HealthAlertTray::statusFrom(QString(), QString()), Status::Unknown);

    HealthAlertTray tray;
    auto centre = [&] { return tray.icon().pixmap(32, 32).toImage().pixelColor(16, 16); };
    EXPECT_EQ(centre(), HealthAlertTray::colourFor(Status::Unknown));
    tray.showStatus(QStringLiteral("healthy"), QStringLiteral("CLOSED"));
    EXPECT_EQ(centre(), HealthAlertTray::colourFor(Status::Healthy));
    tray.showStatus(QStringLiteral("healthy"), QStringLiteral("OPEN"));
    EXPECT_EQ(centre(), HealthAlertTray::colourFor(Status::Down));
    EXPECT_TRUE(tray.toolTip().contains(QStringLiteral("circuit open")));
    // Four colours a glance tells apart.
    QSet<QRgb> colours;
    for (Status s : {Status::Unknown, Status::Healthy, Status::Degraded, Status::Down})
        colours.insert(HealthAlertTray::colourFor(s).rgb());
    EXPECT_EQ(colours.size(), 4);
}
