// SPDX-License-Identifier: MIT
// The console's database password from the SecretStore, against a real server that demands it:
// a login role with a SCRAM password and a pg_hba line that requires it (over the fixture's
// Unix socket: the test server has no TCP listener; libpq's password exchange is the same).
// The password lives in the private keyring (tests/support/PrivateKeyring) under the name the
// console looks for, "database/default".

#include "ConsoleController.h"
#include "common/ProcessRunner.h"
#include "common/SecretStore.h"
#include "db/DbError.h"

#include "LeakScan.h"
#include "PrivateKeyring.h"
#include "TestCluster.h"
#include "TestSecrets.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFile>

#include <gtest/gtest.h>

using namespace ops::services;
using namespace ops::testing;
using namespace std::chrono_literals;

namespace {
template <typename Predicate>
bool spinUntil(Predicate done, std::chrono::milliseconds limit = 60s)
{
    QDeadlineTimer deadline(limit);
    while (!done() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    return done();
}

const QString passwordName = QStringLiteral("database/default");
} // namespace

class DatabasePasswordTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { keyring = PrivateKeyring::shared(); }

    void SetUp() override
    {
        ASSERT_TRUE(keyring) << "no private keyring";
        auto database = TestCluster::shared().createDatabase();
        ASSERT_TRUE(database.ok()) << database.error().toString().toStdString();
        m_database = database->database();
        m_owner = TestCluster::shared().connect(m_database);
        ASSERT_TRUE(m_owner);
        auto project = m_owner->exec(QStringLiteral("INSERT INTO ops.projects (slug, name) VALUES ('alpha', 'Alpha') RETURNING id"));
        ASSERT_TRUE(project.ok());
        m_login = TestCluster::createMember(*m_owner, QStringLiteral("ops_admin"), project->toInt64(0, 0), QStringLiteral("pwlogin"));
        ASSERT_FALSE(m_login.isEmpty());
        // The password goes to the server as a parameter of format(): never into a statement's text.
        auto alter = m_owner->exec(QStringLiteral("SELECT format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text)"),
                                   {m_login, testsecrets::databasePassword});
        ASSERT_TRUE(alter.ok() && m_owner->execScript(alter->scalar()).ok());
        requirePasswordFor(m_login);
        // Without its password the login is refused now.
        auto refused = Connection::open(TestCluster::shared().options(m_database).withUser(m_login), 10s);
        ASSERT_FALSE(refused.ok());
        EXPECT_TRUE(dberror::isPasswordRequired(refused.error())) << refused.error().toString().toStdString();
        forgetStoredPassword();
    }

    void TearDown() override { forgetStoredPassword(); }

    // SCRAM for this login on the socket, ahead of the cluster's trust line; the server rereads it.
    void requirePasswordFor(const QString& login)
    {
        QFile hba(TestCluster::shared().server().clusterDirectory() + QStringLiteral("/pg_hba.conf"));
        ASSERT_TRUE(hba.open(QIODevice::ReadOnly));
        const QByteArray rules = hba.readAll();
        hba.close();
        ASSERT_TRUE(hba.open(QIODevice::WriteOnly | QIODevice::Truncate));
        hba.write("local all " + login.toUtf8() + " scram-sha-256\n" + rules);
        hba.close();
        ASSERT_TRUE(m_owner->exec(QStringLiteral("SELECT pg_reload_conf()")).ok());
        // The reload is asynchronous: wait until a password-less login is refused.
        QDeadlineTimer deadline(10s);
        while (!deadline.hasExpired()) {
            if (!Connection::open(TestCluster::shared().options(m_database).withUser(login), 10s).ok())
                return;
            QThread::msleep(50);
        }
        FAIL() << "pg_hba.conf was not reloaded";
    }

    void storePassword(const QByteArray& password)
    {
        SecretStore store(QStringLiteral("ops-console"));
        std::optional<SecretBackend> keptIn;
        QObject context;
        store.store(passwordName, password, &context, [&](SecretBackend where) { keptIn = where; });
        ASSERT_TRUE(spinUntil([&] { return keptIn.has_value(); }));
        ASSERT_EQ(*keptIn, SecretBackend::Keyring);
    }

    void forgetStoredPassword()
    {
        SecretStore store(QStringLiteral("ops-console"));
        bool done = false;
        QObject context;
        store.forget(passwordName, &context, [&](Result<void>) { done = true; });
        ASSERT_TRUE(spinUntil([&] { return done; }));
    }

    ProcessResult console(const QStringList& arguments)
    {
        return TestCluster::shared().runConsole(QStringLiteral(OPS_CONSOLE_BINARY), m_database, arguments, m_login);
    }

    static PrivateKeyring* keyring;
    QString m_database;
    QString m_login;
    std::unique_ptr<Connection> m_owner;
};
PrivateKeyring* DatabasePasswordTest::keyring = nullptr;

TEST_F(DatabasePasswordTest, AHeadlessCommandLogsInWithThePasswordFromTheKeyring)
{
    const QStringList listMembers{QStringLiteral("members"), QStringLiteral("list"), QStringLiteral("--project"), QStringLiteral("alpha")};
    storePassword(testsecrets::databasePassword);
    const ProcessResult listed = console(listMembers);
    EXPECT_EQ(listed.exitCode, 0) << listed.output.toStdString();
    EXPECT_TRUE(listed.output.contains(m_login.toUtf8())) << listed.output.toStdString();
    EXPECT_FALSE(listed.output.contains(testsecrets::databasePassword));

    // --no-keyring: the keyring is not read, so the server's refusal comes back, clearly and at once.
    const ProcessResult memoryOnly = console(QStringList{QStringLiteral("--no-keyring")} + listMembers);
    EXPECT_NE(memoryOnly.exitCode, 0);
    EXPECT_FALSE(memoryOnly.timedOut);
    EXPECT_TRUE(memoryOnly.output.contains("no password supplied")) << memoryOnly.output.toStdString();
    EXPECT_TRUE(memoryOnly.output.contains("database/default")) << "the hint says where the console looks";
}

TEST_F(DatabasePasswordTest, AWrongOrMissingPasswordIsAClearErrorNotAHang)
{
    const QStringList listMembers{QStringLiteral("members"), QStringLiteral("list"), QStringLiteral("--project"), QStringLiteral("alpha")};
    const ProcessResult missing = console(listMembers);
    EXPECT_NE(missing.exitCode, 0);
    EXPECT_FALSE(missing.timedOut);
    EXPECT_TRUE(missing.output.contains("no password supplied")) << missing.output.toStdString();

    storePassword("ops-test-wrong-password");
    const ProcessResult wrong = console(listMembers);
    EXPECT_NE(wrong.exitCode, 0);
    EXPECT_FALSE(wrong.timedOut);
    EXPECT_TRUE(wrong.output.contains("password authentication failed")) << wrong.output.toStdString();
    EXPECT_FALSE(wrong.output.contains("ops-test-wrong-password"));
}

TEST_F(DatabasePasswordTest, TheWindowAsksOnceRetriesAndRemembersTheAcceptedPasswordInTheKeyring)
{
    SecretStore secrets(QStringLiteral("ops-console"));
    DatabaseTarget target;
    target.connectionString = TestCluster::shared().connectionString(m_database, m_login);
    ASSERT_TRUE(target.wantsStoredPassword());
    ops::app::ConsoleController controller(target, secrets);
    int asked = 0;
    std::optional<Error> failed;
    bool ready = false;
    QObject::connect(&controller, &ops::app::ConsoleController::passwordNeeded, [&](const Error& refusal) {
        ++asked;
        EXPECT_TRUE(dberror::isPasswordRequired(refusal));
        // What the prompt does: first a wrong answer, the keyring not ticked.
        controller.retryWithPassword("ops-test-wrong-password", /*rememberInKeyring=*/false);
    });
    QObject::connect(&controller, &ops::app::ConsoleController::databaseFailed, [&](const Error& error) { failed = error; });
    QObject::connect(&controller, &ops::app::ConsoleController::databaseReady, [&] { ready = true; });
    controller.start();
    ASSERT_TRUE(spinUntil([&] { return failed.has_value() || ready; }));
    EXPECT_EQ(asked, 1) << "asked once per run, never again";
    ASSERT_TRUE(failed.has_value());
    EXPECT_TRUE(failed->message.contains(QLatin1String("password authentication failed"))) << failed->toString().toStdString();
    controller.shutdown();

    // A second run: asked again, the right answer, "Remember in keyring" ticked.
    SecretStore nextRun(QStringLiteral("ops-console"));
    ops::app::ConsoleController second(target, nextRun);
    ready = false;
    failed.reset();
    QObject::connect(&second, &ops::app::ConsoleController::passwordNeeded,
                     [&] { second.retryWithPassword(testsecrets::databasePassword, /*rememberInKeyring=*/true); });
    QObject::connect(&second, &ops::app::ConsoleController::databaseFailed, [&](const Error& error) { failed = error; });
    QObject::connect(&second, &ops::app::ConsoleController::databaseReady, [&] { ready = true; });
    second.start();
    ASSERT_TRUE(spinUntil([&] { return failed.has_value() || ready; }));
    ASSERT_TRUE(ready) << failed->toString().toStdString();
    ASSERT_NE(second.pool(), nullptr);
    auto whoAmI = second.pool()->withClient(QStringLiteral("who"), [](Connection& c) { return c.exec(QStringLiteral("SELECT current_user")); });
    ASSERT_TRUE(whoAmI.ok());
    EXPECT_EQ(whoAmI->scalar(), m_login);
    second.shutdown();

    // The keyring has it now: a third run logs in without asking.
    SecretStore thirdRun(QStringLiteral("ops-console"));
    ASSERT_TRUE(spinUntil([&] {
        bool answered = false;
        std::optional<QByteArray> stored;
        QObject context;
        thirdRun.load(passwordName, &context, [&](std::optional<QByteArray> value) { answered = true; stored = value; });
        spinUntil([&] { return answered; }, 10s);
        return stored == testsecrets::databasePassword;
    }, 10s));
    ops::app::ConsoleController third(target, thirdRun);
    ready = false;
    QObject::connect(&third, &ops::app::ConsoleController::passwordNeeded, [&] { ADD_FAILURE() << "asked although the keyring has it"; });
    QObject::connect(&third, &ops::app::ConsoleController::databaseReady, [&] { ready = true; });
    third.start();
    EXPECT_TRUE(spinUntil([&] { return ready; }));
    third.shutdown();

    const auto leaks = scanForSecrets(testOutputRoot(), {testsecrets::databasePassword});
    EXPECT_TRUE(leaks.isEmpty()) << describeLeaks(leaks).toStdString();
}
