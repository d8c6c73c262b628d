// SPDX-License-Identifier: MIT
#include "TestCluster.h"

#include "db/Migrator.h"

#include <QtConcurrent/QtConcurrentRun>

#include <gtest/gtest.h>

using namespace ops::services;
using ops::testing::TestCluster;

namespace {

std::vector<Migration> migrationsFrom(const char* folder)
{
    auto loaded = Migrator::load(QStringLiteral(OPS_TEST_DATA "/migrations/") + QString::fromLatin1(folder));
    EXPECT_TRUE(loaded.ok());
    return loaded ? loaded.value() : std::vector<Migration>{};
}

class MigratorTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto database = TestCluster::shared().createDatabase(TestCluster::Schema::Empty);
        ASSERT_TRUE(database.ok()) << database.error().toString().toStdString();
        m_options = database.value();
        m_connection = TestCluster::shared().connect(m_options.database());
        ASSERT_TRUE(m_connection);
    }
    QString scalar(const QString& sql)
    {
        auto result = m_connection->exec(sql);
        return result ? result->scalar() : result.error().toString();
    }
    ConnectionOptions m_options;
    std::unique_ptr<Connection> m_connection;
};

} // namespace

TEST_F(MigratorTest, AppliesInNumericOrderOnceAndRecordsChecksums)
{
    Migrator migrator(migrationsFrom("ordered"));
    auto first = migrator.migrate(*m_connection);
    ASSERT_TRUE(first.ok()) << first.error().toString().toStdString();
    EXPECT_EQ(first->applied, QStringList({"1_first.sql", "2_second.sql", "10_tenth.sql"}));
    EXPECT_EQ(first->schemaVersion, 10);
    EXPECT_EQ(scalar(QStringLiteral("SELECT string_agg(version::text, ',' ORDER BY applied_at, version) FROM ops.schema_migrations")),
              QStringLiteral("1,2,10"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT checksum FROM ops.schema_migrations WHERE version = 1")),
              migrationsFrom("ordered")[0].checksum);

    auto second = migrator.migrate(*m_connection);
    ASSERT_TRUE(second.ok());
    EXPECT_TRUE(second->applied.isEmpty());
}

TEST_F(MigratorTest, RefusesToRunWhenAnAppliedFileChanged)
{
    ASSERT_TRUE(Migrator(migrationsFrom("ordered")).migrate(*m_connection).ok());
    auto changed = Migrator(migrationsFrom("changed")).migrate(*m_connection);
    ASSERT_FALSE(changed.ok());
    EXPECT_EQ(changed.error().kind, ErrorKind::InvalidInput);
    EXPECT_TRUE(changed.error().message.contains(QLatin1String("1_first.sql")));
    EXPECT_TRUE(changed.error().message.contains(QLatin1String("changed")));
}

TEST_F(MigratorTest, RefusesADatabaseNewerThanTheConsole)
{
    ASSERT_TRUE(Migrator(migrationsFrom("ordered")).migrate(*m_connection).ok());
    std::vector<Migration> older = migrationsFrom("ordered");
    older.pop_back();  // this console knows 1 and 2, the database has 10
    auto refused = Migrator(older).migrate(*m_connection);
    ASSERT_FALSE(refused.ok());
    EXPECT_TRUE(refused.error().message.contains(QLatin1String("newer")));
    EXPECT_TRUE(refused.error().message.contains(QLatin1String("10")));
}

TEST_F(MigratorTest, AFailingMigrationLeavesNothingHalfApplied)
{
    auto failed = Migrator(migrationsFrom("broken")).migrate(*m_connection);
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().sqlstate, QStringLiteral("22012"));
    EXPECT_TRUE(failed.error().message.contains(QLatin1String("2_broken.sql")));
    EXPECT_EQ(scalar(QStringLiteral("SELECT to_regclass('ops.fine') IS NOT NULL")), QStringLiteral("t"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT to_regclass('ops.half') IS NULL")), QStringLiteral("t"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT max(version) FROM ops.schema_migrations")), QStringLiteral("1"));
}

TEST_F(MigratorTest, TwoConcurrentMigratorsNeverBothApplyAFile)
{
    auto runOne = [this] {
        auto connection = Connection::open(m_options, std::chrono::seconds(10));
        if (!connection)
            return Result<MigrationReport>(connection.error());
        return Migrator(migrationsFrom("slow")).migrate(**connection);
    };
    auto first = QtConcurrent::run(runOne);
    auto second = QtConcurrent::run(runOne);
    const Result<MigrationReport> a = first.result();
    const Result<MigrationReport> b = second.result();
    ASSERT_TRUE(a.ok()) << a.error().toString().toStdString();
    ASSERT_TRUE(b.ok()) << b.error().toString().toStdString();
    // Each file was applied by exactly one of them, and both finished consistent.
    QStringList all = a->applied + b->applied;
    all.sort();
    EXPECT_EQ(all, QStringList({"1_slow.sql", "2_after.sql"}));
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.schema_migrations")), QStringLiteral("2"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT to_regclass('ops.once') IS NOT NULL AND to_regclass('ops.after_slow') IS NOT NULL")),
              QStringLiteral("t"));
}

TEST_F(MigratorTest, TheConsolesOwnMigrationsApplyToAnEmptyDatabase)
{
    auto builtIn = Migrator::load();
    ASSERT_TRUE(builtIn.ok());
    Migrator migrator(builtIn.value());
    auto applied = migrator.migrate(*m_connection);
    ASSERT_TRUE(applied.ok()) << applied.error().toString().toStdString();
    EXPECT_EQ(applied->applied.size(), qsizetype(builtIn->size()));
    EXPECT_EQ(scalar(QStringLiteral("SELECT slug FROM ops.projects")), QStringLiteral("demo"));
    auto again = migrator.migrate(*m_connection);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->applied.isEmpty());
}
