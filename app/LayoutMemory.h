// SPDX-License-Identifier: MIT
#pragma once

// LayoutMemory: the window remembers how the user arranged it, across project switches (which
// rebuild every tab) and restarts. Kept in QSettings under layout/:
// - the window's toolbars and docks (QMainWindow::saveState) and the selected tab;
// - every table's or tree's header (column widths, order, sort) keyed by the view's objectName;
// - every splitter's sizes keyed by its objectName.
// Views and splitters are picked up when first shown, wherever and whenever a panel creates them,
// so panels need no code for it: only an objectName (unnamed ones are not remembered). Headers
// are restored once they have columns (a model set later counts), and saved on every change.
// A restored header is marked with the property "ops.userLayout" so a panel's "fit columns to
// contents" leaves the user's widths alone (widgets/common/ColumnFit). GUI thread only.

#include <QObject>

class QHeaderView;
class QMainWindow;
class QSplitter;
class QTabWidget;

namespace ops::app {

class LayoutMemory final : public QObject {
    Q_OBJECT
public:
    LayoutMemory(QMainWindow& window, QTabWidget& tabs);

    static QString headerKey(const QHeaderView* header);      // empty: not remembered
    static QString splitterKey(const QSplitter* splitter);    // empty: not remembered

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void track(QHeaderView* header);
    void track(QSplitter* splitter);
    void saveWindow();

    QMainWindow& m_window;
    QTabWidget& m_tabs;
};

} // namespace ops::app
