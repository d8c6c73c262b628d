// SPDX-License-Identifier: MIT
// What the tab computes in the database, against a real server: charts aggregated in SQL, the Day 1
// isolation check, the CSV export of a filter streamed page by page, and live following of a file
// by the GUI's watcher that resumes exactly once after a restart.
#include "SandboxFixture.h"

#include "sandbox/IsolationCheck.h"
#include "sandbox/ViolationCsvExport.h"
#include "sandbox/ViolationStats.h"
#include "sandbox/ViolationStore.h"
#include "sandbox/ViolationTailWatcher.h"

#include <QDeadlineTimer>

#include <set>
#include <QFile>
#include <QTemporaryDir>

using namespace ops::services;
using namespace ops::services::sandbox;
using ops::testing::SandboxFixture;

namespace {

const QDateTime kBase = QDateTime::fromString(QStringLiteral("2026-11-23T10:00:00Z"), Qt::ISODate);

ViolationEvent makeEvent(ViolationKind kind, const QString& target, QDateTime at, Decision decision = Decision::Blocked,
                         const QString& agent = QStringLiteral("claude"))
{
    ViolationEvent event;
    event.kind = kind;
    event.target = target;
    event.occurredAt = at;
    event.decision = decision;
    event.agent = agent;
    event.machine = QStringLiteral("devbox");
    return event;
}

bool spinUntil(const std::function<bool()>& done, int milliseconds = 15000)
{
    QDeadlineTimer deadline(milliseconds);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    return true;
}

using SandboxViewsTest = SandboxFixture;

} // namespace

TEST_F(SandboxViewsTest, ChartsAreAggregatedInTheDatabaseOverTheFilter)
{
    std::vector<ViolationEvent> events;
    for (int i = 0; i < 5; ++i)
        events.push_back(makeEvent(ViolationKind::Network, QStringLiteral("evil.example.com:443"), kBase.addSecs(60 * i)));
    for (int i = 0; i < 3; ++i)
        events.push_back(makeEvent(ViolationKind::Secret, QStringLiteral("/app/.env.local"), kBase.addSecs(3600 + i), Decision::Blocked,
                                   QStringLiteral("cat")));
    events.push_back(makeEvent(ViolationKind::FileWrite, QStringLiteral("/etc/hosts"), kBase.addSecs(2 * 3600 + 5)));
    ASSERT_TRUE(ViolationStore::insertEvents(*m_admin, m_project, events).ok());

    auto stats = ViolationStats::load(*m_admin, m_project, {});
    ASSERT_TRUE(stats.ok()) << stats.error().toString().toStdString();
    ASSERT_EQ(stats->perHour.size(), 3u);  // 10:00 network, 11:00 secret, 12:00 file_write
    EXPECT_EQ(stats->perHour[0].hour, kBase);
    EXPECT_EQ(stats->perHour[0].kind, QStringLiteral("network"));
    EXPECT_EQ(stats->perHour[0].count, 5);
    EXPECT_EQ(stats->perHour[1].count, 3);
    ASSERT_EQ(stats->topTargets.size(), 3u);
    EXPECT_EQ(stats->topTargets[0].label, QStringLiteral("evil.example.com:443"));
    EXPECT_EQ(stats->topTargets[0].count, 5);
    ASSERT_EQ(stats->topSources.size(), 2u);
    EXPECT_EQ(stats->topSources[0].label, QStringLiteral("devbox / claude"));
    EXPECT_EQ(stats->topSources[0].count, 6);

    ViolationFilter secrets;
    secrets.kind = QStringLiteral("secret");
    stats = ViolationStats::load(*m_admin, m_project, secrets);
    ASSERT_TRUE(stats.ok());
    ASSERT_EQ(stats->perHour.size(), 1u);
    EXPECT_EQ(stats->perHour[0].count, 3);
    ASSERT_EQ(stats->topSources.size(), 1u);
    EXPECT_EQ(stats->topSources[0].label, QStringLiteral("devbox / cat"));

    // The default window is the last hours before the newest event: older hours are left out.
    stats = ViolationStats::load(*m_admin, m_project, {}, 1);
    ASSERT_TRUE(stats.ok());
    ASSERT_EQ(stats->perHour.size(), 1u);
    EXPECT_EQ(stats->perHour[0].kind, QStringLiteral("file_write"));
}

TEST_F(SandboxViewsTest, IsolationCheckTurnsGreenOnlyForBlockedEventsInTheWindow)
{
    const IsolationWindow window{kBase, kBase.addSecs(3600)};
    const QString project = QStringLiteral("/home/dev/app");
    // Nothing yet, and things that must not count: allowed events, reads inside the project,
    // blocked events outside the window.
    ASSERT_TRUE(ViolationStore::insertEvents(*m_admin, m_project, {
        makeEvent(ViolationKind::Network, QStringLiteral("github.com:443"), kBase.addSecs(10), Decision::Allowed),
        makeEvent(ViolationKind::FileRead, QStringLiteral("/home/dev/app/src/main.ts"), kBase.addSecs(10)),
        makeEvent(ViolationKind::FileRead, QStringLiteral("/home/dev/app"), kBase.addSecs(10)),
        makeEvent(ViolationKind::Secret, QStringLiteral("/home/dev/app/.env.local"), kBase.addSecs(-10)),
        makeEvent(ViolationKind::Network, QStringLiteral("evil.example.com:443"), kBase.addSecs(7200)),
    }).ok());
    auto items = IsolationCheck::run(*m_admin, m_project, project, window);
    ASSERT_TRUE(items.ok()) << items.error().toString().toStdString();
    for (const IsolationItem& item : items.value())
        EXPECT_FALSE(item.passed) << IsolationCheck::title(item.probe).toStdString();

    // The three probes, blocked, inside the window. A sibling directory whose name starts with the
    // project's is outside it ("/home/dev/app-other").
    ASSERT_TRUE(ViolationStore::insertEvents(*m_admin, m_project, {
        makeEvent(ViolationKind::Secret, QStringLiteral("/home/dev/app/.env.local"), kBase.addSecs(100)),
        makeEvent(ViolationKind::Network, QStringLiteral("example.org:443"), kBase.addSecs(200)),
    }).ok());
    items = IsolationCheck::run(*m_admin, m_project, project, window);
    ASSERT_TRUE(items.ok());
    EXPECT_TRUE(items->at(0).passed);
    EXPECT_EQ(items->at(0).evidenceTarget, QStringLiteral("/home/dev/app/.env.local"));
    EXPECT_TRUE(items->at(1).passed);
    EXPECT_EQ(items->at(1).evidenceTarget, QStringLiteral("example.org:443"));
    // No read outside the project yet: the .env.local read is inside it, the one before the window does not count.
    EXPECT_FALSE(items->at(2).passed);
    EXPECT_FALSE(IsolationCheck::allPassed(items.value()));
    ASSERT_TRUE(ViolationStore::insertEvents(*m_admin, m_project, {
        makeEvent(ViolationKind::FileRead, QStringLiteral("/home/dev/app-other/notes.txt"), kBase.addSecs(300)),
    }).ok());
    items = IsolationCheck::run(*m_admin, m_project, project, window);
    ASSERT_TRUE(items.ok());
    EXPECT_TRUE(items->at(2).passed);
    EXPECT_EQ(items->at(2).evidenceTarget, QStringLiteral("/home/dev/app-other/notes.txt"));
    EXPECT_TRUE(IsolationCheck::allPassed(items.value()));
}

TEST_F(SandboxViewsTest, ReadOutsideTheProjectNeedsATargetOutsideIt)
{
    const IsolationWindow window{kBase, kBase.addSecs(3600)};
    const QString project = QStringLiteral("/home/dev/app_1");  // '_' must be literal in the prefix match
    ASSERT_TRUE(ViolationStore::insertEvents(*m_admin, m_project, {
        makeEvent(ViolationKind::FileRead, QStringLiteral("/home/dev/app_1/src/x.ts"), kBase.addSecs(10)),
    }).ok());
    auto items = IsolationCheck::run(*m_admin, m_project, project, window);
    ASSERT_TRUE(items.ok());
    EXPECT_FALSE(items->at(2).passed);
    ASSERT_TRUE(ViolationStore::insertEvents(*m_admin, m_project, {
        makeEvent(ViolationKind::FileRead, QStringLiteral("/home/dev/appX1/secret.txt"), kBase.addSecs(20)),
    }).ok());
    items = IsolationCheck::run(*m_admin, m_project, project, window);
    ASSERT_TRUE(items.ok());
    EXPECT_TRUE(items->at(2).passed);
    EXPECT_EQ(items->at(2).evidenceTarget, QStringLiteral("/home/dev/appX1/secret.txt"));
    EXPECT_FALSE(items->at(0).passed);
    EXPECT_FALSE(items->at(1).passed);
}

TEST_F(SandboxViewsTest, CsvExportStreamsEveryRowOfTheFilterOnceAndIsFormulaSafe)
{
    std::vector<ViolationEvent> events;
    const int rows = ViolationCsvExport::PageRows * 2 + 123;  // three pages
    for (int i = 0; i < rows; ++i)
        events.push_back(makeEvent(i % 2 ? ViolationKind::Network : ViolationKind::FileRead,
                                   QStringLiteral("t-%1").arg(i), kBase.addSecs(i % 10)));  // equal times: ties by id
    events.push_back(makeEvent(ViolationKind::Network, QStringLiteral("=cmd|' /C calc'!A0"), kBase));
    events.push_back(makeEvent(ViolationKind::Network, QStringLiteral("line\nbreak, \"quoted\""), kBase));
    ASSERT_TRUE(ViolationStore::insertEvents(*m_admin, m_project, events).ok());

    QTemporaryDir directory;
    const QString path = directory.filePath(QStringLiteral("out.csv"));
    ViolationFilter network;
    network.kind = QStringLiteral("network");
    std::vector<qint64> progress;
    auto written = ViolationCsvExport::exportTo(*m_pool, m_project, network, path, [&](qint64 n) { progress.push_back(n); });
    ASSERT_TRUE(written.ok()) << written.error().toString().toStdString();
    const qint64 expected = rows / 2 + 2;
    EXPECT_EQ(written.value(), expected);
    EXPECT_GE(progress.size(), 2u);  // page by page

    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(file.readAll());
    EXPECT_TRUE(text.startsWith(ViolationCsvExport::headerLine()));
    for (int i = 1; i < rows; i += 2)
        EXPECT_EQ(text.count(QStringLiteral(",t-%1,").arg(i)), 1) << i;
    EXPECT_EQ(text.count(QStringLiteral(",t-0,")), 0);  // file reads are not in the filter
    EXPECT_TRUE(text.contains(QStringLiteral(",'=cmd|' /C calc'!A0,")));
    EXPECT_TRUE(text.contains(QStringLiteral(",\"line\nbreak, \"\"quoted\"\"\",")));
    // Every record ends with CRLF; the one embedded LF is inside quotes.
    EXPECT_EQ(text.count(QStringLiteral("\r\n")), int(expected) + 1);

    // A cancelled export leaves no file behind.
    const QString cancelledPath = directory.filePath(QStringLiteral("cancelled.csv"));
    std::atomic_bool cancel{true};
    EXPECT_FALSE(ViolationCsvExport::exportTo(*m_pool, m_project, {}, cancelledPath, {}, &cancel).ok());
    EXPECT_FALSE(QFile::exists(cancelledPath));
}

TEST_F(SandboxViewsTest, FollowedFileIsIngestedLiveAndResumedExactlyOnceAfterARestart)
{
    QTemporaryDir directory;
    const QString path = directory.filePath(QStringLiteral("live.jsonl"));
    int written = 0;
    auto append = [&](int count, bool partialLast = false) {
        QFile file(path);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Append));
        for (int i = 0; i < count; ++i) {
            ++written;
            file.write(QStringLiteral("{\"kind\":\"network\",\"target\":\"h%1.example.com:443\",\"time\":\"2026-11-23T10:00:00Z\"}")
                           .arg(written).toUtf8());
            if (!(partialLast && i == count - 1))
                file.write("\n");
        }
    };
    append(50);
    {
        ViolationTailWatcher watcher(m_pool.get(), m_project, nullptr, std::chrono::milliseconds(50));
        std::vector<QString> failures;
        QObject::connect(&watcher, &ViolationTailWatcher::failed, [&](const QString&, const QString& message) { failures.push_back(message); });
        watcher.follow(path);
        EXPECT_EQ(watcher.followed(), QStringList{path});
        ASSERT_TRUE(spinUntil([&] { return violationRows() == 50; })) << violationRows();
        append(30, true);  // the 30th line is still being written
        ASSERT_TRUE(spinUntil([&] { return violationRows() == 79; })) << violationRows();
        EXPECT_TRUE(failures.empty());
    }  // the console quits here
    {
        QFile file(path);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Append));
        file.write("\n");  // the partial line completed while the console was closed
    }
    append(20);
    ViolationTailWatcher restarted(m_pool.get(), m_project, nullptr, std::chrono::milliseconds(50));
    restarted.follow(path);
    ASSERT_TRUE(spinUntil([&] { return violationRows() == 100; })) << violationRows();
    // A few more polls store nothing twice.
    for (int i = 0; i < 10; ++i)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 30);
    EXPECT_EQ(violationRows(), 100);
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(DISTINCT target) FROM ops.sandbox_violations")), QStringLiteral("100"));
}

TEST_F(SandboxViewsTest, AMemberOfAnotherProjectGetsNothingFromChartsChecksOrPages)
{
    ASSERT_TRUE(ViolationStore::insertEvents(*m_admin, m_project, {
        makeEvent(ViolationKind::Secret, QStringLiteral("/home/dev/app/.env.local"), kBase.addSecs(10)),
        makeEvent(ViolationKind::Network, QStringLiteral("example.org:443"), kBase.addSecs(20)),
    }).ok());
    const qint64 other = createProject(QStringLiteral("other"));
    auto outsider = loginAs(QStringLiteral("ops_operator"), other);
    ASSERT_TRUE(outsider);
    // Asking for the demo project by its id: row-level security hides every row.
    auto stats = ViolationStats::load(*outsider, m_project, {});
    ASSERT_TRUE(stats.ok()) << stats.error().toString().toStdString();
    EXPECT_TRUE(stats->perHour.empty());
    EXPECT_TRUE(stats->topTargets.empty());
    auto items = IsolationCheck::run(*outsider, m_project, QStringLiteral("/home/dev/app"), {});
    ASSERT_TRUE(items.ok());
    EXPECT_FALSE(items->at(0).passed);
    EXPECT_FALSE(items->at(1).passed);
    auto page = ViolationQuery::page(*outsider, m_project, {}, std::nullopt, 100);
    ASSERT_TRUE(page.ok());
    EXPECT_TRUE(page->empty());
    auto again = ViolationQuery::byIds(*outsider, m_project, {1, 2});
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->empty());
    EXPECT_EQ(ViolationQuery::maxId(*outsider, m_project).value(), 0);
    // The same calls as the admin do see them (the test above would pass on an empty table too).
    EXPECT_EQ(ViolationQuery::page(*m_admin, m_project, {}, std::nullopt, 100)->size(), 2u);
    EXPECT_TRUE(IsolationCheck::run(*m_admin, m_project, QStringLiteral("/home/dev/app"), {})->at(0).passed);
}
