// SPDX-License-Identifier: MIT
#pragma once

// ConsoleController: owns the console's services and runs their blocking start-up and shut-down
// on worker threads, reporting back on the GUI thread by signals. Lives on the GUI thread.

#include "common/SecretStore.h"
#include "db/DatabaseBootstrap.h"
#include "db/Pool.h"
#include "db/PoolMonitor.h"
#include "demo/DemoPlatform.h"

#include <QFutureWatcher>
#include <QObject>

#include <memory>

namespace ops::app {

class ConsoleController final : public QObject {
    Q_OBJECT
public:
    // `secrets`: the process's one SecretStore (main.cpp), which outlives the controller.
    ConsoleController(ops::services::DatabaseTarget target, ops::services::SecretStore& secrets,
                      QObject* parent = nullptr);
    ~ConsoleController() override;

    // Starts the database (embedded or external) and applies migrations, off the GUI thread. An
    // external database without a password in its string gets the stored one (keyring) if any.
    void start();
    // After passwordNeeded: tries once more with this password (kept in memory; put in the
    // keyring only once the server accepted it, and only when `rememberInKeyring`).
    void retryWithPassword(const QByteArray& password, bool rememberInKeyring);
    // After passwordNeeded, when nobody gave one: databaseFailed with the server's refusal.
    void declinePassword();
    // Blocking: called after the event loop has ended, when no window is left to freeze.
    void shutdown();
    bool isReady() const { return m_ready; }
    // The pool every feature uses; null until databaseReady.
    ops::services::Pool* pool() const { return m_pool.get(); }
    ops::services::PoolMonitor* poolMonitor() const { return m_poolMonitor.get(); }
    // Where LISTEN connections go (never through a transaction pooler); valid after databaseReady.
    ops::services::ConnectionOptions directOptions() const { return m_directOptions; }
    bool isEmbedded() const { return m_embedded; }
    // The demo platform this console started on the embedded default (null otherwise): the
    // Health tab monitors it and the Deployments tab rolls it back, so both see one platform.
    ops::services::DemoPlatform* demoPlatform() const { return m_demo.get(); }
    ops::services::SecretStore& secrets() const { return m_secrets; }
    // The SecretStore name of the database password ("database/default").
    QString databasePasswordSecret() const { return m_passwordSecret; }

    // The pool's configuration for a database the bootstrap reached: the team's DB_* settings from
    // the environment on top (DATABASE_POOLER_URL may send units of work through a transaction
    // pooler; never for the embedded server). Shared with headless commands.
    static ops::services::Result<ops::services::PoolConfig> poolConfigFor(
        const ops::services::ConnectionOptions& database, bool embedded);

signals:
    void databaseReady(const ops::services::DatabaseStatus& status);
    void databaseFailed(const ops::services::Error& error);
    // The server refused the login for want of the right password (at most once per run); answer
    // with retryWithPassword() or declinePassword().
    void passwordNeeded(const ops::services::Error& error);

private:
    void startBootstrap();
    void startPool();
    void startDemoPlatform();
    void importDemoPlans();

    bool m_embedded = true;
    std::unique_ptr<ops::services::DatabaseBootstrap> m_bootstrap;
    std::unique_ptr<ops::services::Pool> m_pool;
    std::unique_ptr<ops::services::PoolMonitor> m_poolMonitor;
    ops::services::ConnectionOptions m_directOptions;
    std::unique_ptr<ops::services::DemoPlatform> m_demo;
    QFutureWatcher<ops::services::Result<ops::services::DatabaseStatus>> m_startWatcher;
    bool m_ready = false;
    ops::services::SecretStore& m_secrets;
    QString m_passwordSecret;
    bool m_passwordAsked = false;
    QByteArray m_passwordToStore;  // the prompt's answer, for the keyring once it has worked
    ops::services::Error m_passwordRefusal;
};

} // namespace ops::app
