// SPDX-License-Identifier: MIT
// sandbox_bench: the Sandbox tab at a million rows, and violation ingest against psql's \copy, in
// one run against a private server.
//   1. N rows as JSONL (for the tailer) and as CSV (for \copy);
//   2. \copy of the CSV (the reference), then with those N rows in the table, the real tab
//      (SandboxPanel, offscreen) is measured:
//        first_rows_ms   tab opened to first rows painted (new panel each time), median of 7;
//        filter_ms       a filter change to its first rows painted, median over 7 different filters;
//        scroll_rss_mb   the process's highest resident memory while scrolling through all N rows
//                        (every row fetched exactly once is checked);
//   3. ingestion of the JSONL file through the tailer (parse + batched unnest inserts + position
//      commits) alternated with \copy, twice; the better of each is compared.
// Usage: sandbox_bench [--rows N] (default 1000000; e.g. --rows 20000 for a quick run).
// Prints key=value lines; the last one is ingest_vs_copy_ratio=<number> (copy time / ingest time).

#include "common/ProcessRunner.h"
#include "db/EmbeddedPostgres.h"
#include "db/Migrator.h"
#include "db/Pool.h"
#include "sandbox/SandboxPanel.h"
#include "sandbox/ViolationFilterBar.h"
#include "sandbox/ViolationTableModel.h"
#include "sandbox/ViolationTailer.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <chrono>

#include <sys/stat.h>
#include <unistd.h>

using namespace ops::services;
using namespace ops::services::sandbox;
using ops::widgets::SandboxPanel;
using ops::widgets::ViolationTableModel;
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
const char* const kSeverities[] = {"low", "medium", "medium", "high", "medium", "low", "high", "medium", "medium", "critical"};

void exec(Connection& connection, const QString& sql, const SqlParams& params = {})
{
    if (auto result = connection.exec(sql, params); !result)
        fail(result.error().toString());
}

double median(std::vector<double> samples)
{
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
}

double residentMegabytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.size() > 1 ? double(fields[1].toLongLong()) * double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0) : 0;
}

// Runs the event loop until `done` holds (the bench drives the GUI as a user's event loop would).
void spinUntil(const std::function<bool()>& done, const char* what)
{
    QDeadlineTimer deadline(std::chrono::minutes(5));
    while (!done()) {
        if (deadline.hasExpired())
            fail(QStringLiteral("timed out waiting for ") + QLatin1String(what));
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 5);
    }
}

// Counts paint events of the table's viewport: "painted" means a paint after the rows arrived.
class PaintCounter final : public QObject {
public:
    int paints = 0;
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Paint)
            ++paints;
        return QObject::eventFilter(watched, event);
    }
};

// Waits until the table shows rows (or knows there are none) and has painted since.
void waitFirstRowsPainted(SandboxPanel& panel, PaintCounter& counter)
{
    spinUntil([&] { return panel.model() && (panel.model()->rowCount() > 0 || (!panel.model()->isLoading() && !panel.model()->canFetchMore({}))); },
              "the first rows");
    const int paintsBefore = counter.paints;
    panel.table()->viewport()->update();
    spinUntil([&] { return counter.paints > paintsBefore; }, "a paint");
}

struct GuiNumbers {
    double firstRowsMs = 0, filterMs = 0, filterMaxMs = 0, scrollRssMb = 0, rssBeforeMb = 0, scrollSeconds = 0;
    std::vector<std::pair<QString, double>> perFilter;
};

GuiNumbers measureTab(Pool& pool, const ConnectionOptions& direct, qint64 rows)
{
    GuiNumbers numbers;
    numbers.rssBeforeMb = residentMegabytes();
    std::vector<double> opens;
    for (int i = 0; i < 7; ++i) {
        const auto started = BenchClock::now();
        SandboxPanel panel(&pool, direct);
        PaintCounter counter;
        panel.table()->viewport()->installEventFilter(&counter);
        panel.resize(1280, 800);
        panel.show();
        waitFirstRowsPainted(panel, counter);
        opens.push_back(seconds(started) * 1000.0);
    }
    numbers.firstRowsMs = median(opens);

    SandboxPanel panel(&pool, direct);
    PaintCounter counter;
    panel.table()->viewport()->installEventFilter(&counter);
    panel.resize(1280, 800);
    panel.show();
    waitFirstRowsPainted(panel, counter);
    // Seven different filter changes, each from "no filter", as a user narrows down.
    // "file-12" matches only old rows: the newest-first walk would read most of the table.
    std::vector<std::pair<QString, std::function<void(ViolationFilter&)>>> filters{
        {QStringLiteral("kind"), [](ViolationFilter& f) { f.kind = QStringLiteral("secret"); }},
        {QStringLiteral("severity"), [](ViolationFilter& f) { f.severity = QStringLiteral("critical"); }},
        {QStringLiteral("decision"), [](ViolationFilter& f) { f.decision = QStringLiteral("allowed"); }},
        {QStringLiteral("status"), [](ViolationFilter& f) { f.status = QStringLiteral("acknowledged"); }},
        {QStringLiteral("text_old_matches"), [](ViolationFilter& f) { f.text = QStringLiteral("file-12"); }},
        {QStringLiteral("kind_and_text"), [](ViolationFilter& f) { f.kind = QStringLiteral("network"); f.text = QStringLiteral("host-99"); }},
        {QStringLiteral("time_range"), [](ViolationFilter& f) {
             f.from = QDateTime::fromString(QStringLiteral("2026-11-03T00:00:00Z"), Qt::ISODate);
             f.to = f.from.addDays(1); }},
    };
    std::vector<double> changes;
    for (const auto& [name, narrow] : filters) {
        ViolationFilter filter;
        narrow(filter);
        const auto started = BenchClock::now();
        panel.model()->setFilter(filter);
        waitFirstRowsPainted(panel, counter);
        changes.push_back(seconds(started) * 1000.0);
        numbers.perFilter.emplace_back(name, changes.back());
        panel.model()->setFilter({});
        waitFirstRowsPainted(panel, counter);
    }
    numbers.filterMaxMs = *std::max_element(changes.begin(), changes.end());
    numbers.filterMs = median(changes);

    // Scroll through everything, as a user holding End would: the view fetches as it reaches the bottom.
    const auto started = BenchClock::now();
    ViolationTableModel* model = panel.model();
    double highest = residentMegabytes();
    while (model->canFetchMore({}) || model->isLoading()) {
        panel.table()->scrollToBottom();
        model->fetchMore({});
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 5);
        highest = std::max(highest, residentMegabytes());
    }
    waitFirstRowsPainted(panel, counter);
    highest = std::max(highest, residentMegabytes());
    numbers.scrollSeconds = seconds(started);
    numbers.scrollRssMb = highest;
    if (model->rowCount() != rows)
        fail(QStringLiteral("scrolling showed %1 rows of %2").arg(model->rowCount()).arg(rows));
    std::vector<qint64> ids(std::size_t(model->rowCount()));
    for (int row = 0; row < model->rowCount(); ++row)
        ids[std::size_t(row)] = model->idAt(row);
    std::sort(ids.begin(), ids.end());
    if (std::adjacent_find(ids.begin(), ids.end()) != ids.end())
        fail(QStringLiteral("a row was shown twice while scrolling"));
    return numbers;
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication application(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Sandbox tab and ingest benchmark"));
    parser.addHelpOption();
    const QCommandLineOption rowsOption(QStringLiteral("rows"), QStringLiteral("events in the database (default 1000000)"),
                                        QStringLiteral("N"), QStringLiteral("1000000"));
    parser.addOption(rowsOption);
    parser.process(application);
    const qint64 lines = std::max(1LL, parser.value(rowsOption).toLongLong());

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

    // The same rows as JSONL (for the tailer) and CSV (for \copy): a mix of kinds, severities and
    // a few allowed events, one per second from 2026-11-01.
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
            const char* severity = kSeverities[i % 10];
            const char* decision = i % 50 == 7 ? "allowed" : "blocked";
            const QByteArray target = qstrcmp(kind, "network") == 0
                                          ? "host-" + QByteArray::number(i) + ".example.com:443"
                                          : "/home/dev/app/src/file-" + QByteArray::number(i) + ".ts";
            const QByteArray line = "{\"time\":\"" + time + "\",\"kind\":\"" + kind + "\",\"target\":\"" + target
                                    + "\",\"operation\":\"open\",\"agent\":\"claude-code\",\"machine\":\"devbox-"
                                    + QByteArray::number(i % 7) + "\",\"severity\":\"" + severity + "\",\"decision\":\""
                                    + decision + "\",\"rule\":\"filesystem.denyRead\"}";
            jsonl.write(line + '\n');
            QByteArray quoted = line;
            quoted.replace('"', "\"\"");
            csv.write(QByteArray::number(project) + ',' + time + ",devbox-" + QByteArray::number(i % 7) + ",claude-code," + kind
                      + ",open," + target + ",filesystem.denyRead," + decision + ',' + severity + ",ops-jsonl," + jsonlPath.toUtf8()
                      + ',' + QByteArray::number(i + 1) + ",\"" + quoted + "\"\n");
        }
    }
    out << "rows=" << lines << '\n';
    out.flush();

    PoolConfig config;
    config.connection = server.connectionOptions();
    config.direct = config.connection;
    config.maxSize = 3;
    config.minIdle = 1;
    Pool pool(config);

    const QString bin = EmbeddedPostgres::findServerBinaries().value();
    const QString psql = QFile::exists(bin + QStringLiteral("/psql")) ? bin + QStringLiteral("/psql") : QStringLiteral("psql");
    auto copy = [&]() {
        exec(db, QStringLiteral("TRUNCATE ops.sandbox_violations, ops.sandbox_ingest_positions"));
        const auto started = BenchClock::now();
        ProcessOptions processOptions;
        processOptions.timeout = std::chrono::minutes(30);
        auto copied = ProcessRunner::run(psql, {QStringLiteral("-h"), server.socketDirectory(), QStringLiteral("-U"), server.superuser(),
                                                QStringLiteral("-d"), server.connectionOptions().database(), QStringLiteral("-v"),
                                                QStringLiteral("ON_ERROR_STOP=1"), QStringLiteral("-c"),
                                                QStringLiteral("\\copy ops.sandbox_violations (project_id, occurred_at, machine, agent, kind, "
                                                               "operation, target, rule, decision, severity, source_format, source_name, "
                                                               "source_line, raw) FROM '%1' WITH (FORMAT csv)")
                                                    .arg(csvPath)}, processOptions);
        if (!copied || copied->exitCode != 0)
            fail(QStringLiteral("psql \\copy failed: ") + (copied ? QString::fromUtf8(copied->output) : copied.error().toString()));
        return seconds(started);
    };
    auto ingest = [&]() {
        exec(db, QStringLiteral("TRUNCATE ops.sandbox_violations, ops.sandbox_ingest_positions"));
        const auto started = BenchClock::now();
        ViolationTailer tailer(pool, project, jsonlPath, 10000);
        auto step = tailer.poll();
        if (!step)
            fail(step.error().toString());
        const double took = seconds(started);
        if (step->inserted != lines)
            fail(QStringLiteral("ingested %1 rows of %2").arg(step->inserted).arg(lines));
        return took;
    };

    // The tab, on the rows \copy put in (1% of them triaged, as a team would have).
    double bestCopy = copy();
    exec(db, QStringLiteral("UPDATE ops.sandbox_violations SET status = 'acknowledged' WHERE id % 100 = 3"));
    exec(db, QStringLiteral("VACUUM ANALYZE ops.sandbox_violations"));
    const GuiNumbers gui = measureTab(pool, config.direct, lines);
    for (const auto& [name, ms] : gui.perFilter)
        out << "filter_" << name << "_ms=" << ms << '\n';
    out << "rss_before_tab_mb=" << gui.rssBeforeMb << '\n'
        << "first_rows_ms=" << gui.firstRowsMs << '\n'
        << "filter_ms=" << gui.filterMs << '\n'
        << "filter_max_ms=" << gui.filterMaxMs << '\n'
        << "scroll_seconds=" << gui.scrollSeconds << '\n'
        << "scroll_rss_mb=" << gui.scrollRssMb << '\n';
    out.flush();

    // Ingest vs copy, alternated; the better of each (warm caches for both).
    double bestIngest = ingest();
    bestCopy = std::min(bestCopy, copy());
    bestIngest = std::min(bestIngest, ingest());
    out << "copy_seconds=" << bestCopy << '\n' << "ingest_seconds=" << bestIngest << '\n'
        << "ingest_lines_per_second=" << qint64(double(lines) / bestIngest) << '\n';
    out << "ingest_vs_copy_ratio=" << bestCopy / bestIngest << '\n';
    out.flush();
    pool.shutdown();
    return 0;
}
