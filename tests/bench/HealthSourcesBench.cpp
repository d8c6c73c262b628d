// SPDX-License-Identifier: MIT
// health_sources_bench [SERIES]: the cost of the non-HTTP health sources, each against a
// reference measured in the same run.
//   prom_parse_ms            median time to parse a /metrics scrape of SERIES samples (default
//                            20000, about a busy postgres_exporter) and select 10 series
//   prom_parse_selected_ms   the same when only the selected metric names are parsed (what the probe does)
//   prom_decode_ms           reference: only splitting the same text into lines and decoding UTF-8
//   prom_parse_vs_decode_ratio
//   pgstats_read_ms          median of one PostgreSQL statistics reading (readPgStats) on a socket
//   select1_ms               reference: median of SELECT 1 on the same connection
//   pgstats_vs_select1_ratio
#include "db/Connection.h"
#include "db/EmbeddedPostgres.h"
#include "health/PgStats.h"
#include "health/PrometheusText.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>

#include <sys/stat.h>

using namespace ops::services;

namespace {

[[noreturn]] void fail(const QString& message)
{
    std::fprintf(stderr, "health_sources_bench: %s\n", qPrintable(message));
    std::exit(1);
}

double medianMs(int runs, const std::function<void()>& work)
{
    std::vector<double> times;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        work();
        times.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

// Ten metric families (as postgres_exporter's per-table statistics), series/10 tables each.
QByteArray exposition(int series)
{
    const char* families[] = {"seq_scan", "seq_tup_read", "idx_scan", "idx_tup_fetch", "n_tup_ins",
                              "n_tup_upd", "n_tup_del", "n_live_tup", "n_dead_tup", "vacuum_count"};
    QByteArray text;
    for (const char* family : families) {
        const QByteArray name = QByteArray("pg_stat_user_tables_") + family;
        text += "# HELP " + name + " per-table statistic\n# TYPE " + name + " counter\n";
        for (int i = 0; i < series / 10; ++i)
            text += name + "{datname=\"app\",schemaname=\"public\",relname=\"table_" + QByteArray::number(i)
                    + "\",server=\"db.internal:5432\"} " + QByteArray::number(i * 37) + "\n";
    }
    return text;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication application(argc, argv);
    const int series = argc > 1 ? std::max(100, atoi(argv[1])) : 20000;
    QTextStream out(stdout);

    const QByteArray text = exposition(series);
    std::vector<SeriesSelector> selectors;
    for (int i = 0; i < 10; ++i)
        selectors.push_back(*SeriesSelector::parse(QStringLiteral("pg_stat_user_tables_seq_scan{relname=\"table_%1\"}").arg(i * 97 % (series / 10))));
    std::size_t kept = 0;
    const double parse = medianMs(9, [&] { kept = selectSeries(parsePrometheusText(text).samples, selectors).values.size(); });
    // What the probe does: lines of metrics no selector names are skipped undecoded.
    const double parseSelected = medianMs(9, [&] {
        kept = selectSeries(parsePrometheusText(text, selectorNames(selectors)).samples, selectors).values.size();
    });
    qsizetype decoded = 0;
    const double decode = medianMs(9, [&] {
        for (const QByteArray& line : text.split('\n'))
            decoded += QString::fromUtf8(line).size();
    });
    out << "prom_series=" << series << "\nprom_bytes=" << text.size() << "\nprom_series_kept=" << kept
        << "\nprom_parse_ms=" << QString::number(parse, 'f', 2) << "\nprom_decode_ms=" << QString::number(decode, 'f', 2)
        << "\nprom_parse_vs_decode_ratio=" << QString::number(parse / decode, 'f', 2)
        << "\nprom_parse_selected_ms=" << QString::number(parseSelected, 'f', 2) << '\n';
    out.flush();

    QTemporaryDir directory(QDir::tempPath() + QStringLiteral("/ops-health-sources-bench-XXXXXX"));
    ::chmod(QFile::encodeName(directory.path()).constData(), 0755);
    EmbeddedPostgresOptions options;
    options.dataDirectory = directory.path();
    options.durable = false;
    options.stopWhenProcessExits = true;
    EmbeddedPostgres server(options);
    if (auto started = server.start(); !started)
        fail(started.error().toString() + QLatin1Char('\n') + started.error().detail);
    auto opened = Connection::open(server.connectionOptions(), std::chrono::seconds(10));
    if (!opened)
        fail(opened.error().toString());
    Connection& c = *opened.value();
    (void)readPgStats(c);  // warm-up: catalog caches
    const double reading = medianMs(51, [&] {
        if (auto r = readPgStats(c); !r)
            fail(r.error().toString());
    });
    const double select1 = medianMs(51, [&] {
        if (auto r = c.exec(QStringLiteral("SELECT 1")); !r)
            fail(r.error().toString());
    });
    out << "pgstats_read_ms=" << QString::number(reading, 'f', 3) << "\nselect1_ms=" << QString::number(select1, 'f', 3)
        << "\npgstats_vs_select1_ratio=" << QString::number(reading / select1, 'f', 1) << '\n';
    return 0;
}
