// SPDX-License-Identifier: MIT
// sandbox_bench: violation ingest and the tab's queries against a private server, in one run.
//   - ingestion of an N-line JSONL file through the tailer (parse + batched unnest inserts +
//     position commits) vs `psql -c "\copy"` of the same rows into the same table;
//   - the tab's first keyset page (query only, not painting) and a filter change, medians of 7.
// Usage: sandbox_bench [LINES] (default 200000; the target size is 1000000).
// Prints key=value lines; the last one is ingest_vs_copy_ratio=<number> (copy time / ingest time).
// Not measured here (left to a GUI harness): painting time and the console's resident memory.

#include "common/ProcessRunner.h"
#include "db/EmbeddedPostgres.h"
#include "db/Migrator.h"
#include "db/Pool.h"
#include "sandbox/ViolationQuery.h"
#include "sandbox/ViolationTailer.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <chrono>

#include <sys/stat.h>

using namespace ops::services;
using namespace ops::services::sandbox;
using BenchClock = std::chrono::steady_clock;

namespace {

QTextStream out(stdout);

[[noreturn]] void fail(const QString& message)
{
    QTextStream(stderr) << "sandbox_bench: " << message << '\n';
    std::exit(1);
}

double seconds(BenchClock::time_point since) { return std::chrono::duration<double>(BenchClock::now() - since).count(); }

const char* const kKinds[] = {"file_read", "file_write", "network", "process", "secret"};

void exec(Connection& connection, const QString& sql, const SqlParams& params = {})
{
    if (auto result = connection.exec(sql, params); !result)
        fail(result.error().toString());
}

double medianMs(const std::function<void()>& work)
{
    std::vector<double> samples;
    for (int i = 0; i < 7; ++i) {
        const auto started = BenchClock::now();
        work();
        samples.push_back(seconds(started) * 1000.0);
    }
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication application(argc, argv);
    const qint64 lines = argc > 1 ? std::max(1LL, QByteArray(argv[1]).toLongLong()) : 200000;

    QTemporaryDir directory(QDir::tempPath() + QStringLiteral("/ops-sandbox-bench-XXXXXX"));
    ::chmod(QFile::encodeName(directory.path()).constData(), 0755);
    EmbeddedPostgresOptions options;
    options.dataDirectory = directory.path() + QStringLiteral("/pg");
    options.durable = false;
    options.stopWhenProcessExits = true;
    EmbeddedPostgres server(options);
    if (auto started = server.start(); !started)
        fail(started.error().toString() + QLatin1Char('\n') + started.error().detail);
    auto admin = Connection::open(server.connectionOptions(), std::chrono::seconds(10));
    if (!admin)
        fail(admin.error().toString());
    auto migrations = Migrator::load();
    if (!migrations)
        fail(migrations.error().toString());
    if (auto migrated = Migrator(migrations.value()).migrate(*admin.value()); !migrated)
        fail(migrated.error().toString());
    Connection& db = *admin.value();
    const qint64 project = db.exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'demo'"))->toInt64(0, 0);

    // The same rows as JSONL (for the tailer) and CSV (for \copy).
    const QString jsonlPath = directory.path() + QStringLiteral("/events.jsonl");
    const QString csvPath = directory.path() + QStringLiteral("/events.csv");
    {
        QFile jsonl(jsonlPath), csv(csvPath);
        if (!jsonl.open(QIODevice::WriteOnly) || !csv.open(QIODevice::WriteOnly))
            fail(QStringLiteral("cannot write the input files"));
        const QDateTime start = QDateTime::fromString(QStringLiteral("2026-11-01T00:00:00Z"), Qt::ISODate);
        for (qint64 i = 0; i < lines; ++i) {
            const QByteArray time = start.addMSecs(i * 1000).toString(Qt::ISODateWithMs).toUtf8();
            const char* kind = kKinds[i % 5];
            const QByteArray target = "/home/dev/app/src/file-" + QByteArray::number(i) + ".ts";
            const QByteArray line = "{\"time\":\"" + time + "\",\"kind\":\"" + kind + "\",\"target\":\"" + target
                                    + "\",\"operation\":\"open\",\"agent\":\"claude-code\",\"rule\":\"filesystem.denyRead\"}";
            jsonl.write(line + '\n');
            QByteArray quoted = line;
            quoted.replace('"', "\"\"");
            csv.write(QByteArray::number(project) + ',' + time + ",claude-code," + kind + ",open," + target
                      + ",filesystem.denyRead,ops-jsonl," + jsonlPath.toUtf8() + ',' + QByteArray::number(i + 1) + ",\""
                      + quoted + "\"\n");
        }
    }
    out << "lines=" << lines << '\n';
    out.flush();

    PoolConfig config;
    config.connection = server.connectionOptions();
    config.direct = config.connection;
    config.maxSize = 3;
    config.minIdle = 1;
    Pool pool(config);

    // Alternate copy and ingest twice; compare the better of each (warm caches for both).
    double bestCopy = 1e9, bestIngest = 1e9;
    for (int round = 0; round < 2; ++round) {
        exec(db, QStringLiteral("TRUNCATE ops.sandbox_violations, ops.sandbox_ingest_positions"));
        const QString bin = EmbeddedPostgres::findServerBinaries().value();
        const QString psql = QFile::exists(bin + QStringLiteral("/psql")) ? bin + QStringLiteral("/psql") : QStringLiteral("psql");
        auto started = BenchClock::now();
        ProcessOptions processOptions;
        processOptions.timeout = std::chrono::minutes(30);
        auto copied = ProcessRunner::run(psql, {QStringLiteral("-h"), server.socketDirectory(), QStringLiteral("-U"), server.superuser(),
                                                QStringLiteral("-d"), server.connectionOptions().database(), QStringLiteral("-v"),
                                                QStringLiteral("ON_ERROR_STOP=1"), QStringLiteral("-c"),
                                                QStringLiteral("\\copy ops.sandbox_violations (project_id, occurred_at, agent, kind, operation, "
                                                               "target, rule, source_format, source_name, source_line, raw) FROM '%1' WITH (FORMAT csv)")
                                                    .arg(csvPath)}, processOptions);
        if (!copied || copied->exitCode != 0)
            fail(QStringLiteral("psql \\copy failed: ") + (copied ? QString::fromUtf8(copied->output) : copied.error().toString()));
        bestCopy = std::min(bestCopy, seconds(started));

        exec(db, QStringLiteral("TRUNCATE ops.sandbox_violations, ops.sandbox_ingest_positions"));
        started = BenchClock::now();
        ViolationTailer tailer(pool, project, jsonlPath, 10000);
        auto step = tailer.poll();
        if (!step)
            fail(step.error().toString());
        bestIngest = std::min(bestIngest, seconds(started));
        if (step->inserted != lines)
            fail(QStringLiteral("ingested %1 rows of %2").arg(step->inserted).arg(lines));
    }
    out << "copy_seconds=" << bestCopy << '\n' << "ingest_seconds=" << bestIngest << '\n'
        << "ingest_lines_per_second=" << qint64(double(lines) / bestIngest) << '\n';
    out.flush();

    exec(db, QStringLiteral("ANALYZE ops.sandbox_violations"));
    const double firstPage = medianMs([&] {
        if (!ViolationQuery::page(db, project, {}, std::nullopt, 200))
            fail(QStringLiteral("first page failed"));
    });
    ViolationFilter filter;
    filter.kind = QStringLiteral("secret");
    filter.text = QStringLiteral("file-12");
    const double filtered = medianMs([&] {
        if (!ViolationQuery::page(db, project, filter, std::nullopt, 200))
            fail(QStringLiteral("filtered page failed"));
    });
    out << "first_page_query_ms=" << firstPage << '\n' << "filter_query_ms=" << filtered << '\n';
    out << "ingest_vs_copy_ratio=" << bestCopy / bestIngest << '\n';
    out.flush();
    pool.shutdown();
    return 0;
}
