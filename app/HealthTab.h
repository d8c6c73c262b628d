// SPDX-License-Identifier: MIT
#pragma once

// Wires live health into the window once the database is ready: finds the project (default
// "demo") without blocking the GUI thread, puts the HealthPanel on the Health tab and starts
// this console's HealthCollector (which writes only while it holds the project's lease).

#include <QString>

class QObject;

namespace ops::app {

class ConsoleController;
class MainWindow;

// `selection` (default: the window) bounds the asynchronous part: when it is deleted first (the
// user switched projects meanwhile) this project's panel is never installed.
void installHealthTab(MainWindow& window, ConsoleController& controller,
                      const QString& projectSlug = QStringLiteral("demo"), QObject* selection = nullptr);

} // namespace ops::app
