// SPDX-License-Identifier: MIT
// Batched ingest of the sample files into a real database, the import command's exit codes,
// one NOTIFY per insert statement, triage permissions and project isolation.
#include "SandboxFixture.h"

#include "AppOptions.h"
#include "commands/ViolationCommands.h"
#include "sandbox/ViolationImporter.h"
#include "sandbox/ViolationQuery.h"
#include "sandbox/ViolationStore.h"

#include <set>

#include <QDir>
#include <QTemporaryDir>

#include <libpq-fe.h>

using namespace ops::services;
using namespace ops::services::sandbox;
using ops::testing::SandboxFixture;

namespace {

const char* const kSamples[] = {"macos-kernel.log", "srt-proxy.log", "srt-seccomp.log", "srt-stderr.txt",
                                "syslog-srt.log", "falco.jsonl", "ops-events.jsonl", "hostile.txt"};
// Events and unparsed lines per sample, as the parser tests establish.
constexpr qint64 kEvents = 6 + 4 + 6 + 3 + 3 + 4 + 3 + 8;
constexpr qint64 kUnparsed = 1 + 2 + 0 + 3 + 0 + 1 + 5 + 2;

QString sample(const char* name) { return QStringLiteral(OPS_TEST_DATA "/sandbox/") + QLatin1String(name); }

class SandboxIngestTest : public SandboxFixture {};

} // namespace

TEST_F(SandboxIngestTest, EverySampleImportsAndReimportStoresNothingTwice)
{
    ViolationImporter importer(*m_pool, m_project, 3);  // small batches: several statements per file
    qint64 imported = 0, unparsed = 0;
    for (const char* name : kSamples) {
        auto summary = importer.importFile(sample(name));
        ASSERT_TRUE(summary.ok()) << name << ": " << summary.error().toString().toStdString();
        imported += summary->imported;
        unparsed += summary->unparsed;
        EXPECT_EQ(summary->duplicates, 0) << name;
    }
    EXPECT_EQ(imported, kEvents);
    EXPECT_EQ(unparsed, kUnparsed);
    EXPECT_EQ(violationRows(), kEvents);
    EXPECT_EQ(unparsedRows(), kUnparsed);
    // Hostile text survives the round trip as text.
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.sandbox_violations WHERE target = $1"),
                     {QStringLiteral("/tmp/nul") + QChar(0x2400) + QStringLiteral("byte")}), QStringLiteral("1"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.sandbox_violations WHERE target LIKE '%' || chr(27) || '[31m%'")),
              QStringLiteral("1"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.sandbox_violations WHERE target_untrusted")),
              QStringLiteral("13"));  // seccomp hints: 6 in their file, 1 via syslog, 6 hostile lines
    EXPECT_EQ(scalar(QStringLiteral("SELECT line_number FROM ops.sandbox_unparsed WHERE source_name LIKE '%srt-proxy.log' ORDER BY line_number LIMIT 1")),
              QStringLiteral("5"));

    for (const char* name : kSamples) {
        auto again = importer.importFile(sample(name));
        ASSERT_TRUE(again.ok());
        EXPECT_EQ(again->imported, 0) << name;
    }
    EXPECT_EQ(violationRows(), kEvents);
}

TEST_F(SandboxIngestTest, OneNotificationPerInsertStatement)
{
    auto listener = ops::testing::TestCluster::shared().connect(m_options.database());
    ASSERT_TRUE(listener->exec(QStringLiteral("LISTEN ops_sandbox")).ok());
    std::vector<ViolationEvent> events(500);
    for (int i = 0; i < 500; ++i) {
        events[i].occurredAt = QDateTime::currentDateTimeUtc();
        events[i].kind = ViolationKind::Network;
        events[i].target = QStringLiteral("host%1.example.com:443").arg(i);
    }
    auto inserted = ViolationStore::insertEvents(*m_admin, m_project, events);
    ASSERT_TRUE(inserted.ok()) << inserted.error().toString().toStdString();
    EXPECT_EQ(inserted.value(), 500);
    ASSERT_TRUE(listener->exec(QStringLiteral("SELECT 1")).ok());  // delivers pending notifications
    PQconsumeInput(listener->raw());
    int notifications = 0;
    QByteArray payload;
    while (PGnotify* notify = PQnotifies(listener->raw())) {
        ++notifications;
        payload = notify->extra;
        PQfreemem(notify);
    }
    EXPECT_EQ(notifications, 1);
    EXPECT_TRUE(payload.contains("\"rows\" : 500")) << payload.constData();
}

TEST_F(SandboxIngestTest, ViewerCannotTriageOperatorCanAndItIsAudited)
{
    std::vector<ViolationEvent> events(3);
    for (auto& event : events) {
        event.occurredAt = QDateTime::currentDateTimeUtc();
        event.kind = ViolationKind::Secret;
        event.target = QStringLiteral("/app/.env.local");
    }
    ASSERT_TRUE(ViolationStore::insertEvents(*m_admin, m_project, events).ok());
    const QString ids = QStringLiteral("{1,2,3}");
    auto viewer = loginAs(QStringLiteral("ops_viewer"), m_project);
    auto refused = viewer->exec(QStringLiteral("SELECT ops.set_violation_status($1, $2::bigint[], 'resolved', '')"),
                                {m_project, ids});
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().sqlstate, QStringLiteral("42501"));
    EXPECT_FALSE(viewer->exec(QStringLiteral("UPDATE ops.sandbox_violations SET status = 'resolved'")).ok());
    EXPECT_EQ(viewer->exec(QStringLiteral("SELECT count(*) FROM ops.sandbox_violations"))->scalar(), QStringLiteral("3"));

    auto operatorConnection = loginAs(QStringLiteral("ops_operator"), m_project);
    auto changed = operatorConnection->exec(QStringLiteral("SELECT ops.set_violation_status($1, $2::bigint[], 'acknowledged', 'seen')"),
                                            {m_project, ids});
    ASSERT_TRUE(changed.ok()) << changed.error().toString().toStdString();
    EXPECT_EQ(changed->scalar(), QStringLiteral("3"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.sandbox_violations WHERE status = 'acknowledged'")), QStringLiteral("3"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT subject FROM ops.audit_log WHERE action = 'sandbox.status_changed'")),
              QStringLiteral("3 sandbox violations -> acknowledged"));
}

TEST_F(SandboxIngestTest, MemberOfAnotherProjectSeesNothingAndCannotIngest)
{
    std::vector<ViolationEvent> events(2);
    for (auto& event : events) {
        event.occurredAt = QDateTime::currentDateTimeUtc();
        event.kind = ViolationKind::Network;
        event.target = QStringLiteral("evil.example.com:443");
    }
    ASSERT_TRUE(ViolationStore::insertEvents(*m_admin, m_project, events).ok());
    const qint64 other = createProject(QStringLiteral("other"));
    auto outsider = loginAs(QStringLiteral("ops_operator"), other);
    EXPECT_EQ(outsider->exec(QStringLiteral("SELECT count(*) FROM ops.sandbox_violations"))->scalar(), QStringLiteral("0"));
    auto ingest = ViolationStore::insertEvents(*outsider, m_project, events);
    ASSERT_FALSE(ingest.ok());
    EXPECT_EQ(ingest.error().sqlstate, QStringLiteral("42501"));
    auto triage = outsider->exec(QStringLiteral("SELECT ops.set_violation_status($1, '{1,2}'::bigint[], 'resolved', '')"), {m_project});
    ASSERT_FALSE(triage.ok());
    EXPECT_EQ(triage.error().sqlstate, QStringLiteral("42501"));
    EXPECT_EQ(violationRows(), 2);
}

TEST_F(SandboxIngestTest, ImportCommandExitCodesAndSummary)
{
    ops::app::AppOptions options;
    options.connectionString = QStringLiteral("host=%1 port=5432 dbname=%2 user=%3")
                                   .arg(ops::testing::TestCluster::shared().server().socketDirectory(),
                                        m_options.database(), m_options.user());
    QString outText, errText;
    QTextStream out(&outText), err(&errText);
    auto run = [&](const QStringList& arguments) {
        outText.clear();
        errText.clear();
        const int code = ops::app::runViolationsImportCommand(ops::app::CommandContext{options, arguments, out, err});
        out.flush();
        err.flush();
        return code;
    };
    EXPECT_EQ(run({sample("ops-events.jsonl")}), 0) << errText.toStdString();
    EXPECT_TRUE(outText.contains(QStringLiteral("imported=3"))) << outText.toStdString();
    EXPECT_TRUE(outText.contains(QStringLiteral("unparsed=5")));
    EXPECT_TRUE(outText.contains(QStringLiteral("ops-events.jsonl:8: invalid JSON")));
    EXPECT_EQ(violationRows(), 3);

    EXPECT_EQ(run({sample("ops-events.jsonl")}), 0);
    EXPECT_TRUE(outText.contains(QStringLiteral("imported=0"))) << outText.toStdString();
    EXPECT_TRUE(outText.contains(QStringLiteral("duplicates=3")));

    EXPECT_EQ(run({sample("hostile.txt")}), 0);
    EXPECT_FALSE(outText.contains(QChar(0x1b)));  // terminal escapes are shown as \x1b, never sent

    EXPECT_EQ(run({QStringLiteral("/nonexistent/violations.log")}), 1);
    EXPECT_EQ(run({}), 2);
    EXPECT_EQ(run({sample("ops-events.jsonl"), QStringLiteral("--project"), QStringLiteral("no-such-project")}), 3);

    // The database refuses: a viewer may read but not ingest.
    ASSERT_TRUE(m_admin->execScript(QStringLiteral("CREATE ROLE sbx_viewer_cmd LOGIN IN ROLE ops_viewer")).ok());
    ASSERT_TRUE(m_admin->exec(QStringLiteral("INSERT INTO ops.project_members (project_id, member) VALUES ($1, 'sbx_viewer_cmd')"),
                              {m_project}).ok());
    options.connectionString = QStringLiteral("host=%1 port=5432 dbname=%2 user=sbx_viewer_cmd")
                                   .arg(ops::testing::TestCluster::shared().server().socketDirectory(), m_options.database());
    EXPECT_EQ(run({sample("srt-proxy.log")}), 3) << outText.toStdString();
    EXPECT_TRUE(errText.contains(QStringLiteral("permission denied"))) << errText.toStdString();
}

TEST_F(SandboxIngestTest, KeysetPagingReturnsEveryRowOnceWhileInsertsHappen)
{
    auto makeEvents = [](int count, int base) {
        std::vector<ViolationEvent> events(count);
        const QDateTime start = QDateTime::fromString(QStringLiteral("2026-11-23T00:00:00Z"), Qt::ISODate);
        for (int i = 0; i < count; ++i) {
            events[i].occurredAt = start.addSecs((base + i) % 50);  // many equal times: the id breaks ties
            events[i].kind = i % 2 ? ViolationKind::Network : ViolationKind::FileRead;
            events[i].target = QStringLiteral("t-%1").arg(base + i);
        }
        return events;
    };
    ASSERT_TRUE(ViolationStore::insertEvents(*m_admin, m_project, makeEvents(1000, 0)).ok());
    const qint64 maxIdBefore = scalar(QStringLiteral("SELECT max(id) FROM ops.sandbox_violations")).toLongLong();
    std::set<qint64> seen;
    std::optional<ops::services::sandbox::PageCursor> cursor;
    int inserted = 0;
    for (;;) {
        auto page = ViolationQuery::page(*m_admin, m_project, {}, cursor, 37);
        ASSERT_TRUE(page.ok()) << page.error().toString().toStdString();
        if (page->empty())
            break;
        for (const auto& row : page.value())
            EXPECT_TRUE(seen.insert(row.id).second) << "row " << row.id << " twice";
        cursor = ops::services::sandbox::PageCursor{page->back().occurredAt, page->back().id};
        // Concurrent writers: new rows (some with old times) arrive between pages.
        ASSERT_TRUE(ViolationStore::insertEvents(*m_admin, m_project, makeEvents(10, 1000 + inserted)).ok());
        inserted += 10;
    }
    for (qint64 id = 1; id <= maxIdBefore; ++id)
        EXPECT_TRUE(seen.count(id)) << "row " << id << " missing";
    // Rows inserted meanwhile are found by id, as the tab does on NOTIFY.
    auto newer = ViolationQuery::newer(*m_admin, m_project, {}, maxIdBefore, 100000);
    ASSERT_TRUE(newer.ok());
    EXPECT_EQ(qint64(newer->size()), inserted);

    ViolationFilter filter;
    filter.kind = QStringLiteral("network");
    filter.text = QStringLiteral("t-1_");  // '_' is literal, not a wildcard
    auto filtered = ViolationQuery::page(*m_admin, m_project, filter, std::nullopt, 1000);
    ASSERT_TRUE(filtered.ok());
    EXPECT_TRUE(filtered->empty());
    filter.text = QStringLiteral("T-99");
    filtered = ViolationQuery::page(*m_admin, m_project, filter, std::nullopt, 1000);
    ASSERT_TRUE(filtered.ok());
    // network rows are odd i: t-99, t-991, t-993, t-995, t-997, t-999 (t-990..998 even are file reads)
    EXPECT_EQ(filtered->size(), 6u);
}
