// SPDX-License-Identifier: MIT
#pragma once

// Fitting columns to their contents after new data, unless the user arranged them: the app's
// layout memory marks a header whose widths came from the user (restored from the settings or
// dragged) with the property "ops.userLayout", and those widths are left alone.

#include <QHeaderView>
#include <QTableView>

namespace ops::widgets {

inline void fitColumnsUnlessArranged(QTableView* view)
{
    if (!view->horizontalHeader()->property("ops.userLayout").toBool())
        view->resizeColumnsToContents();
}

} // namespace ops::widgets
