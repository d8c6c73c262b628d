// SPDX-License-Identifier: MIT
#include "health/LoadTestRunner.h"

#include <QtConcurrent/QtConcurrentRun>

namespace ops::services {

LoadTestRunner::LoadTestRunner(QObject* parent) : QObject(parent)
{
    m_progress.setInterval(100);
    connect(&m_progress, &QTimer::timeout, this, [this] {
        if (m_engine)
            emit progressed(m_engine->completed(), m_engine->total());
    });
    connect(&m_watcher, &QFutureWatcher<Result<LoadTestResult>>::finished, this, [this] {
        m_progress.stop();
        const Result<LoadTestResult> result = m_watcher.result();
        if (result)
            emit progressed(result->completed, result->requests);
        m_engine.reset();
        emit finished(result);
    });
}

LoadTestRunner::~LoadTestRunner()
{
    if (m_engine) {
        m_engine->cancel();
        m_watcher.waitForFinished();
    }
}

bool LoadTestRunner::start(const LoadTestConfig& config)
{
    if (m_engine)
        return false;
    m_engine = std::make_shared<LoadTestEngine>(config);
    // The engine is shared with the worker: it outlives this object's reset until the run ends.
    m_watcher.setFuture(QtConcurrent::run([engine = m_engine] { return engine->run(); }));
    m_progress.start();
    emit progressed(0, config.requests);
    return true;
}

void LoadTestRunner::cancel()
{
    if (m_engine)
        m_engine->cancel();
}

} // namespace ops::services
