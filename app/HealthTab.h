// SPDX-License-Identifier: MIT
#pragma once

// Wires live health into the window once the database is ready: finds the project (default
// "demo") without blocking the GUI thread, puts the HealthPanel on the Health tab and starts
// this console's HealthCollector (which writes only while it holds the project's lease).

#include <QString>

namespace ops::app {

class ConsoleController;
class MainWindow;

void installHealthTab(MainWindow& window, ConsoleController& controller,
                      const QString& projectSlug = QStringLiteral("demo"));

} // namespace ops::app
