// SPDX-License-Identifier: MIT
#include "ConsoleController.h"
#include "db/DbError.h"
#include "db/Projects.h"
#include "plan/DemoPlans.h"

#include <QLoggingCategory>
#include <QtConcurrent/QtConcurrentRun>

Q_LOGGING_CATEGORY(lcController, "ops.app", QtInfoMsg)

namespace ops::app {

using namespace ops::services;

ConsoleController::ConsoleController(DatabaseTarget target, SecretStore& secrets, QObject* parent)
    : QObject(parent), m_embedded(target.embedded()), m_secrets(secrets), m_passwordSecret(target.passwordSecret)
{
    const bool wantsStoredPassword = target.wantsStoredPassword();
    m_bootstrap = std::make_unique<DatabaseBootstrap>(std::move(target));
    m_passwordAsked = !wantsStoredPassword;  // a password in the string or PGPASSWORD: never ask over it
    connect(&m_startWatcher, &QFutureWatcherBase::finished, this, [this] {
        const Result<DatabaseStatus> result = m_startWatcher.result();
        if (!result && dberror::isPasswordRequired(result.error()) && !m_passwordAsked) {
            m_passwordAsked = true;
            m_passwordRefusal = result.error();
            qCInfo(lcController).noquote() << "the database wants a password:" << result.error().message;
            emit passwordNeeded(result.error());
            return;
        }
        if (result && !m_passwordToStore.isEmpty()) {
            m_secrets.store(m_passwordSecret, m_passwordToStore, this);
            m_passwordToStore.clear();
        }
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

Result<PoolConfig> ConsoleController::poolConfigFor(const ConnectionOptions& database, bool embedded)
{
    PoolConfig base;
    base.connection = database;
    base.direct = base.connection;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("DATABASE_URL"));  // already resolved (after --dsn) by the bootstrap
    if (embedded)
        environment.remove(QStringLiteral("DATABASE_POOLER_URL"));  // no pooler in front of the embedded server
    return PoolConfig::fromEnvironment(environment, base);
}

void ConsoleController::startPool()
{
    auto config = poolConfigFor(m_bootstrap->connectionOptions(), m_embedded);
    if (!config) {
        emit databaseFailed(config.error());
        return;
    }
    m_directOptions = config->direct;
    m_pool = std::make_unique<Pool>(config.value());
    m_poolMonitor = std::make_unique<PoolMonitor>(*m_pool, std::chrono::seconds(1));
    if (m_embedded) {
        startDemoPlatform();
        importDemoPlans();
    }
}

void ConsoleController::importDemoPlans()
{
    // A new user's Standup tab shows a plan at once; a project that already has one is left alone.
    // The panel hears the import through NOTIFY ops_standup, so nobody waits for this.
    m_pool->inTransactionAsync(QStringLiteral("POST /plans/demo"), [](Connection& connection) -> Result<int> {
        auto project = projectIdBySlug(connection, QStringLiteral("demo"));
        if (!project)
            return project.error();
        return plan::DemoPlans::importIfNone(connection, *project);
    }).then(this, [](Result<int> imported) {
        if (!imported)
            qCWarning(lcController).noquote() << "demo plans not imported:" << imported.error().toString();
        else if (*imported > 0)
            qCInfo(lcController) << "imported" << *imported << "demo plans";
    });
}

void ConsoleController::startDemoPlatform()
{
    // The embedded default shows every panel alive: a platform on loopback to monitor and roll back.
    auto demo = std::make_unique<DemoPlatform>();
    if (auto started = demo->start(); !started) {
        qCWarning(lcController).noquote() << "demo platform did not start:" << started.error().toString();
        return;
    }
    qCInfo(lcController).noquote() << "demo platform at" << demo->baseUrl();
    m_demo = std::move(demo);
}

ConsoleController::~ConsoleController()
{
    m_startWatcher.waitForFinished();
}

void ConsoleController::start()
{
    if (m_passwordAsked) {  // embedded, or the password is in the string or PGPASSWORD
        startBootstrap();
        return;
    }
    // The keyring answers asynchronously; the bootstrap starts once it has (found or not).
    m_secrets.load(m_passwordSecret, this, [this](std::optional<QByteArray> password) {
        if (password)
            m_bootstrap->setPassword(*password);
        startBootstrap();
    });
}

void ConsoleController::retryWithPassword(const QByteArray& password, bool rememberInKeyring)
{
    m_secrets.remember(m_passwordSecret, password);
    m_passwordToStore = rememberInKeyring ? password : QByteArray();
    m_bootstrap->setPassword(password);
    startBootstrap();
}

void ConsoleController::declinePassword()
{
    qCWarning(lcController).noquote() << "database failed:" << m_passwordRefusal.toString();
    emit databaseFailed(m_passwordRefusal);
}

void ConsoleController::startBootstrap()
{
    DatabaseBootstrap* bootstrap = m_bootstrap.get();
    m_startWatcher.setFuture(QtConcurrent::run([bootstrap] { return bootstrap->start(); }));
}

void ConsoleController::shutdown()
{
    m_startWatcher.waitForFinished();
    m_poolMonitor.reset();
    m_demo.reset();
    if (m_pool)
        m_pool->shutdown(std::chrono::seconds(10));
    m_pool.reset();
    if (auto stopped = m_bootstrap->shutdown(); !stopped)
        qCWarning(lcController).noquote() << stopped.error().toString();
}

} // namespace ops::app
