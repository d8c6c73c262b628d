// SPDX-License-Identifier: MIT
#include "ConsoleController.h"

#include <QLoggingCategory>
#include <QtConcurrent/QtConcurrentRun>

Q_LOGGING_CATEGORY(lcController, "ops.app", QtInfoMsg)

namespace ops::app {

using namespace ops::services;

ConsoleController::ConsoleController(DatabaseTarget target, QObject* parent)
    : QObject(parent), m_bootstrap(std::make_unique<DatabaseBootstrap>(std::move(target)))
{
    connect(&m_startWatcher, &QFutureWatcherBase::finished, this, [this] {
        const Result<DatabaseStatus> result = m_startWatcher.result();
        if (result) {
            m_ready = true;
            qCInfo(lcController).noquote() << "database ready:" << result->summary();
            emit databaseReady(result.value());
        } else {
            qCWarning(lcController).noquote() << "database failed:" << result.error().toString();
            emit databaseFailed(result.error());
        }
    });
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
    if (auto stopped = m_bootstrap->shutdown(); !stopped)
        qCWarning(lcController).noquote() << stopped.error().toString();
}

} // namespace ops::app
