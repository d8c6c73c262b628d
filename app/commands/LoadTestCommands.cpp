// SPDX-License-Identifier: MIT
#include "commands/LoadTestCommands.h"

#include "commands/HeadlessSession.h"
#include "health/LoadTestStore.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace ops::services;

namespace ops::app {

namespace {

std::optional<int> positiveNumber(const QString& text)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    return ok && value > 0 ? std::optional<int>(value) : std::nullopt;
}

QJsonObject toJson(const LoadTestResult& r)
{
    return QJsonObject{{QStringLiteral("url"), r.url},
                       {QStringLiteral("requests"), r.requests},
                       {QStringLiteral("concurrency"), r.concurrency},
                       {QStringLiteral("completed"), r.completed},
                       {QStringLiteral("succeeded"), r.succeeded},
                       {QStringLiteral("cancelled"), r.cancelled},
                       {QStringLiteral("successRate"), r.successRate()},
                       {QStringLiteral("throughput"), r.throughput()},
                       {QStringLiteral("elapsedSeconds"), r.elapsedSeconds},
                       {QStringLiteral("p50Ms"), r.p50Ms},
                       {QStringLiteral("p95Ms"), r.p95Ms},
                       {QStringLiteral("p99Ms"), r.p99Ms},
                       {QStringLiteral("meanMs"), r.meanMs},
                       {QStringLiteral("maxMs"), r.maxMs},
                       {QStringLiteral("errors"), QJsonDocument::fromJson(loadTestErrorsJson(r)).object()}};
}

void printText(QTextStream& out, const LoadTestResult& r)
{
    out << "url " << r.url << "  requests " << r.requests << "  concurrency " << r.concurrency << '\n'
        << "completed " << r.completed << (r.cancelled ? " (cancelled)" : "") << "  succeeded " << r.succeeded
        << "  success " << QString::number(r.successRate(), 'f', 2) << "%\n"
        << "throughput " << QString::number(r.throughput(), 'f', 1) << " req/s  in "
        << QString::number(r.elapsedSeconds, 'f', 3) << " s\n"
        << "latency ms  p50 " << QString::number(r.p50Ms, 'f', 2) << "  p95 " << QString::number(r.p95Ms, 'f', 2)
        << "  p99 " << QString::number(r.p99Ms, 'f', 2) << "  max " << QString::number(r.maxMs, 'f', 2) << '\n';
    if (r.errors.isEmpty())
        out << "errors none\n";
    for (auto it = r.errors.cbegin(); it != r.errors.cend(); ++it)
        out << "errors " << it.key() << ' ' << it.value() << '\n';
}

} // namespace

int runLoadTestCommand(const CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Load test one http:// URL. Exit 0 when the success rate reaches --min-success, 1 when not, 2 on usage errors."));
    parser.addPositionalArgument(QStringLiteral("URL"), QStringLiteral("http://host:port/path to request with GET."));
    const QCommandLineOption requests(QStringLiteral("n"), QStringLiteral("Number of requests (default 1000)."), QStringLiteral("N"), QStringLiteral("1000"));
    const QCommandLineOption concurrency(QStringLiteral("c"), QStringLiteral("Requests in flight at once (default 50)."), QStringLiteral("C"), QStringLiteral("50"));
    const QCommandLineOption timeout(QStringLiteral("timeout"), QStringLiteral("Per-request timeout in ms (default 10000)."), QStringLiteral("MS"), QStringLiteral("10000"));
    const QCommandLineOption minSuccess(QStringLiteral("min-success"), QStringLiteral("Success rate in percent needed for exit 0 (default 100)."),
                                        QStringLiteral("PERCENT"), QStringLiteral("100"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    const QCommandLineOption project(QStringLiteral("project"), QStringLiteral("Project slug for the stored result (default demo)."),
                                     QStringLiteral("SLUG"), QStringLiteral("demo"));
    const QCommandLineOption noStore(QStringLiteral("no-store"), QStringLiteral("Do not store the result in the database."));
    parser.addOptions({requests, concurrency, timeout, minSuccess, json, project, noStore});
    if (auto exit = parseCommandLine(parser, QStringLiteral("loadtest"), context))
        return *exit;

    auto usage = [&](const QString& message) {
        context.err << "ops-console loadtest: " << message << '\n';
        return 2;
    };
    if (parser.positionalArguments().size() != 1)
        return usage(QStringLiteral("give exactly one URL"));
    const auto n = positiveNumber(parser.value(requests));
    const auto c = positiveNumber(parser.value(concurrency));
    const auto t = positiveNumber(parser.value(timeout));
    bool percentOk = false;
    const double wanted = parser.value(minSuccess).toDouble(&percentOk);
    if (!n || !c || !t)
        return usage(QStringLiteral("-n, -c and --timeout need positive whole numbers"));
    if (!percentOk || wanted < 0 || wanted > 100)
        return usage(QStringLiteral("--min-success needs a percentage between 0 and 100"));

    LoadTestConfig config;
    config.url = parser.positionalArguments().constFirst();
    config.requests = *n;
    config.concurrency = *c;
    config.timeout = std::chrono::milliseconds(*t);
    auto result = LoadTestEngine(config).run();
    if (!result)
        return usage(result.error().message);

    // Stored after the run, so opening the database never disturbs the measurement.
    QJsonObject stored;
    if (!parser.isSet(noStore)) {
        auto session = HeadlessSession::open(context.options);
        Result<qint64> id = session ? session.value()->projectId(parser.value(project)) : Result<qint64>(session.error());
        if (id) {
            const qint64 projectId = id.value();
            id = session.value()->pool().withClient(QStringLiteral("loadtest.store"), [&](Connection& connection) {
                return recordLoadTest(connection, projectId, result.value());
            });
        }
        if (id)
            stored.insert(QStringLiteral("storedId"), id.value());
        else
            context.err << "ops-console loadtest: result not stored: " << id.error().toString() << '\n';
    }

    if (parser.isSet(json)) {
        QJsonObject o = toJson(result.value());
        for (auto it = stored.constBegin(); it != stored.constEnd(); ++it)
            o.insert(it.key(), it.value());
        context.out << QJsonDocument(o).toJson(QJsonDocument::Compact) << '\n';
    } else {
        printText(context.out, result.value());
        if (stored.contains(QStringLiteral("storedId")))
            context.out << "stored as load test " << stored.value(QStringLiteral("storedId")).toInteger() << '\n';
    }
    return result->successRate() >= wanted && result->completed == result->requests ? 0 : 1;
}

} // namespace ops::app
