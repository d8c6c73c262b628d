// SPDX-License-Identifier: MIT
#include "ConsoleController.h"

#include <QLoggingCategory>
#include <QtConcurrent/QtConcurrentRun>

Q_LOGGING_CATEGORY(lcController, "ops.app", QtInfoMsg)

namespace ops::app {

using namespace ops::services;

ConsoleController::ConsoleController(DatabaseTarget target, QObject* parent)
    : QObject(parent), m_embedded(target.embedded()), m_bootstrap(std::make_unique<DatabaseBootstrap>(std::move(target)))
{
    connect(&m_startWatcher, &QFutureWatcherBase::finished, this, [this] {
        const Result<DatabaseStatus> result = m_startWatcher.result();
        if (result)
            startPool();
        if (result && m_pool) {
            m_ready = true;
            qCInfo(lcController).noquote() << "database ready:" << result->summary();
            emit databaseReady(result.value());
        } else if (!result) {
            qCWarning(lcController).noquote() << "database failed:" << result.error().toString();
            emit databaseFailed(result.error());
        }
    });
}

void ConsoleController::startPool()
{
    // The pool goes where the bootstrap went, with the team's DB_* settings from the
    // environment (DATABASE_POOLER_URL may send units of work through a transaction pooler).
    PoolConfig base;
    base.connection = m_bootstrap->connectionOptions();
    base.direct = base.connection;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("DATABASE_URL"));  // already resolved (after --dsn) by the bootstrap
    if (m_embedded)
        environment.remove(QStringLiteral("DATABASE_POOLER_URL"));  // no pooler in front of the embedded server
    auto config = PoolConfig::fromEnvironment(environment, base);
    if (!config) {
        emit databaseFailed(config.error());
        return;
    }
    m_pool = std::make_unique<Pool>(config.value());
    m_poolMonitor = std::make_unique<PoolMonitor>(*m_pool, std::chrono::seconds(1));
}

ConsoleController::~ConsoleController()
{
    m_startWatcher.waitForFinished();
}

void ConsoleController::start()
{
    DatabaseBootstrap* bootstrap = m_bootstrap.get();
    m_startWatcher.setFuture(QtConcurrent::run([bootstrap] { return bootstrap->start(); }));
}

void ConsoleController::shutdown()
{
    m_startWatcher.waitForFinished();
    m_poolMonitor.reset();
    if (m_pool)
        m_pool->shutdown(std::chrono::seconds(10));
    m_pool.reset();
    if (auto stopped = m_bootstrap->shutdown(); !stopped)
        qCWarning(lcController).noquote() << stopped.error().toString();
}

} // namespace ops::app
