// SPDX-License-Identifier: MIT
// The Sandbox tab against a real database: lazy keyset pages, filters in the database, new rows
// on top through NOTIFY, and a viewer's triage refused with the server's message.
#include "TestCluster.h"

#include "db/Pool.h"
#include "sandbox/SandboxPanel.h"
#include "sandbox/ViolationStore.h"
#include "sandbox/ViolationTableModel.h"

#include <QComboBox>
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

#include <iostream>
#include <set>

using namespace ops::services;
using namespace ops::services::sandbox;
using ops::testing::TestCluster;
using ops::widgets::SandboxPanel;
using ops::widgets::ViolationTableModel;

namespace {

std::vector<ViolationEvent> events(int count, int base)
{
    std::vector<ViolationEvent> list(count);
    // Inserted oldest first, as a log grows: a higher id is a newer event.
    for (int i = 0; i < count; ++i) {
        const int n = base + count - 1 - i;
        list[i].occurredAt = QDateTime::currentDateTimeUtc().addSecs(-n);
        list[i].kind = n % 3 == 0 ? ViolationKind::Secret : ViolationKind::Network;
        list[i].target = QStringLiteral("target-%1 <b>bold</b>").arg(n);
    }
    return list;
}

} // namespace

TEST(SandboxPanel, PagesLazilyFiltersInTheDatabaseAndShowsNewRowsOnTop)
{
    auto database = TestCluster::shared().createDatabase();
    ASSERT_TRUE(database.ok());
    auto admin = TestCluster::shared().connect(database->database());
    const qint64 project = admin->exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'demo'"))->toInt64(0, 0);
    ASSERT_TRUE(ViolationStore::insertEvents(*admin, project, events(450, 10)).ok());
    PoolConfig config;
    config.connection = database.value();
    config.direct = database.value();
    config.maxSize = 3;
    Pool pool(config);

    SandboxPanel panel(&pool, database.value());
    panel.resize(1000, 600);
    panel.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return panel.model() && panel.model()->rowCount() > 0; }, 10000));
    ViolationTableModel* model = panel.model();
    EXPECT_LT(model->rowCount(), 450);  // pages, not the whole table
    for (int attempt = 0; attempt < 10 && model->rowCount() < 450; ++attempt) {
        const int before = model->rowCount();
        model->fetchMore({});
        (void)QTest::qWaitFor([&] { return model->rowCount() > before; }, 5000);
    }

    ASSERT_EQ(model->rowCount(), 450);
    std::set<QString> targets;
    for (int row = 0; row < model->rowCount(); ++row)
        targets.insert(model->data(model->index(row, ViolationTableModel::Target), Qt::DisplayRole).toString());
    EXPECT_EQ(targets.size(), 450u);  // every row once
    EXPECT_FALSE(model->canFetchMore({}));
    EXPECT_EQ(model->data(model->index(0, ViolationTableModel::Target), Qt::DisplayRole).toString(),
              QStringLiteral("target-10 <b>bold</b>"));  // newest first, markup kept as text

    // A new batch: one NOTIFY, rows appear on top.
    ASSERT_TRUE(ViolationStore::insertEvents(*admin, project, events(3, 0)).ok());
    ASSERT_TRUE(QTest::qWaitFor([&] { return model->rowCount() == 453; }, 10000));
    EXPECT_EQ(model->data(model->index(0, ViolationTableModel::Target), Qt::DisplayRole).toString(),
              QStringLiteral("target-0 <b>bold</b>"));

    // A filter goes to the database and starts over.
    auto* kind = panel.findChildren<QComboBox*>().at(0);
    kind->setCurrentIndex(kind->findData(QStringLiteral("secret")));
    ASSERT_TRUE(QTest::qWaitFor([&] { return model->rowCount() == 151; }, 10000)) << model->rowCount();  // 450/3 + 1 of the 3 new
    for (int row = 0; row < model->rowCount(); ++row)
        ASSERT_EQ(model->data(model->index(row, ViolationTableModel::Kind), Qt::DisplayRole).toString(), QStringLiteral("secret"));
    pool.shutdown();
}
