// SPDX-License-Identifier: MIT
// Two ops-console processes roll back the same environment at the same instant against one
// database and one (loopback) provider: exactly one provider call, the other process is told who
// holds the environment and exits 5. Then `audit verify` as a process finds an owner's edit.
#include "TestCluster.h"
#include "TestSecrets.h"

#include "common/ProcessRunner.h"
#include "demo/DemoPlatform.h"

#include <gtest/gtest.h>

#include <csignal>
#include <latch>
#include <thread>

using namespace ops::services;
using ops::testing::TestCluster;
using namespace std::chrono_literals;

namespace {

QString scalar(Connection& connection, const QString& sql)
{
    auto r = connection.exec(sql);
    return r ? r->scalar() : QStringLiteral("ERROR ") + r.error().message;
}

// The platform's token is one of the suite's test secrets: the leak scan looks for it in every
// file the console processes below wrote.
DemoPlatform::Config withTestToken()
{
    DemoPlatform::Config config;
    config.token = QString::fromUtf8(ops::testing::testsecrets::deployToken);
    return config;
}

ProcessResult console(const QStringList& arguments)
{
    ProcessOptions options;
    options.timeout = 60s;
    options.environment.insert(QStringLiteral("OPS_DEPLOY_TOKEN"), QString::fromUtf8(ops::testing::testsecrets::deployToken));
    options.environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    auto result = ProcessRunner::run(QStringLiteral(OPS_CONSOLE_BINARY), arguments, options);
    EXPECT_TRUE(result.ok());
    return result.ok() ? result.value() : ProcessResult{};
}

} // namespace

TEST(DeployProcessTest, TwoConsoleProcessesRollBackAtOnceOneProviderCallOtherNamesTheHolder)
{
    auto database = TestCluster::shared().createDatabase();
    ASSERT_TRUE(database.ok());
    DemoPlatform platform(withTestToken());
    ASSERT_TRUE(platform.start().ok());
    const QStringList common{QStringLiteral("--dsn"), TestCluster::shared().connectionString(database->database())};
    const QStringList provider{QStringLiteral("--provider-url"), platform.baseUrl(), QStringLiteral("--health-url"),
                               platform.baseUrl()};
    // Record the deployments once so both processes plan the same rollback.
    const ProcessResult listed = console(common + QStringList{QStringLiteral("deployments"), QStringLiteral("--json")} + provider);
    ASSERT_EQ(listed.exitCode, 0) << listed.output.toStdString();
    ASSERT_TRUE(listed.output.contains("\"version\": \"v4\"")) << listed.output.toStdString();
    platform.setProviderDelayMs(1500);  // the winner stays unfinished while the other one asks

    std::latch go(2);
    ProcessResult first, second;
    const QStringList rollback = common + QStringList{QStringLiteral("rollback"), QStringLiteral("--env"),
                                                      QStringLiteral("production"), QStringLiteral("--yes")} + provider;
    std::thread a([&] { go.arrive_and_wait(); first = console(rollback); });
    std::thread b([&] { go.arrive_and_wait(); second = console(rollback); });
    a.join();
    b.join();

    EXPECT_EQ(platform.rollbackCalls(), 1);
    const ProcessResult& winner = first.exitCode == 0 ? first : second;
    const ProcessResult& loser = first.exitCode == 0 ? second : first;
    EXPECT_EQ(winner.exitCode, 0) << winner.output.toStdString();
    EXPECT_EQ(loser.exitCode, 5) << loser.output.toStdString();
    EXPECT_TRUE(loser.output.contains("already being changed: rollback by")) << loser.output.toStdString();
    EXPECT_TRUE(loser.output.contains("to v3 since")) << loser.output.toStdString();
    EXPECT_EQ(platform.liveVersion(), QStringLiteral("v3"));

    const ProcessResult intact = console(common + QStringList{QStringLiteral("audit"), QStringLiteral("verify")});
    EXPECT_EQ(intact.exitCode, 0) << intact.output.toStdString();
    auto admin = TestCluster::shared().connect(database->database());
    ASSERT_TRUE(admin->execScript(QStringLiteral(
        "ALTER TABLE ops.audit_log DISABLE TRIGGER audit_log_append_only; "
        "UPDATE ops.audit_log SET actor = 'someone_else' WHERE id = 2; "
        "ALTER TABLE ops.audit_log ENABLE TRIGGER audit_log_append_only;")).ok());
    const ProcessResult broken = console(common + QStringList{QStringLiteral("audit"), QStringLiteral("verify")});
    EXPECT_EQ(broken.exitCode, 1) << broken.output.toStdString();
    EXPECT_TRUE(broken.output.contains("BROKEN at row 2")) << broken.output.toStdString();
}

namespace {

// Waits until the only rollout is in `state`; false after 30 s.
bool waitForState(Connection& admin, const QString& state)
{
    for (int i = 0; i < 300; ++i) {
        auto r = admin.exec(QStringLiteral("SELECT state FROM ops.rollouts ORDER BY id DESC LIMIT 1"));
        if (r && r->scalar() == state)
            return true;
        std::this_thread::sleep_for(100ms);
    }
    return false;
}

class KilledConsoleTest : public ::testing::TestWithParam<QString> {};

} // namespace

TEST_P(KilledConsoleTest, ANewConsoleRecoversTheOperation)
{
    const QString killedIn = GetParam();
    auto database = TestCluster::shared().createDatabase();
    ASSERT_TRUE(database.ok());
    auto admin = TestCluster::shared().connect(database->database());
    DemoPlatform platform(withTestToken());
    ASSERT_TRUE(platform.start().ok());
    const QStringList common{QStringLiteral("--dsn"), TestCluster::shared().connectionString(database->database())};
    const QStringList provider{QStringLiteral("--provider-url"), platform.baseUrl(), QStringLiteral("--health-url"),
                               platform.baseUrl()};
    ASSERT_EQ(console(common + QStringList{QStringLiteral("deployments")} + provider).exitCode, 0);

    if (killedIn == QLatin1String("running"))
        platform.setProviderDelayMs(20000);  // the provider acts at once but answers late
    else
        platform.setDegraded(true);          // verification keeps polling a degraded platform
    ProcessOptions options;
    options.environment.insert(QStringLiteral("OPS_DEPLOY_TOKEN"), QString::fromUtf8(ops::testing::testsecrets::deployToken));
    auto pid = ProcessRunner::startDetached(QStringLiteral(OPS_CONSOLE_BINARY),
                                            common + QStringList{QStringLiteral("rollback"), QStringLiteral("--yes")} + provider,
                                            options);
    ASSERT_TRUE(pid.ok());
    ASSERT_TRUE(waitForState(*admin, killedIn)) << "the console never reached " << killedIn.toStdString();
    // "running" is recorded just before the request goes out: kill after the provider has it.
    for (int i = 0; i < 100 && platform.rollbackCalls() == 0; ++i)
        std::this_thread::sleep_for(50ms);
    ASSERT_EQ(platform.rollbackCalls(), 1);
    ASSERT_EQ(::kill(pid_t(*pid), SIGKILL), 0);
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(scalar(*admin, QStringLiteral("SELECT state FROM ops.rollouts")), killedIn) << "left unfinished by the kill";

    platform.setProviderDelayMs(0);
    platform.setDegraded(false);
    // A console that starts later (no heartbeat for 0 s counts as dead here) finishes it.
    const ProcessResult next = console(common + QStringList{QStringLiteral("deployments"), QStringLiteral("--recover-after"),
                                                            QStringLiteral("0")} + provider);
    EXPECT_EQ(next.exitCode, 0) << next.output.toStdString();
    EXPECT_TRUE(next.output.contains("recovered rollout")) << next.output.toStdString();
    EXPECT_EQ(scalar(*admin, QStringLiteral("SELECT state FROM ops.rollouts")), QStringLiteral("succeeded"));
    EXPECT_EQ(platform.rollbackCalls(), 1);
    EXPECT_EQ(platform.liveVersion(), QStringLiteral("v3"));
}

INSTANTIATE_TEST_SUITE_P(States, KilledConsoleTest, ::testing::Values(QStringLiteral("running"), QStringLiteral("verifying")),
                         [](const auto& info) { return info.param.toStdString(); });

TEST(DeployProcessTest, LockRefusesPromotionAndUndoButNotRollbackUntilUnlocked)
{
    auto database = TestCluster::shared().createDatabase();
    ASSERT_TRUE(database.ok());
    DemoPlatform platform(withTestToken());
    ASSERT_TRUE(platform.start().ok());
    const QStringList common{QStringLiteral("--dsn"), TestCluster::shared().connectionString(database->database())};
    const QStringList provider{QStringLiteral("--provider-url"), platform.baseUrl(), QStringLiteral("--health-url"),
                               platform.baseUrl()};
    auto run = [&](const QStringList& command) { return console(common + command + provider); };
    ASSERT_EQ(run({QStringLiteral("deployments")}).exitCode, 0);

    const ProcessResult noReason = run({QStringLiteral("lock"), QStringLiteral("--env"), QStringLiteral("production")});
    EXPECT_EQ(noReason.exitCode, 2) << noReason.output.toStdString();
    const ProcessResult badUntil = run({QStringLiteral("lock"), QStringLiteral("--reason"), QStringLiteral("freeze"),
                                        QStringLiteral("--until"), QStringLiteral("tomorrowish")});
    EXPECT_EQ(badUntil.exitCode, 2);
    EXPECT_TRUE(badUntil.output.contains("not a time")) << badUntil.output.toStdString();

    const ProcessResult locked = run({QStringLiteral("lock"), QStringLiteral("--env"), QStringLiteral("production"),
                                      QStringLiteral("--reason"), QStringLiteral("release freeze"), QStringLiteral("--until"),
                                      QStringLiteral("+2h")});
    ASSERT_EQ(locked.exitCode, 0) << locked.output.toStdString();
    const ProcessResult listed = run({QStringLiteral("deployments"), QStringLiteral("--json")});
    EXPECT_TRUE(listed.output.contains(": release freeze (until ")) << listed.output.toStdString();

    const ProcessResult promote = run({QStringLiteral("promote"), QStringLiteral("--from"), QStringLiteral("staging"),
                                       QStringLiteral("--yes")});
    EXPECT_EQ(promote.exitCode, 5) << promote.output.toStdString();
    EXPECT_TRUE(promote.output.contains("production is locked by")) << promote.output.toStdString();
    const ProcessResult rollback = run({QStringLiteral("rollback"), QStringLiteral("--yes")});
    EXPECT_EQ(rollback.exitCode, 0) << rollback.output.toStdString();
    const ProcessResult lockedUndo = run({QStringLiteral("undo"), QStringLiteral("--yes")});
    EXPECT_EQ(lockedUndo.exitCode, 5) << lockedUndo.output.toStdString();
    EXPECT_EQ(platform.promoteCalls(), 0);

    ASSERT_EQ(run({QStringLiteral("unlock"), QStringLiteral("--env"), QStringLiteral("production")}).exitCode, 0);
    const ProcessResult undo = run({QStringLiteral("undo"), QStringLiteral("--yes"), QStringLiteral("--verify-window"), QStringLiteral("2")});
    // Undo brings back v4, the bad version: it happens, and verification says so.
    EXPECT_EQ(undo.exitCode, 4) << undo.output.toStdString();
    EXPECT_TRUE(undo.output.contains("Undo the rollback of production: promote v4 again (now v3)")) << undo.output.toStdString();
    EXPECT_EQ(platform.promoteCalls(), 1);
    EXPECT_EQ(platform.liveVersion(), QStringLiteral("v4"));
    EXPECT_FALSE(platform.pinned());
}

// Killed in "requested": the console recorded the rollout but had not called the provider. A
// trigger (test only) holds the move to "running" for 3 s so the kill lands in between; the open
// transaction dies with the console. The next console finds it, the provider never acted: failed.
TEST(DeployProcessTest, KilledBeforeTheProviderCallIsRecoveredAsFailed)
{
    auto database = TestCluster::shared().createDatabase();
    ASSERT_TRUE(database.ok());
    auto admin = TestCluster::shared().connect(database->database());
    DemoPlatform platform(withTestToken());
    ASSERT_TRUE(platform.start().ok());
    const QStringList common{QStringLiteral("--dsn"), TestCluster::shared().connectionString(database->database())};
    const QStringList provider{QStringLiteral("--provider-url"), platform.baseUrl(), QStringLiteral("--health-url"),
                               platform.baseUrl()};
    ASSERT_EQ(console(common + QStringList{QStringLiteral("deployments")} + provider).exitCode, 0);
    ASSERT_TRUE(admin->execScript(QStringLiteral(
        "CREATE FUNCTION ops.test_hold_running() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN IF NEW.state = 'running' THEN PERFORM pg_sleep(3); END IF; RETURN NEW; END $$; "
        "CREATE TRIGGER test_hold_running BEFORE UPDATE ON ops.rollouts FOR EACH ROW EXECUTE FUNCTION ops.test_hold_running();")).ok());

    ProcessOptions options;
    options.environment.insert(QStringLiteral("OPS_DEPLOY_TOKEN"), QString::fromUtf8(ops::testing::testsecrets::deployToken));
    auto pid = ProcessRunner::startDetached(QStringLiteral(OPS_CONSOLE_BINARY),
                                            common + QStringList{QStringLiteral("rollback"), QStringLiteral("--yes")} + provider,
                                            options);
    ASSERT_TRUE(pid.ok());
    ASSERT_TRUE(waitForState(*admin, QStringLiteral("requested")));
    std::this_thread::sleep_for(500ms);  // inside the held move to "running"
    ASSERT_EQ(::kill(pid_t(*pid), SIGKILL), 0);
    // Dropping the trigger waits for the dead console's transaction to end (rolled back).
    ASSERT_TRUE(admin->execScript(QStringLiteral("DROP TRIGGER test_hold_running ON ops.rollouts; DROP FUNCTION ops.test_hold_running();")).ok());
    EXPECT_EQ(scalar(*admin, QStringLiteral("SELECT state FROM ops.rollouts")), QStringLiteral("requested"));

    const ProcessResult next = console(common + QStringList{QStringLiteral("deployments"), QStringLiteral("--recover-after"),
                                                            QStringLiteral("0")} + provider);
    EXPECT_EQ(next.exitCode, 0) << next.output.toStdString();
    EXPECT_TRUE(next.output.contains("recovered rollout")) << next.output.toStdString();
    EXPECT_EQ(scalar(*admin, QStringLiteral("SELECT state FROM ops.rollouts")), QStringLiteral("failed"));
    EXPECT_EQ(platform.rollbackCalls(), 0);
    EXPECT_EQ(platform.liveVersion(), QStringLiteral("v4"));
    // The environment is free again: a new rollback works.
    const ProcessResult again = console(common + QStringList{QStringLiteral("rollback"), QStringLiteral("--yes")} + provider);
    EXPECT_EQ(again.exitCode, 0) << again.output.toStdString();
    EXPECT_EQ(platform.liveVersion(), QStringLiteral("v3"));
}
