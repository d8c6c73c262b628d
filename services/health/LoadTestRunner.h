// SPDX-License-Identifier: MIT
#pragma once

// LoadTestRunner: runs one LoadTestEngine at a time off the calling thread and reports to it by
// signals, so the GUI thread never blocks. Lives on the thread that created it (the GUI thread in
// the tab); the engine runs on a worker of Qt's global thread pool and spawns its own socket
// threads. Progress is sampled every 100 ms (not per request: a fast run would flood the event
// loop). Destroying a running runner cancels the run and waits for it (at most ~50 ms).

#include "health/LoadTest.h"

#include <QFutureWatcher>
#include <QObject>
#include <QTimer>

#include <memory>

namespace ops::services {

class LoadTestRunner final : public QObject {
    Q_OBJECT
public:
    explicit LoadTestRunner(QObject* parent = nullptr);
    ~LoadTestRunner() override;

    // Starts a run; false (and nothing happens) when one is already running.
    bool start(const LoadTestConfig& config);
    void cancel();
    bool isRunning() const { return m_engine != nullptr; }

signals:
    void progressed(qint64 completed, qint64 total);
    // Bad input or an unresolvable host arrive here as an error; a cancelled run as a result
    // with cancelled = true.
    void finished(const ops::services::Result<ops::services::LoadTestResult>& result);

private:
    std::shared_ptr<LoadTestEngine> m_engine;
    QFutureWatcher<Result<LoadTestResult>> m_watcher;
    QTimer m_progress;
};

} // namespace ops::services
