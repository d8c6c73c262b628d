// SPDX-License-Identifier: MIT
#pragma once

// SettingsPage: one page of the settings dialog. It validates as you type (isValid(), with the
// reasons shown on the page itself) and applies its changes when the dialog's OK or Apply is
// pressed; pages that write to the database do so asynchronously and call `done` on the GUI
// thread with an empty string on success or the reason it failed.

#include <QWidget>

#include <functional>

namespace ops::widgets {

class SettingsPage : public QWidget {
    Q_OBJECT
public:
    using QWidget::QWidget;

    virtual QString title() const = 0;
    virtual bool isValid() const = 0;
    virtual void apply(std::function<void(const QString& error)> done) = 0;

signals:
    void validityChanged();
};

} // namespace ops::widgets
