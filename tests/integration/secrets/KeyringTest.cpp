// SPDX-License-Identifier: MIT
// SecretStore against a real keyring: gnome-keyring-daemon on a private D-Bus session bus
// (tests/support/PrivateKeyring), never the developer's own.

#include "common/SecretStore.h"

#include "LeakScan.h"
#include "PrivateKeyring.h"
#include "TestSecrets.h"

#include <QCoreApplication>
#include <QDeadlineTimer>

#include <gtest/gtest.h>

#include <memory>

using namespace ops::services;
using namespace ops::testing;

namespace {
template <typename Predicate>
bool spinUntil(Predicate done, std::chrono::milliseconds limit = std::chrono::seconds(30))
{
    QDeadlineTimer deadline(limit);
    while (!done() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    return done();
}

std::optional<QByteArray> loadFrom(SecretStore& store, const QString& name)
{
    QObject context;
    std::optional<std::optional<QByteArray>> loaded;
    store.load(name, &context, [&](std::optional<QByteArray> value) { loaded = value; });
    EXPECT_TRUE(spinUntil([&] { return loaded.has_value(); })) << "the keyring did not answer";
    return loaded.value_or(std::nullopt);
}

const QString service = QStringLiteral("ops-console-keyring-test");
} // namespace

class KeyringTest : public ::testing::Test {
protected:
    // One keyring per test process, started before anything here talks to D-Bus.
    static void SetUpTestSuite() { keyring = PrivateKeyring::shared(); }
    void SetUp() override { ASSERT_NE(keyring, nullptr) << "no private keyring"; }
    static PrivateKeyring* keyring;
};
PrivateKeyring* KeyringTest::keyring = nullptr;

TEST_F(KeyringTest, AStoredSecretOutlivesTheStoreAndForgetRemovesIt)
{
    const QString name = QStringLiteral("deploy/default");
    {
        SecretStore first(service);
        std::optional<SecretBackend> keptIn;
        QObject context;
        first.store(name, testsecrets::keyringValue, &context, [&](SecretBackend where) { keptIn = where; });
        ASSERT_TRUE(spinUntil([&] { return keptIn.has_value(); }));
        EXPECT_EQ(*keptIn, SecretBackend::Keyring);
        EXPECT_EQ(first.backend(), SecretBackend::Keyring);
    }

    // Another program reading the same keyring entry sees it.
    auto looked = keyring->lookupWithSecretTool(service, name);
    ASSERT_TRUE(looked.ok()) << looked.error().toString().toStdString();
    EXPECT_TRUE(*looked == testsecrets::keyringValue || QByteArray::fromBase64(*looked) == testsecrets::keyringValue)
        << "secret-tool found: " << looked->size() << " bytes";

    // A second store (a second run of the console) has nothing cached: it reads the keyring.
    SecretStore second(service);
    EXPECT_FALSE(second.cached(name).has_value());
    EXPECT_EQ(loadFrom(second, name), testsecrets::keyringValue);
    EXPECT_EQ(second.cached(name), testsecrets::keyringValue);
    EXPECT_FALSE(loadFrom(second, QStringLiteral("deploy/never-stored")).has_value());

    std::optional<Result<void>> forgotten;
    QObject context;
    second.forget(name, &context, [&](Result<void> result) { forgotten = result; });
    ASSERT_TRUE(spinUntil([&] { return forgotten.has_value(); }));
    EXPECT_TRUE(forgotten->ok()) << forgotten->error().toString().toStdString();
    EXPECT_FALSE(second.cached(name).has_value());

    SecretStore third(service);
    EXPECT_FALSE(loadFrom(third, name).has_value());
    looked = keyring->lookupWithSecretTool(service, name);
    ASSERT_TRUE(looked.ok());
    EXPECT_TRUE(looked->isEmpty());
    EXPECT_EQ(third.backend(), SecretBackend::Keyring);

    // The keyring's own file is encrypted: the value is in no file under the test root.
    const auto leaks = scanForSecrets(testOutputRoot(), {testsecrets::keyringValue});
    EXPECT_TRUE(leaks.isEmpty()) << describeLeaks(leaks).toStdString();
}

TEST_F(KeyringTest, ValuesStoredFromAWorkerThreadArePutInTheKeyringByTheStoresThread)
{
    SecretStore store(service);
    std::optional<SecretBackend> keptIn;
    QObject context;
    std::thread worker([&] { store.store(QStringLiteral("health/from-worker"), "w", &context, [&](SecretBackend where) { keptIn = where; }); });
    worker.join();
    ASSERT_TRUE(spinUntil([&] { return keptIn.has_value(); }));
    EXPECT_EQ(*keptIn, SecretBackend::Keyring);
    SecretStore other(service);
    EXPECT_EQ(loadFrom(other, QStringLiteral("health/from_worker")), QByteArray("w"));
}
