// SPDX-License-Identifier: MIT
#include "db/Migrator.h"

#include <gtest/gtest.h>

using namespace ops::services;

TEST(MigrationLoadTest, LoadsFilesInNumericOrderWithChecksums)
{
    auto loaded = Migrator::load(QStringLiteral(OPS_TEST_DATA "/migrations/ordered"));
    ASSERT_TRUE(loaded.ok()) << loaded.error().toString().toStdString();
    ASSERT_EQ(loaded->size(), 3u);
    // 2 < 10 numerically, although "10_" sorts before "2_" as text.
    EXPECT_EQ(loaded.value()[0].version, 1);
    EXPECT_EQ(loaded.value()[1].version, 2);
    EXPECT_EQ(loaded.value()[2].version, 10);
    EXPECT_EQ(loaded.value()[0].checksum.size(), 64);
    EXPECT_NE(loaded.value()[0].checksum, loaded.value()[1].checksum);
}

TEST(MigrationLoadTest, RefusesBadFileNames)
{
    auto loaded = Migrator::load(QStringLiteral(OPS_TEST_DATA "/migrations/bad-name"));
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().kind, ErrorKind::InvalidInput);
    EXPECT_TRUE(loaded.error().message.contains(QLatin1String("no_number.sql")));
}

TEST(MigrationLoadTest, TheBuiltInMigrationsAreCompiledIn)
{
    auto loaded = Migrator::load();
    ASSERT_TRUE(loaded.ok());
    ASSERT_FALSE(loaded->empty());
    EXPECT_EQ(loaded->front().name, QStringLiteral("0001_foundation.sql"));
}
