// SPDX-License-Identifier: MIT
// deploy_bench: "click to provider request sent". A click runs RolloutService::rollback (start
// the rollout in PostgreSQL, mark it running, send the provider request); the time is measured
// from the call until the demo platform has received the rollback request over loopback HTTP.
// Runs against an embedded PostgreSQL of its own and the in-process demo platform.
// Also: the undo click (plan + start + running + promote request), and as the reference measured
// in the same run, the provider request alone (call to received, no database): the ratios say
// what the database steps add.
// Usage: deploy_bench [iterations=20]. Prints key=value lines; the last is click_to_request_ms.
#include "db/DatabaseBootstrap.h"
#include <QFile>
#include "db/Pool.h"
#include "demo/DemoPlatform.h"
#include "deploy/HttpDeployProvider.h"
#include "deploy/RolloutService.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QTextStream>
#include <QUuid>

#include <algorithm>

using namespace ops::services;
using namespace std::chrono_literals;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const int iterations = argc > 1 ? std::max(1, atoi(argv[1])) : 20;
    QTextStream out(stdout);
    QTextStream err(stderr);

    // Its own embedded database (migrated by the bootstrap), removed at exit.
    QTemporaryDir directory(QStringLiteral("/tmp/deploy-bench-XXXXXX"));
    QFile::setPermissions(directory.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                                | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther);
    DatabaseBootstrap bootstrap(DatabaseTarget{QString(), directory.path() + QStringLiteral("/data")});
    if (auto started = bootstrap.start(); !started) {
        err << "cannot start PostgreSQL: " << started.error().toString() << Qt::endl;
        return 1;
    }
    PoolConfig config;
    config.connection = bootstrap.connectionOptions();
    config.direct = config.connection;
    config.maxSize = 3;
    Pool pool(config);
    auto project = pool.withClient(QStringLiteral("project"), [](Connection& c) -> Result<qint64> {
        auto r = c.exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'demo'"));
        if (!r)
            return r.error();
        return r->toInt64(0, 0);
    });
    if (!project) {
        err << project.error().toString() << Qt::endl;
        return 1;
    }

    DemoPlatform platform;
    if (!platform.start()) {
        err << "cannot start the demo platform" << Qt::endl;
        return 1;
    }
    HttpDeployProvider::Config providerConfig;
    providerConfig.baseUrl = platform.baseUrl();
    providerConfig.projectId = platform.config().projectId;
    providerConfig.token = platform.config().token.toUtf8();
    HttpDeployProvider provider(providerConfig);
    RolloutService::Config serviceConfig;
    serviceConfig.projectId = *project;
    serviceConfig.providerProject = providerConfig.projectId;
    serviceConfig.verification.baseUrl = platform.baseUrl();
    serviceConfig.verification.window = 2000ms;
    RolloutService service(pool, provider, serviceConfig);
    serviceConfig.verification.window = 300ms;  // the undo brings back the bad v4: do not wait long
    RolloutService undoService(pool, provider, serviceConfig);

    auto median = [](std::vector<double> values) {
        std::sort(values.begin(), values.end());
        return values[values.size() / 2];
    };
    auto sinceMs = [](std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to) {
        return std::chrono::duration<double, std::milli>(to - from).count();
    };
    std::vector<double> samples, undoSamples, referenceSamples;
    int succeeded = 0;
    for (int i = 0; i < iterations; ++i) {
        // Production back on the bad v4, recorded, so the click has its rollback to do.
        if (!provider.promote(QStringLiteral("dpl_demo_v4")) || !service.sync()) {
            err << "cannot reset the demo platform" << Qt::endl;
            return 1;
        }
        auto plan = service.planRollback();
        if (!plan) {
            err << plan.error().toString() << Qt::endl;
            return 1;
        }
        const auto click = std::chrono::steady_clock::now();
        auto outcome = service.rollback(*plan, QStringLiteral("bench"), QUuid::createUuid().toString(QUuid::WithoutBraces));
        if (!outcome) {
            err << outcome.error().toString() << Qt::endl;
            return 1;
        }
        succeeded += outcome->succeeded() ? 1 : 0;
        samples.push_back(sinceMs(click, platform.lastRollbackReceived()));

        // Undo in one click: plan it and run it up to the promote request.
        const auto undoClick = std::chrono::steady_clock::now();
        auto undo = undoService.planUndo();
        if (!undo || !undoService.run(*undo, QStringLiteral("bench"), QUuid::createUuid().toString(QUuid::WithoutBraces))) {
            err << "undo failed: " << (undo ? QStringLiteral("run") : undo.error().message) << Qt::endl;
            return 1;
        }
        undoSamples.push_back(sinceMs(undoClick, platform.lastPromoteReceived()));

        // Reference: the same provider request with no database work around it.
        const auto direct = std::chrono::steady_clock::now();
        if (!provider.rollback(QStringLiteral("dpl_demo_v3"), QStringLiteral("bench"))) {
            err << "reference request failed" << Qt::endl;
            return 1;
        }
        referenceSamples.push_back(sinceMs(direct, platform.lastRollbackReceived()));
    }
    std::sort(samples.begin(), samples.end());
    const double clickMedian = median(samples);
    const double undoMedian = median(undoSamples);
    const double referenceMedian = median(referenceSamples);
    out << "iterations=" << iterations << '\n'
        << "succeeded=" << succeeded << '\n'
        << "click_to_request_min_ms=" << QString::number(samples.front(), 'f', 2) << '\n'
        << "click_to_request_max_ms=" << QString::number(samples.back(), 'f', 2) << '\n'
        << "undo_click_to_request_ms=" << QString::number(undoMedian, 'f', 2) << '\n'
        << "reference_provider_request_ms=" << QString::number(referenceMedian, 'f', 2) << '\n'
        << "click_vs_reference_ratio=" << QString::number(clickMedian / referenceMedian, 'f', 1) << '\n'
        << "undo_vs_reference_ratio=" << QString::number(undoMedian / referenceMedian, 'f', 1) << '\n'
        << "target_ms=100\n"
        << "click_to_request_ms=" << QString::number(clickMedian, 'f', 2) << Qt::endl;
    pool.shutdown();
    if (auto stopped = bootstrap.shutdown(); !stopped)
        err << "warning: " << stopped.error().message << Qt::endl;
    return clickMedian < 100 ? 0 : 1;
}
