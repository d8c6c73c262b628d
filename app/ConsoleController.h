// SPDX-License-Identifier: MIT
#pragma once

// ConsoleController: owns the console's services and runs their blocking start-up and shut-down
// on worker threads, reporting back on the GUI thread by signals. Lives on the GUI thread.

#include "db/DatabaseBootstrap.h"
#include "db/Pool.h"
#include "db/PoolMonitor.h"

#include <QFutureWatcher>
#include <QObject>

#include <memory>

namespace ops::app {

class ConsoleController final : public QObject {
    Q_OBJECT
public:
    explicit ConsoleController(ops::services::DatabaseTarget target, QObject* parent = nullptr);
    ~ConsoleController() override;

    // Starts the database (embedded or external) and applies migrations, off the GUI thread.
    void start();
    // Blocking: called after the event loop has ended, when no window is left to freeze.
    void shutdown();
    bool isReady() const { return m_ready; }
    // The pool every feature uses; null until databaseReady.
    ops::services::Pool* pool() const { return m_pool.get(); }
    ops::services::PoolMonitor* poolMonitor() const { return m_poolMonitor.get(); }

signals:
    void databaseReady(const ops::services::DatabaseStatus& status);
    void databaseFailed(const ops::services::Error& error);

private:
    void startPool();

    bool m_embedded = true;
    std::unique_ptr<ops::services::DatabaseBootstrap> m_bootstrap;
    std::unique_ptr<ops::services::Pool> m_pool;
    std::unique_ptr<ops::services::PoolMonitor> m_poolMonitor;
    QFutureWatcher<ops::services::Result<ops::services::DatabaseStatus>> m_startWatcher;
    bool m_ready = false;
};

} // namespace ops::app
