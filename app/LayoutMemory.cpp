// SPDX-License-Identifier: MIT
#include "LayoutMemory.h"

#include <QAbstractItemView>
#include <QEvent>
#include <QGuiApplication>
#include <QHeaderView>
#include <QMainWindow>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QTimer>

namespace ops::app {

namespace {

const char* const kTracked = "ops.layoutTracked";
const char* const kUserLayout = "ops.userLayout";
const QString kStateKey = QStringLiteral("layout/window/state");
const QString kTabKey = QStringLiteral("layout/window/tab");

} // namespace

LayoutMemory::LayoutMemory(QMainWindow& window, QTabWidget& tabs) : QObject(&window), m_window(window), m_tabs(tabs)
{
    QSettings settings;
    m_window.restoreState(settings.value(kStateKey).toByteArray());
    const int tab = settings.value(kTabKey, 0).toInt();
    if (tab >= 0 && tab < m_tabs.count())
        m_tabs.setCurrentIndex(tab);
    // A rebuild (removeTab/insertTab) moves the current index for a moment and ends where it was,
    // so the last value saved is the user's choice.
    connect(&m_tabs, &QTabWidget::currentChanged, this, [](int index) { QSettings().setValue(kTabKey, index); });
    // Show events of every widget reach the application's filter: views created later (a project
    // switch, a sub-tab opened for the first time) are found without the panels' help.
    qApp->installEventFilter(this);
}

QString LayoutMemory::headerKey(const QHeaderView* header)
{
    const auto* view = qobject_cast<const QAbstractItemView*>(header->parentWidget());
    if (!view || view->objectName().isEmpty())
        return {};
    return QStringLiteral("layout/header/%1/%2")
        .arg(view->objectName(), header->orientation() == Qt::Horizontal ? QStringLiteral("columns") : QStringLiteral("rows"));
}

QString LayoutMemory::splitterKey(const QSplitter* splitter)
{
    return splitter->objectName().isEmpty() ? QString() : QStringLiteral("layout/splitter/%1").arg(splitter->objectName());
}

bool LayoutMemory::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::Show && watched->isWidgetType() && !watched->property(kTracked).toBool()) {
        auto* widget = static_cast<QWidget*>(watched);
        if (widget->window() == &m_window) {
            if (auto* header = qobject_cast<QHeaderView*>(widget))
                track(header);
            else if (auto* splitter = qobject_cast<QSplitter*>(widget))
                track(splitter);
        }
    } else if (watched == &m_window && event->type() == QEvent::Close) {
        saveWindow();
    }
    return false;
}

void LayoutMemory::track(QHeaderView* header)
{
    header->setProperty(kTracked, true);
    const QString key = headerKey(header);
    if (key.isEmpty() || header->orientation() != Qt::Horizontal)
        return;  // row headers follow the data
    auto save = [header, key] {
        if (QGuiApplication::mouseButtons() != Qt::NoButton)  // a drag: from now on the user's widths win
            header->setProperty(kUserLayout, true);
        QSettings().setValue(key, header->saveState());
    };
    auto restoreThenFollow = [header, key, save] {
        const QByteArray state = QSettings().value(key).toByteArray();
        if (!state.isEmpty() && header->restoreState(state))
            header->setProperty(kUserLayout, true);
        QObject::connect(header, &QHeaderView::sectionResized, header, save);
        QObject::connect(header, &QHeaderView::sectionMoved, header, save);
        QObject::connect(header, &QHeaderView::sortIndicatorChanged, header, save);
    };
    if (header->count() > 0) {
        restoreThenFollow();
        return;
    }
    // No columns yet (the model comes with the data): restore once they exist, after the view
    // has finished setting them up.
    auto* once = new QObject(header);
    connect(header, &QHeaderView::sectionCountChanged, once, [once, header, restoreThenFollow](int, int count) {
        if (count <= 0)
            return;
        QTimer::singleShot(0, header, restoreThenFollow);
        delete once;  // restore once (Qt keeps this call's lambda alive until it returns)
    });
}

void LayoutMemory::track(QSplitter* splitter)
{
    splitter->setProperty(kTracked, true);
    const QString key = splitterKey(splitter);
    if (key.isEmpty())
        return;
    splitter->restoreState(QSettings().value(key).toByteArray());
    connect(splitter, &QSplitter::splitterMoved, splitter, [splitter, key] { QSettings().setValue(key, splitter->saveState()); });
}

void LayoutMemory::saveWindow()
{
    QSettings settings;
    settings.setValue(kStateKey, m_window.saveState());
    settings.setValue(kTabKey, m_tabs.currentIndex());
}

} // namespace ops::app
