// SPDX-License-Identifier: MIT
#pragma once

// The whole console window against a real database: a fresh migrated database with two projects
// (alpha, beta; each with one violation only it may see), the real ConsoleController logged in as
// a real login role, the MainWindow and the ProjectScope that fills its tabs. Used by the tests
// of project switching and of desktop habits.
#include "ConsoleController.h"
#include "MainWindow.h"
#include "ProjectScope.h"
#include "TestCluster.h"
#include "Wait.h"
#include "common/SecretStore.h"

#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>

class ConsoleWindowFixture : public ::testing::Test {
protected:
    void SetUp() override
    {
        QSettings().remove(QStringLiteral("project/current"));
        auto database = ops::testing::TestCluster::shared().createDatabase();
        ASSERT_TRUE(database.ok());
        m_database = database->database();
        m_owner = ops::testing::TestCluster::shared().connect(m_database);
        ASSERT_TRUE(m_owner);
        m_alpha = project(QStringLiteral("alpha"));
        m_beta = project(QStringLiteral("beta"));
    }

    void TearDown() override
    {
        m_window.reset();
        if (m_controller)
            m_controller->shutdown();
    }

    // A project with one blocked network event of its own (so each project's Sandbox differs).
    qint64 project(const QString& slug)
    {
        auto id = m_owner->exec(QStringLiteral("INSERT INTO ops.projects (slug, name) VALUES ($1, initcap($1)) RETURNING id"), {slug});
        EXPECT_TRUE(id.ok());
        auto violation = m_owner->exec(QStringLiteral("SELECT ops.report_violation($1, now(), 'm', 'a', 's', 'network', 'connect', $2, "
                                                      "'r', 'blocked', 'high', 'raw')"),
                                       {id->toInt64(0, 0), slug + QStringLiteral("-only.example.org:443")});
        EXPECT_TRUE(violation.ok()) << violation.error().toString().toStdString();
        return id->toInt64(0, 0);
    }

    // A new login role in `role`, member of alpha (and of beta when asked).
    QString member(const QString& role, const QString& prefix, bool inBeta = false)
    {
        const QString login = ops::testing::TestCluster::createMember(*m_owner, role, m_alpha, prefix);
        if (inBeta) {
            EXPECT_TRUE(m_owner->exec(QStringLiteral("INSERT INTO ops.project_members (project_id, member) VALUES ($1, $2)"),
                                      {m_beta, login}).ok());
        }
        return login;
    }

    // Opens a console window as `login` and waits until a project is installed in its tabs. The
    // first call starts the controller (and the database connection); later calls open a new
    // window on the same controller, which is what a restart looks like to the window.
    ops::app::ProjectScope& openConsoleAs(const QString& login)
    {
        using ops::app::ConsoleController;
        if (!m_controller) {
            m_controller = std::make_unique<ConsoleController>(
                ops::services::DatabaseTarget{ops::testing::TestCluster::shared().connectionString(m_database, login),
                                              m_dataDirectory.path()},
                m_secrets);
        }
        m_window = std::make_unique<ops::app::MainWindow>();
        m_window->resize(1200, 800);
        m_scope = new ops::app::ProjectScope(*m_window, *m_controller, m_window.get());
        QSignalSpy installed(m_scope, &ops::app::ProjectScope::projectInstalled);
        if (m_controller->pool()) {
            m_scope->start();  // the database is already up: a restarted window
        } else {
            QObject::connect(m_controller.get(), &ConsoleController::databaseReady, m_scope, &ops::app::ProjectScope::start);
            m_controller->start();
        }
        EXPECT_TRUE(ops::testing::waitForCount(installed, 1)) << "no project was installed";
        return *m_scope;
    }

    QTemporaryDir m_dataDirectory;
    QString m_database;
    std::unique_ptr<ops::services::Connection> m_owner;
    qint64 m_alpha = 0;
    qint64 m_beta = 0;
    ops::services::SecretStore m_secrets{QStringLiteral("ops-console-tests"), /*useKeyring=*/false};
    std::unique_ptr<ops::app::ConsoleController> m_controller;
    std::unique_ptr<ops::app::MainWindow> m_window;
    ops::app::ProjectScope* m_scope = nullptr;
};
