// SPDX-License-Identifier: MIT
#pragma once

// DeployProvider: where deployments live (Vercel's REST API, a project's own script). Blocking
// calls: run them on a worker thread. Errors carry a message fit for the operator ("rollback to
// dpl_x: HTTP 500: An unexpected internal error occurred").

#include "common/Result.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <functional>

namespace ops::services {

struct ProviderDeployment {
    QString id;          // dpl_...
    QString version;     // meta.version, else the id
    QString commit;
    QString url;
    QString creator;
    QString state;       // READY, ERROR, BUILDING...
    QString checks;      // passed / failed / unknown (the provider's checks conclusion)
    QDateTime created;
};

struct ProviderStatus {
    QString liveDeploymentId;  // what production serves now
    bool pinned = false;       // after a rollback new builds do not go live until a promotion
};

class DeployProvider {
public:
    virtual ~DeployProvider() = default;
    virtual QString name() const = 0;
    // Newest first.
    virtual Result<QList<ProviderDeployment>> listDeployments() = 0;
    virtual Result<ProviderStatus> status() = 0;
    virtual Result<void> rollback(const QString& deploymentId, const QString& reason) = 0;
    virtual Result<void> promote(const QString& deploymentId) = 0;

    // Live output of a provider call, one line at a time, on the calling (worker) thread. A
    // provider that has no output (HTTP) never calls it.
    virtual void setOutputListener(std::function<void(const QString& line)> listener) { (void)listener; }
    // Whether cancel() can stop a call in progress, and the stop itself (any thread): the call
    // then fails with "cancelled". A provider that cannot stop its calls ignores it.
    virtual bool canCancel() const { return false; }
    virtual void cancel() {}
};

} // namespace ops::services
