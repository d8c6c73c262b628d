// SPDX-License-Identifier: MIT
#include "commands/HeadlessSession.h"

#include "ConsoleController.h"
#include "db/Connection.h"
#include "db/Projects.h"
#include "common/SecretStore.h"

#include <QEventLoop>
#include <QTimer>

namespace ops::app {

using namespace ops::services;

std::optional<QByteArray> waitForSecret(SecretStore& secrets, const QString& name, std::chrono::milliseconds limit)
{
    if (auto value = secrets.cached(name))
        return value;
    QEventLoop loop;
    std::optional<QByteArray> found;
    secrets.load(name, &loop, [&](std::optional<QByteArray> value) {
        found = std::move(value);
        loop.quit();
    });
    QTimer::singleShot(limit, &loop, &QEventLoop::quit);
    loop.exec();
    return found;
}

QByteArray storedDatabasePassword(const AppOptions& options, SecretStore& secrets)
{
    const DatabaseTarget target = options.databaseTarget();
    if (!target.wantsStoredPassword())
        return {};
    return waitForSecret(secrets, target.passwordSecret).value_or(QByteArray());
}

Result<std::unique_ptr<HeadlessSession>> HeadlessSession::open(const AppOptions& options)
{
    std::unique_ptr<HeadlessSession> session(new HeadlessSession);
    const DatabaseTarget target = options.databaseTarget();
    session->m_bootstrap = std::make_unique<DatabaseBootstrap>(target);
    auto started = session->m_bootstrap->start();
    if (!started)
        return started.error();
    session->m_status = started.value();
    auto config = ConsoleController::poolConfigFor(session->m_bootstrap->connectionOptions(), target.embedded());
    if (!config)
        return config.error();
    session->m_directOptions = config->direct;
    session->m_pool = std::make_unique<Pool>(config.value());
    return session;
}

HeadlessSession::~HeadlessSession()
{
    if (m_pool)
        m_pool->shutdown(std::chrono::seconds(10));
    m_pool.reset();
    if (m_bootstrap)
        (void)m_bootstrap->shutdown();
}

Result<qint64> HeadlessSession::projectId(const QString& slug)
{
    return m_pool->withClient(QStringLiteral("project id"), [&](Connection& connection) { return projectIdBySlug(connection, slug); },
                              CallOptions::idempotentUnit());
}

} // namespace ops::app
