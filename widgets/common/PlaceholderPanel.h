// SPDX-License-Identifier: MIT
#pragma once

// PlaceholderPanel: a tab that says plainly what it will show once its feature lands.
// GUI thread only.

#include <QWidget>

namespace ops::widgets {

class PlaceholderPanel final : public QWidget {
    Q_OBJECT
public:
    PlaceholderPanel(const QString& title, const QString& description, QWidget* parent = nullptr);
};

} // namespace ops::widgets
