// SPDX-License-Identifier: MIT
// SecretStore without a keyring: the test main points DBUS_SESSION_BUS_ADDRESS at a socket where
// nothing listens, so QtKeychain's call fails the way it does on a desktop without a keyring.
// (tests/integration/secrets/KeyringTest.cpp covers a real keyring.)

#include "common/SecretStore.h"

#include "LeakScan.h"
#include "TestSecrets.h"

#include <QCoreApplication>
#include <QDeadlineTimer>

#include <gtest/gtest.h>

using namespace ops::services;
using namespace ops::testing;

namespace {
template <typename Predicate>
bool spinUntil(Predicate done, std::chrono::milliseconds limit = std::chrono::seconds(20))
{
    QDeadlineTimer deadline(limit);
    while (!done() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    return done();
}
} // namespace

TEST(SecretStoreTest, WithoutAKeyringFallsBackToMemoryOnceAndWritesNothing)
{
    SecretStore store(QStringLiteral("ops-console-unit-test"));
    QList<SecretBackend> changed;
    QObject::connect(&store, &SecretStore::backendChanged, [&](SecretBackend backend) { changed.append(backend); });
    EXPECT_EQ(store.backend(), SecretBackend::Keyring);  // until the keyring is asked

    std::optional<SecretBackend> keptIn;
    QObject context;
    store.store(QStringLiteral("deploy/default"), testsecrets::keyringValue, &context,
                [&](SecretBackend where) { keptIn = where; });
    ASSERT_TRUE(spinUntil([&] { return keptIn.has_value(); }));
    EXPECT_EQ(*keptIn, SecretBackend::Memory);
    EXPECT_EQ(store.backend(), SecretBackend::Memory);
    ASSERT_EQ(changed.size(), 1);
    EXPECT_EQ(changed.at(0), SecretBackend::Memory);
    EXPECT_EQ(store.cached(QStringLiteral("deploy/default")), testsecrets::keyringValue);

    // Later calls skip the keyring: no second signal, loads answer from memory.
    std::optional<std::optional<QByteArray>> loaded;
    store.load(QStringLiteral("database/default"), &context, [&](std::optional<QByteArray> value) { loaded = value; });
    ASSERT_TRUE(spinUntil([&] { return loaded.has_value(); }));
    EXPECT_FALSE(loaded->has_value());
    EXPECT_EQ(changed.size(), 1);

    const auto leaks = scanForSecrets(testOutputRoot(), {testsecrets::keyringValue});
    EXPECT_TRUE(leaks.isEmpty()) << describeLeaks(leaks).toStdString();
}

TEST(SecretStoreTest, NoKeyringOptionKeepsEverythingInMemoryWithoutAsking)
{
    SecretStore store(QStringLiteral("ops-console-unit-test"), /*useKeyring=*/false);
    int changed = 0;
    QObject::connect(&store, &SecretStore::backendChanged, [&] { ++changed; });
    EXPECT_EQ(store.backend(), SecretBackend::Memory);
    std::optional<SecretBackend> keptIn;
    store.store(QStringLiteral("health/supabase-metrics"), "value", nullptr, [&](SecretBackend where) { keptIn = where; });
    EXPECT_EQ(keptIn, SecretBackend::Memory);  // no context: answered at once
    EXPECT_EQ(store.cached(QStringLiteral("health/supabase_metrics")), QByteArray("value"));  // '-' and '_' are one name
    std::optional<ops::services::Result<void>> forgotten;
    store.forget(QStringLiteral("health/supabase-metrics"), nullptr, [&](ops::services::Result<void> r) { forgotten = r; });
    ASSERT_TRUE(forgotten.has_value());
    EXPECT_TRUE(forgotten->ok());
    EXPECT_FALSE(store.cached(QStringLiteral("health/supabase-metrics")).has_value());
    EXPECT_EQ(changed, 0);
}

TEST(SecretStoreTest, EnvironmentFillsHealthAndDeployNames)
{
    SecretStore store(QStringLiteral("ops-console-unit-test"), false);
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("OPS_SECRET_SUPABASE_METRICS"), QStringLiteral("m"));
    environment.insert(QStringLiteral("OPS_DEPLOY_TOKEN"), QStringLiteral("t"));
    environment.insert(QStringLiteral("PGPASSWORD"), QStringLiteral("left to libpq"));
    EXPECT_EQ(store.fillFromEnvironment(environment), 2);
    EXPECT_EQ(store.cached(QStringLiteral("health/supabase-metrics")), QByteArray("m"));
    EXPECT_EQ(store.cached(QStringLiteral("deploy/default")), QByteArray("t"));
    EXPECT_FALSE(store.cached(QStringLiteral("database/default")).has_value());
}

TEST(SecretStoreTest, ADestroyedContextGetsNoCall)
{
    SecretStore store(QStringLiteral("ops-console-unit-test"), false);
    store.remember(QStringLiteral("deploy/default"), "t");
    bool called = false;
    {
        QObject context;
        store.load(QStringLiteral("deploy/default"), &context, [&](std::optional<QByteArray>) { called = true; });
    }
    QCoreApplication::processEvents();
    EXPECT_FALSE(called);
}
