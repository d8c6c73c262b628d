// SPDX-License-Identifier: MIT
// plan_bench: what the plan feature costs the database.
//   import_ms            re-import of the week-1 plan (ops.import_plan) with the readiness
//                        snapshot triggers, against the same import with them disabled (reference)
//   evaluate_ms          the Day 4 checkpoint's criteria measured from 3600 Health samples (one
//                        hour, one a second) through ops.health_metric, against a trivial
//                        round trip (SELECT 1) as the reference
// Runs against an embedded PostgreSQL of its own. Usage: plan_bench [iterations=20].
// Prints key=value lines (medians).
#include "db/DatabaseBootstrap.h"
#include "db/Pool.h"
#include "plan/CheckpointService.h"
#include "plan/PlanImporter.h"
#include "plan/PlanStore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <functional>

using namespace ops::services;
using namespace ops::services::plan;

namespace {

double medianMs(int iterations, const std::function<void()>& work)
{
    std::vector<double> times;
    for (int i = 0; i < iterations; ++i) {
        QElapsedTimer timer;
        timer.start();
        work();
        times.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const int iterations = argc > 1 ? std::max(1, atoi(argv[1])) : 20;
    QTextStream out(stdout);
    QTextStream err(stderr);

    QTemporaryDir directory(QStringLiteral("/tmp/plan-bench-XXXXXX"));
    QFile::setPermissions(directory.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                                | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther);
    DatabaseBootstrap bootstrap(DatabaseTarget{QString(), directory.path() + QStringLiteral("/data")});
    if (auto started = bootstrap.start(); !started) {
        err << "cannot start PostgreSQL: " << started.error().toString() << Qt::endl;
        return 1;
    }
    auto connection = Connection::open(bootstrap.connectionOptions(), std::chrono::seconds(10));
    if (!connection) {
        err << connection.error().toString() << Qt::endl;
        return 1;
    }
    Connection& db = **connection;
    const qint64 project = db.exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'demo'"))->toInt64(0, 0);
    QFile file(QStringLiteral(":/demo/plans/week1-master-plan.md"));
    file.open(QIODevice::ReadOnly);
    const Plan plan = PlanImporter().import(file.readAll(), QStringLiteral("week1-master-plan.md")).plan;
    auto import = [&] {
        if (auto saved = PlanStore::save(db, project, plan); !saved)
            err << saved.error().toString() << Qt::endl;
    };
    import();

    const QStringList triggers{QStringLiteral("checkpoint_criteria"), QStringLiteral("plan_tasks"), QStringLiteral("plan_days")};
    auto setTriggers = [&](bool enabled) {
        for (const QString& table : triggers)
            db.exec(QStringLiteral("ALTER TABLE ops.%1 %2 TRIGGER USER").arg(table, enabled ? QStringLiteral("ENABLE") : QStringLiteral("DISABLE")));
    };
    setTriggers(false);
    const double importReference = medianMs(iterations, import);
    setTriggers(true);
    const double importWithSnapshots = medianMs(iterations, import);

    db.exec(QStringLiteral("SELECT ops.acquire_collector_lease($1, 'bench', 600000)"), {project});
    const qint64 monitor = db.exec(QStringLiteral("SELECT ops.ensure_monitor($1, 'api', 'http://127.0.0.1:1/', 1000)"), {project})->toInt64(0, 0);
    db.exec(QStringLiteral("SELECT count(ops.record_health_sample($1, 'bench', now() - make_interval(secs => i), "
                           "'up', 50 + i % 100, 200, 'healthy', 'CLOSED', '{}', NULL)) FROM generate_series(1, 3600) i"), {monitor});
    db.exec(QStringLiteral("SELECT ops.sign_checkpoint(id, 'go', '', '{}') FROM ops.checkpoints "
                           "WHERE title IN ('Day 1 EOD Checkpoint', 'Day 3 EOD Checkpoint')"));
    auto gate = CheckpointService::nextGate(db, project);
    if (!gate || !gate->has_value()) {
        err << "no Day 4 checkpoint" << Qt::endl;
        return 1;
    }
    const StoredCheckpoint day4 = **gate;
    const double evaluate = medianMs(iterations, [&] { CheckpointService::evaluateLive(db, project, day4, nullptr); });
    const double roundTrip = medianMs(iterations, [&] {
        if (auto one = db.exec(QStringLiteral("SELECT $1::int"), {1}); !one)
            err << one.error().toString() << Qt::endl;
    });

    out << "iterations=" << iterations << '\n'
        << "import_reference_ms=" << importReference << '\n'
        << "import_ms=" << importWithSnapshots << '\n'
        << "import_ratio=" << importWithSnapshots / importReference << '\n'
        << "roundtrip_reference_ms=" << roundTrip << '\n'
        << "evaluate_ms=" << evaluate << '\n'
        << "evaluate_ratio=" << evaluate / roundTrip << '\n';
    connection->reset();
    bootstrap.shutdown();
    return 0;
}
