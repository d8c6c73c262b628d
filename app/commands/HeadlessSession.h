// SPDX-License-Identifier: MIT
#pragma once

// HeadlessSession: the database for a headless command. Blocking by design (there is no GUI
// thread to keep responsive): starts or reuses the embedded server, or connects to --dsn /
// DATABASE_URL, applies migrations, and opens the same pool the window uses. Closing it stops an
// embedded server it started unless another console still uses it.

#include "AppOptions.h"
#include "db/DatabaseBootstrap.h"
#include "db/Pool.h"

#include <memory>

namespace ops::app {

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
