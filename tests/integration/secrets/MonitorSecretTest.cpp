// SPDX-License-Identifier: MIT
// A prometheus monitor's Basic-auth password from the keyring: the collector finds the secret its
// monitor names only in the (private) keyring, loads it without blocking, and scrapes with it.

#include "LoopbackHttpServer.h"
#include "PrivateKeyring.h"
#include "TestCluster.h"
#include "TestSecrets.h"

#include "common/SecretStore.h"
#include "db/Pool.h"
#include "health/HealthCollector.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <gtest/gtest.h>

using namespace ops::services;
using namespace ops::testing;
using namespace std::chrono_literals;

namespace {
template <typename Predicate>
bool spinUntil(Predicate done, std::chrono::milliseconds limit = 20s)
{
    QDeadlineTimer deadline(limit);
    while (!done() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    return done();
}
} // namespace

TEST(MonitorSecretTest, TheCollectorLoadsTheMonitorsSecretFromTheKeyringAndScrapesWithIt)
{
    PrivateKeyring* keyring = PrivateKeyring::shared();
    ASSERT_NE(keyring, nullptr);
    const QString service = QStringLiteral("ops-console-monitor-test");
    {
        SecretStore earlierRun(service);
        std::optional<SecretBackend> keptIn;
        QObject context;
        earlierRun.store(QStringLiteral("health/scrape-creds"), testsecrets::monitorPassword, &context,
                         [&](SecretBackend where) { keptIn = where; });
        ASSERT_TRUE(spinUntil([&] { return keptIn.has_value(); }));
        ASSERT_EQ(*keptIn, SecretBackend::Keyring);
    }

    LoopbackHttpServer server;
    auto database = TestCluster::shared().createDatabase();
    ASSERT_TRUE(database.ok()) << database.error().toString().toStdString();
    auto admin = TestCluster::shared().connect(database->database());
    ASSERT_TRUE(admin);
    const qint64 project = admin->exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'demo'"))->toInt64(0, 0);
    auto monitor = admin->exec(QStringLiteral("SELECT ops.ensure_monitor($1, 'metrics', $2, 1000, 800, 1, 200, 299, NULL, 'prometheus')"),
                               {project, server.url(QStringLiteral("/metrics")).toString()});
    ASSERT_TRUE(monitor.ok()) << monitor.error().toString().toStdString();
    const QJsonObject config{{QStringLiteral("series"), QJsonArray{QStringLiteral("supavisor_pool_size")}},
                             {QStringLiteral("username"), QStringLiteral("metrics")},
                             {QStringLiteral("secret"), QStringLiteral("scrape-creds")}};
    auto configured = admin->exec(QStringLiteral("SELECT ops.set_monitor_config($1, $2::jsonb)"),
                                  {monitor->toInt64(0, 0), QJsonDocument(config).toJson(QJsonDocument::Compact)});
    ASSERT_TRUE(configured.ok()) << configured.error().toString().toStdString();

    PoolConfig poolConfig;
    poolConfig.connection = database.value();
    poolConfig.direct = database.value();
    poolConfig.maxSize = 3;
    Pool pool(poolConfig);
    SecretStore secrets(service);  // this run: nothing in memory yet
    ASSERT_FALSE(secrets.cached(QStringLiteral("health/scrape-creds")).has_value());
    CollectorConfig collectorConfig;
    collectorConfig.projectId = project;
    collectorConfig.holder = QStringLiteral("console-keyring");
    collectorConfig.leaseInterval = 1000ms;
    collectorConfig.secrets = &secrets;
    HealthCollector collector(pool, collectorConfig);
    QStringList states;
    QObject::connect(&collector, &HealthCollector::sampleWritten, [&](qint64, const QString& state) { states << state; });
    collector.start();
    EXPECT_TRUE(spinUntil([&] { return states.contains(QStringLiteral("up")); })) << states.join(QLatin1Char(',')).toStdString();
    collector.stop();
    EXPECT_EQ(secrets.cached(QStringLiteral("health/scrape-creds")), testsecrets::monitorPassword);
    EXPECT_GE(server.requests(QStringLiteral("/metrics")), 1);
    pool.shutdown(5s);
}
