// SPDX-License-Identifier: MIT
#pragma once

// HeadlessSession: the database for a headless command. Blocking by design (there is no GUI
// thread to keep responsive): starts or reuses the embedded server, or connects to --dsn /
// DATABASE_URL, applies migrations, and opens the same pool the window uses. Closing it stops an
// embedded server it started unless another console still uses it.

#include "AppOptions.h"
#include "db/DatabaseBootstrap.h"
#include "db/Pool.h"

#include <QByteArray>

#include <chrono>
#include <memory>
#include <optional>

namespace ops::services {
class SecretStore;
}

namespace ops::app {

// A secret from memory or the keyring, waiting for the keyring's answer (at most `limit`):
// headless commands have no window to keep responsive. Never asks anyone.
std::optional<QByteArray> waitForSecret(ops::services::SecretStore& secrets, const QString& name,
                                        std::chrono::milliseconds limit = std::chrono::seconds(30));

// The stored password of the database `options` names, when it needs one (external, no password
// in the string, no PGPASSWORD): what main.cpp puts in AppOptions::databasePassword.
QByteArray storedDatabasePassword(const AppOptions& options, ops::services::SecretStore& secrets);

class HeadlessSession final {
public:
    static ops::services::Result<std::unique_ptr<HeadlessSession>> open(const AppOptions& options);
    ~HeadlessSession();

    ops::services::Pool& pool() { return *m_pool; }
    const ops::services::DatabaseStatus& status() const { return m_status; }
    // A session (not transaction-pooled) connection target, e.g. for LISTEN.
    ops::services::ConnectionOptions directOptions() const { return m_directOptions; }
    // The id of the project with this slug ("demo" by default), or NotFound.
    ops::services::Result<qint64> projectId(const QString& slug);

private:
    HeadlessSession() = default;
    std::unique_ptr<ops::services::DatabaseBootstrap> m_bootstrap;
    std::unique_ptr<ops::services::Pool> m_pool;
    ops::services::DatabaseStatus m_status;
    ops::services::ConnectionOptions m_directOptions;
};

} // namespace ops::app
