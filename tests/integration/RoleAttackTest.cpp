// SPDX-License-Identifier: MIT
// The role attack suite: log in as a viewer, an operator, an approver (each a member of project A
// only), an administrator (member of A) and an outsider (member of nothing), and with raw SQL try
// what each must not do. The targets come from the catalog (every table, partition, trigger and
// function in schema ops), so objects added by later migrations are attacked without editing this
// file. Every attempt must fail (or, for functions without an id, leave other projects untouched);
// a summary per role is printed.
#include "TestCluster.h"

#include <QCoreApplication>
#include <QRegularExpression>

#include <gtest/gtest.h>

#include <iostream>
#include <map>

using namespace ops::services;
using ops::testing::TestCluster;

namespace {

// One login under attack and the tally of what it tried.
struct Attacker {
    QString label;
    std::unique_ptr<Connection> connection;
    QString roleName;
    int attempts = 0;
    int refused = 0;
};

// One project's id, and the id of one of its rows per seeded table ("ops.rollouts" -> 7).
struct SeededProject {
    qint64 id = 0;
    std::map<QString, qint64> rowIds;
};

// True when a successful result carries no data: no rows, or only NULL, empty, false, zero or
// empty JSON/array values (what a function returns for a project the caller cannot see).
bool carriesNothing(const QueryResult& result)
{
    static const QStringList empty{QString(), QStringLiteral("f"), QStringLiteral("0"), QStringLiteral("[]"),
                                   QStringLiteral("{}")};
    for (int row = 0; row < result.rowCount(); ++row)
        for (int column = 0; column < result.columnCount(); ++column)
            if (!result.isNull(row, column) && !empty.contains(result.text(row, column)))
                return false;
    return true;
}

class RoleAttackTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto database = TestCluster::shared().createDatabase();
        ASSERT_TRUE(database.ok()) << database.error().toString().toStdString();
        m_database = database->database();
        m_owner = TestCluster::shared().connect(m_database);
        ASSERT_TRUE(m_owner);
        m_a = seedProject(QStringLiteral("alpha"));
        m_b = seedProject(QStringLiteral("beta"));
        ASSERT_FALSE(HasFailure());

        addAttacker(QStringLiteral("viewer"), QStringLiteral("ops_viewer"));
        addAttacker(QStringLiteral("operator"), QStringLiteral("ops_operator"));
        addAttacker(QStringLiteral("approver"), QStringLiteral("ops_approver"));
        addAttacker(QStringLiteral("admin"), QStringLiteral("ops_admin"));
        addAttacker(QStringLiteral("outsider"), QStringLiteral("ops_operator"));
        ASSERT_FALSE(HasFailure());
        // The outsider holds a console role but belongs to no project.
        ASSERT_TRUE(m_owner->exec(QStringLiteral("DELETE FROM ops.project_members WHERE member = $1"),
                                  {attacker(QStringLiteral("outsider")).roleName}).ok());
    }

    void TearDown() override
    {
        std::cout << "role attack summary (" << ::testing::UnitTest::GetInstance()->current_test_info()->name() << "):\n";
        for (const Attacker& each : m_attackers)
            if (each.attempts > 0)
                std::cout << "  " << each.label.toStdString() << ": " << each.attempts << " attempts, "
                          << each.refused << " refused\n";
    }

    // A project with a row in every feature's tables, written through the features' own functions
    // as the owner (a superuser passes every role check).
    SeededProject seedProject(const QString& slug)
    {
        SeededProject project;
        project.id = ownerValue(QStringLiteral("INSERT INTO ops.projects (slug, name) VALUES ($1, $1) RETURNING id"), {slug}).toLongLong();
        const SqlParams p{project.id};
        const qint64 monitor = ownerValue(QStringLiteral("SELECT ops.ensure_monitor($1, 'web', 'http://127.0.0.1:1/', 60000)"), p).toLongLong();
        ownerValue(QStringLiteral("SELECT ops.ensure_health_partition(now())"));
        ownerValue(QStringLiteral("SELECT ops.record_health_sample($1, 'seed', now(), 'up', 12.5, 200, 'ok', 'closed', '{}', NULL)"), {monitor});
        ownerValue(QStringLiteral("SELECT ops.set_health_retention($1, 7, 90)"), p);
        ownerValue(QStringLiteral("SELECT ops.acquire_collector_lease($1, 'seed', 60000)"), p);
        ownerValue(QStringLiteral("SELECT ops.set_health_threshold($1, 'latency_ms', 500)"), p);
        ownerValue(QStringLiteral("SELECT ops.add_maintenance_once($1, NULL, now(), now() + interval '1 hour', 'seed')"), p);
        ownerValue(QStringLiteral("SELECT ops.raise_health_alert($1, 'seed', 'monitor_down', 'web', 'seeded alert')"), {monitor});
        ownerValue(QStringLiteral("SELECT ops.record_load_test($1, 'http://127.0.0.1:1/', 10, 2, 1000, now(), 100, 10, 10, false, "
                                  "100, 1, 2, 3, '{}')"), p);
        ownerValue(QStringLiteral("SELECT ops.report_violation($1, now(), 'm', 'a', 's', 'network', 'connect', 'example.org:443', "
                                  "'r', 'blocked', 'high', 'raw line')"), p);
        ownerValue(QStringLiteral("SELECT ops.record_unparsed($1, ARRAY['log'], ARRAY[1::bigint], ARRAY['no parser'], ARRAY['garbage'])"), p);
        ownerValue(QStringLiteral("SELECT ops.save_ingest_position($1, '/var/log/x', NULL, NULL, 'id', 10, 1)"), p);
        const qint64 environment = ownerValue(QStringLiteral("SELECT ops.upsert_environment($1, 'prod', 'p', 'http://127.0.0.1:1/')"), p).toLongLong();
        const qint64 deployment = ownerValue(QStringLiteral("SELECT ops.record_deployment($1, 'd1', 'v1', 'c1', 'http://127.0.0.1:1/', "
                                                            "now(), 'seed', 'ready', 'passed', true, false)"), {environment}).toLongLong();
        ownerValue(QStringLiteral("SELECT ops.start_rollout($1, 'deploy', $2, 'seed', $3)"),
                   {environment, deployment, QStringLiteral("seed-key-") + slug});
        ownerValue(QStringLiteral("SELECT ops.lock_environment($1, 'freeze', now() + interval '1 hour')"), {environment});
        const QString plan = QStringLiteral(R"({"key": "w1", "title": "Week 1", "shape": "day_by_day", "days": [{"key": "d1", "from": 1, "to": 1,
            "tasks": [{"key": "t1", "number": 1, "title": "task"}]}], "checkpoints": [{"key": "c1", "title": "Gate",
            "criteria": [{"key": "k1", "text": "criterion"}]}]})");
        ownerValue(QStringLiteral("SELECT ops.import_plan($1, $2::jsonb)"), {project.id, plan});
        const qint64 checkpoint = ownerValue(QStringLiteral("SELECT id FROM ops.checkpoints WHERE project_id = $1"), p).toLongLong();
        ownerValue(QStringLiteral("SELECT ops.sign_checkpoint($1, 'go', 'seed', '{}')"), {checkpoint});
        ownerValue(QStringLiteral("SELECT ops.save_standup_entry($1, current_date, 'ann', 'y', 't', 'b')"), p);
        ownerValue(QStringLiteral("SELECT ops.raise_blocker($1, current_date, 'ann', 'blocked', 'P1')"), p);

        // One row id per table with a project column, for calling functions that take a row id.
        for (const QString& table : projectTables()) {
            const QString id = ownerValue(QStringLiteral("SELECT min(id)::text FROM %1 WHERE project_id = $1").arg(table), p,
                                          /*allowError=*/true);
            if (!id.isEmpty())
                project.rowIds[table] = id.toLongLong();
        }
        return project;
    }

    QString ownerValue(const QString& sql, const SqlParams& params = {}, bool allowError = false)
    {
        auto result = m_owner->exec(sql, params);
        if (!result) {
            if (!allowError)
                ADD_FAILURE() << "seeding failed: " << sql.toStdString() << ": " << result.error().toString().toStdString();
            return {};
        }
        return result->scalar();
    }

    QStringList ownerColumn(const QString& sql, const SqlParams& params = {})
    {
        QStringList values;
        auto result = m_owner->exec(sql, params);
        EXPECT_TRUE(result.ok()) << sql.toStdString();
        for (int row = 0; result && row < result->rowCount(); ++row)
            values << result->text(row, 0);
        return values;
    }

    // Catalog discovery: every table and partition in ops, and those with a project column (with
    // or without the partitions, whose rows their parent table shows too).
    QStringList opsTables()
    {
        return ownerColumn(QStringLiteral("SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                          "WHERE n.nspname = 'ops' AND c.relkind IN ('r', 'p') ORDER BY 1"));
    }
    QStringList projectTables(bool withPartitions = true)
    {
        return ownerColumn(QStringLiteral("SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                          "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'project_id' AND NOT a.attisdropped "
                                          "WHERE n.nspname = 'ops' AND c.relkind IN ('r', 'p') AND ($1 OR NOT c.relispartition) ORDER BY 1"),
                           {withPartitions});
    }

    void addAttacker(const QString& label, const QString& group)
    {
        Attacker attacker;
        attacker.label = label;
        attacker.roleName = TestCluster::createMember(*m_owner, group, m_a.id, label);
        if (attacker.roleName.isEmpty())
            return;
        attacker.connection = TestCluster::shared().connect(m_database, attacker.roleName);
        ASSERT_TRUE(attacker.connection) << label.toStdString();
        m_attackers.push_back(std::move(attacker));
    }

    Attacker& attacker(const QString& label)
    {
        for (Attacker& each : m_attackers)
            if (each.label == label)
                return each;
        throw std::logic_error("no such attacker");
    }

    // Runs one attempt that must fail: refused with an error, or (when `nothingIsRefusal`) answered
    // with no data. Each attempt runs in its own transaction, rolled back, so a hole found by one
    // attempt does not change what the next one sees.
    void mustFail(Attacker& who, const QString& what, const QString& sql, const SqlParams& params = {},
                  bool nothingIsRefusal = false)
    {
        ++who.attempts;
        Connection& connection = *who.connection;
        (void)connection.exec(QStringLiteral("BEGIN"));
        auto result = connection.exec(sql, params);
        const bool refused = !result.ok() || (nothingIsRefusal && carriesNothing(*result));
        (void)connection.exec(QStringLiteral("ROLLBACK"));
        if (refused)
            ++who.refused;
        else
            ADD_FAILURE() << who.label.toStdString() << " succeeded in: " << what.toStdString() << "\n  " << sql.toStdString()
                          << (result->rowCount() > 0 ? "\n  returned: " + result->text(0, 0).toStdString() : std::string());
    }

    // A value of `type` for parameter `name` of a function under attack, aimed at project `target`:
    // p_project gets the project's id, p_<thing> gets the id of the project's row in the table named
    // after the thing (p_rollout -> ops.rollouts, p_task -> ops.plan_tasks), anything else a
    // plausible constant of its type; times are `when`.
    QString argumentFor(const QString& name, const QString& type, const SeededProject& target, const Attacker& who,
                        const QString& when = QStringLiteral("2026-01-01"))
    {
        const bool isArray = type.endsWith(QStringLiteral("[]"));
        const QString element = isArray ? type.chopped(2) : type;
        QString value;
        if (element == QStringLiteral("bigint")) {
            value = QString::number(rowIdFor(name, target));
        } else if (element == QStringLiteral("integer") || element == QStringLiteral("double precision")
                   || element == QStringLiteral("smallint") || element == QStringLiteral("numeric")) {
            value = QStringLiteral("1000");
        } else if (element == QStringLiteral("boolean")) {
            value = QStringLiteral("true");
        } else if (element.startsWith(QStringLiteral("timestamp")) || element == QStringLiteral("date")) {
            value = when;
        } else if (element == QStringLiteral("interval")) {
            value = QStringLiteral("1 day");
        } else if (element == QStringLiteral("jsonb") || element == QStringLiteral("json")) {
            value = QStringLiteral("{}");
        } else if (element == QStringLiteral("name")) {
            value = who.roleName;  // e.g. add_project_member(B, me)
        } else if (element == QStringLiteral("regclass")) {
            value = QStringLiteral("ops.projects");
        } else if (element == QStringLiteral("bytea")) {
            value = QStringLiteral("\\x00");
        } else {
            value = QStringLiteral("x");
        }
        return isArray ? QStringLiteral("{\"%1\"}").arg(value) : value;
    }

    qint64 rowIdFor(const QString& parameter, const SeededProject& target)
    {
        // Names whose table is not "<thing>s" or "<something>_<thing>s".
        static const std::map<QString, QString> irregular{{QStringLiteral("criterion"), QStringLiteral("ops.checkpoint_criteria")},
                                                          {QStringLiteral("target"), QStringLiteral("ops.deployments")},
                                                          {QStringLiteral("ids"), QStringLiteral("ops.sandbox_violations")}};
        const QString thing = parameter.mid(2);
        if (thing == QStringLiteral("project"))
            return target.id;
        const auto known = irregular.find(thing);
        for (const auto& [table, id] : target.rowIds) {
            const bool matches = known != irregular.end() ? table == known->second
                                                          : table == QStringLiteral("ops.") + thing + QLatin1Char('s')
                                                                || table.endsWith(QLatin1Char('_') + thing + QLatin1Char('s'));
            if (matches)
                return id;
        }
        return target.id;
    }

    // One function of schema ops as the catalog describes it.
    struct CatalogFunction {
        QString name;  // regproc text, e.g. "ops.start_rollout"
        QStringList argumentNames;
        QStringList argumentTypes;
    };

    // Every function in ops that can read or change data (no triggers, nothing immutable), either
    // those taking an id (a bigint or bigint[] parameter) or those taking none.
    std::vector<CatalogFunction> catalogFunctions(bool takingAnId)
    {
        auto rows = m_owner->exec(QStringLiteral(
            "SELECT p.oid::regproc::text, "
            "       (SELECT array_agg(coalesce(p.proargnames[i + 1], '') ORDER BY i) FROM generate_series(0, p.pronargs - 1) i)::text[], "
            "       (SELECT array_agg(format_type(p.proargtypes[i], NULL) ORDER BY i) FROM generate_series(0, p.pronargs - 1) i)::text[] "
            "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'ops' AND p.prokind = 'f' AND p.provolatile <> 'i' AND p.prorettype <> 'trigger'::regtype "
            "  AND ('bigint'::regtype = ANY (p.proargtypes::oid[]) OR 'bigint[]'::regtype = ANY (p.proargtypes::oid[])) = $1 "
            "ORDER BY 1"), {takingAnId});
        EXPECT_TRUE(rows.ok()) << rows.error().toString().toStdString();
        std::vector<CatalogFunction> functions;
        const auto list = [](const QString& array) {
            return array.isEmpty() ? QStringList() : array.mid(1).chopped(1).remove(QLatin1Char('"')).split(QLatin1Char(','));
        };
        for (int row = 0; rows && row < rows->rowCount(); ++row)
            functions.push_back({rows->text(row, 0), list(rows->text(row, 1)), list(rows->text(row, 2))});
        return functions;
    }

    // "SELECT * FROM f($1::bigint, $2::text)" with arguments from argumentFor().
    std::pair<QString, SqlParams> callOf(const CatalogFunction& function, const SeededProject& target, const Attacker& who,
                                         const QString& when = QStringLiteral("2026-01-01"))
    {
        QStringList placeholders;
        SqlParams params;
        for (int i = 0; i < function.argumentTypes.size(); ++i) {
            placeholders << QStringLiteral("$%1::%2").arg(i + 1).arg(function.argumentTypes[i]);
            params.emplace_back(argumentFor(function.argumentNames.value(i), function.argumentTypes[i], target, who, when));
        }
        return {QStringLiteral("SELECT * FROM %1(%2)").arg(function.name, placeholders.join(QStringLiteral(", "))), params};
    }

    // What the owner sees of the whole schema: its relations (a new partition, a dropped one),
    // every project and membership, and project A's data.
    QString globalFingerprint()
    {
        return ownerValue(QStringLiteral("SELECT md5(string_agg(c.relname, ',' ORDER BY c.relname)) FROM pg_class c "
                                         "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'ops'"))
               + ownerValue(QStringLiteral("SELECT md5(string_agg(p::text, ',' ORDER BY p.id)) FROM ops.projects p"))
               + ownerValue(QStringLiteral("SELECT md5(string_agg(m.project_id || m.member, ',' ORDER BY 1)) FROM ops.project_members m"))
               + fingerprint(m_a);
    }

    // What the owner sees of project B, to prove that no attempt changed it.
    QString fingerprint(const SeededProject& project)
    {
        QString all;
        for (const QString& table : projectTables(/*withPartitions=*/false))
            all += ownerValue(QStringLiteral("SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM %1 t "
                                             "WHERE project_id = $1").arg(table), {project.id});
        return all + ownerValue(QStringLiteral("SELECT count(*) FROM ops.audit_log WHERE project_id = $1"), {project.id});
    }

    QString m_database;
    std::unique_ptr<Connection> m_owner;
    SeededProject m_a;
    SeededProject m_b;
    std::vector<Attacker> m_attackers;
};

} // namespace

// INSERT, UPDATE, DELETE, TRUNCATE, DROP, DISABLE ROW LEVEL SECURITY on every table and partition,
// for every role including ops_admin: all changes go through SECURITY DEFINER functions.
TEST_F(RoleAttackTest, NoRoleWritesOrAltersAnyTableDirectly)
{
    const QStringList tables = opsTables();
    ASSERT_GE(tables.size(), 30) << "the catalog query found too few tables to be meaningful";
    ASSERT_TRUE(std::any_of(tables.begin(), tables.end(), [](const QString& t) { return t.startsWith(QStringLiteral("ops.health_samples_p")); }))
        << "no health_samples partition was seeded";
    for (Attacker& who : m_attackers) {
        for (const QString& table : tables) {
            const QString column = ownerValue(QStringLiteral("SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = $1::regclass "
                                                             "AND attnum > 0 AND NOT attisdropped ORDER BY attnum LIMIT 1"), {table});
            mustFail(who, QStringLiteral("insert into ") + table, QStringLiteral("INSERT INTO %1 DEFAULT VALUES").arg(table));
            mustFail(who, QStringLiteral("update ") + table, QStringLiteral("UPDATE %1 SET %2 = %2").arg(table, column));
            mustFail(who, QStringLiteral("delete from ") + table, QStringLiteral("DELETE FROM %1").arg(table));
            mustFail(who, QStringLiteral("truncate ") + table, QStringLiteral("TRUNCATE %1 CASCADE").arg(table));
            mustFail(who, QStringLiteral("drop ") + table, QStringLiteral("DROP TABLE %1 CASCADE").arg(table));
            mustFail(who, QStringLiteral("disable row level security on ") + table,
                     QStringLiteral("ALTER TABLE %1 DISABLE ROW LEVEL SECURITY").arg(table));
        }
    }
}

// Every table with a project column shows none of project B's rows to any member of A or to the
// outsider (ops_admin sees every project by design and is left out).
TEST_F(RoleAttackTest, NoRoleReadsAnotherProjectsRows)
{
    int seededTables = 0;
    for (const QString& table : projectTables())
        if (ownerValue(QStringLiteral("SELECT count(*) FROM %1 WHERE project_id = $1").arg(table), {m_b.id}) != QStringLiteral("0"))
            ++seededTables;
    EXPECT_GE(seededTables, 20) << "project B must have rows in most tables for this test to mean something";

    for (Attacker& who : m_attackers) {
        if (who.label == QStringLiteral("admin"))
            continue;
        for (const QString& table : projectTables())
            mustFail(who, QStringLiteral("read project B from ") + table,
                     QStringLiteral("SELECT * FROM %1 WHERE project_id = $1").arg(table), {m_b.id}, /*nothingIsRefusal=*/true);
        mustFail(who, QStringLiteral("read project B"), QStringLiteral("SELECT * FROM ops.projects WHERE id = $1"), {m_b.id}, true);
        mustFail(who, QStringLiteral("read project B's members"), QStringLiteral("SELECT * FROM ops.project_members WHERE project_id = $1"),
                 {m_b.id}, true);
    }
    // The outsider sees no project at all, not even A's rows.
    Attacker& outsider = attacker(QStringLiteral("outsider"));
    for (const QString& table : projectTables())
        mustFail(outsider, QStringLiteral("read anything from ") + table, QStringLiteral("SELECT * FROM %1").arg(table), {}, true);
}

// Every project-scoped function in ops (it takes a bigint id), called with project B's id or the id
// of one of B's rows, is refused or returns nothing, and B is unchanged afterwards. This covers
// reading another project through SECURITY DEFINER functions. Immutable functions cannot read tables
// and are skipped.
TEST_F(RoleAttackTest, NoFunctionReachesAnotherProject)
{
    const std::vector<CatalogFunction> functions = catalogFunctions(/*takingAnId=*/true);
    ASSERT_GE(functions.size(), 30u) << "the catalog query found too few functions to be meaningful";

    // Each call is committed, not rolled back: a function that returns nothing yet changes project
    // B must show up in B's fingerprint, which a rolled-back attempt would hide.
    const QString before = fingerprint(m_b);
    for (Attacker& who : m_attackers) {
        if (who.label == QStringLiteral("admin"))
            continue;  // an administrator manages every project's membership by design
        for (const CatalogFunction& function : functions) {
            const auto [sql, params] = callOf(function, m_b, who);
            ++who.attempts;
            auto result = who.connection->exec(sql, params);
            if (!result.ok() || carriesNothing(*result))
                ++who.refused;
            else
                ADD_FAILURE() << who.label.toStdString() << " succeeded in calling " << function.name.toStdString()
                              << " on project B\n  " << sql.toStdString();
            EXPECT_EQ(fingerprint(m_b).toStdString(), before.toStdString())
                << who.label.toStdString() << " changed project B with " << sql.toStdString();
        }
    }
}

// Every function in ops that takes no id (project creation, partition housekeeping, role lookups,
// and whatever later migrations add), called by every role, the administrator of project A
// included, with plausible arguments and with a time far in the future. Each call is committed
// (a refusal aside), so what it did is what the owner sees afterwards: project B must be unchanged
// for everyone, and the viewer and the outsider (a member of no project) must change nothing at
// all: no relation created or dropped, no project or membership, nothing in project A.
TEST_F(RoleAttackTest, NoFunctionWithoutAnIdTouchesAnotherProject)
{
    const std::vector<CatalogFunction> functions = catalogFunctions(/*takingAnId=*/false);
    ASSERT_GE(functions.size(), 6u) << "the catalog query found too few functions without an id to be meaningful";
    for (Attacker& who : m_attackers) {
        const bool mayChangeNothing = who.label == QStringLiteral("viewer") || who.label == QStringLiteral("outsider");
        for (const CatalogFunction& function : functions) {
            for (const QString& when : {QStringLiteral("2026-01-01"), QStringLiteral("2100-01-01")}) {
                const auto [sql, params] = callOf(function, m_b, who, when);
                const QString beforeB = fingerprint(m_b);
                const QString beforeAll = mayChangeNothing ? globalFingerprint() : QString();
                ++who.attempts;
                auto result = who.connection->exec(sql, params);
                if (!result) {
                    ++who.refused;
                    continue;
                }
                EXPECT_EQ(fingerprint(m_b).toStdString(), beforeB.toStdString())
                    << who.label.toStdString() << " changed project B with " << sql.toStdString() << " (times " << when.toStdString() << ")";
                if (mayChangeNothing) {
                    EXPECT_EQ(globalFingerprint().toStdString(), beforeAll.toStdString())
                        << who.label.toStdString() << " changed the database with " << sql.toStdString() << " (times " << when.toStdString() << ")";
                }
            }
        }
    }
    // Members may create today's and tomorrow's partitions (the collector does), not years ahead:
    // such a table would never expire.
    for (const QString& label : {QStringLiteral("operator"), QStringLiteral("approver"), QStringLiteral("admin")})
        mustFail(attacker(label), QStringLiteral("create a partition for 2100"),
                 QStringLiteral("SELECT ops.ensure_health_partition('2100-01-01')"));
}

// A function given the id of another project's row must not tell whether that row exists: the
// refusal for an existing row of project B and for an id that exists nowhere is the same (SQLSTATE
// and message, the id aside). Before 0014 the deploy functions answered "no environment with id N"
// (P0002) for a missing id and "not a member of project <B>" for an existing one.
TEST_F(RoleAttackTest, RefusalsDoNotRevealWhetherAnIdExists)
{
    struct Probe {
        QString table;  // where the id comes from
        QString sql;    // $1 is the id
    };
    const std::vector<Probe> probes{
        {QStringLiteral("ops.environments"), QStringLiteral("SELECT ops.start_rollout($1, 'deploy', 1, 'x', 'probe-key')")},
        {QStringLiteral("ops.environments"), QStringLiteral("SELECT ops.record_deployment($1, 'p', 'v', 'c', 'u', now(), 'x', 'READY', "
                                                            "'unknown', false, false)")},
        {QStringLiteral("ops.environments"), QStringLiteral("SELECT ops.lock_environment($1, 'x', NULL)")},
        {QStringLiteral("ops.environments"), QStringLiteral("SELECT ops.unlock_environment($1)")},
        {QStringLiteral("ops.environments"), QStringLiteral("SELECT ops.record_platform_migration($1, 'm', now())")},
        {QStringLiteral("ops.rollouts"), QStringLiteral("SELECT ops.advance_rollout($1, 'failed', 'x', '{}')")},
        {QStringLiteral("ops.rollouts"), QStringLiteral("SELECT ops.claim_stale_rollout($1, 0)")},
        {QStringLiteral("ops.monitors"), QStringLiteral("SELECT ops.set_monitor_config($1, '{}')")},
        {QStringLiteral("ops.monitors"), QStringLiteral("SELECT ops.record_health_sample($1, 'seed', now(), 'up', 1, 200, 'ok', "
                                                        "'closed', '{}', NULL)")},
        {QStringLiteral("ops.monitors"), QStringLiteral("SELECT ops.raise_health_alert($1, 'seed', 'monitor_down', 'web', 'x')")},
        {QStringLiteral("ops.health_alerts"), QStringLiteral("SELECT ops.acknowledge_health_alert($1)")},
        {QStringLiteral("ops.maintenance_windows"), QStringLiteral("SELECT ops.remove_maintenance_window($1)")},
        {QStringLiteral("ops.plan_tasks"), QStringLiteral("SELECT ops.set_task_done($1, true)")},
        {QStringLiteral("ops.blockers"), QStringLiteral("SELECT ops.resolve_blocker($1, 'x')")},
    };
    // The message with the id (as a whole word, not inside a role name) taken out.
    const auto withoutId = [](QString message, qint64 id) {
        return message.replace(QRegularExpression(QStringLiteral("\\b%1\\b").arg(id)), QStringLiteral("<id>")).toStdString();
    };
    for (const QString& label : {QStringLiteral("operator"), QStringLiteral("outsider")}) {
        Attacker& who = attacker(label);
        for (const Probe& probe : probes) {
            ASSERT_TRUE(m_b.rowIds.count(probe.table)) << "project B has no row in " << probe.table.toStdString();
            const qint64 existing = m_b.rowIds.at(probe.table);
            const qint64 missing = ownerValue(QStringLiteral("SELECT coalesce(max(id), 0) + 100000 FROM %1").arg(probe.table)).toLongLong();
            auto onExisting = who.connection->exec(probe.sql, {existing});
            auto onMissing = who.connection->exec(probe.sql, {missing});
            who.attempts += 2;
            ASSERT_FALSE(onExisting.ok()) << label.toStdString() << " reached project B's row: " << probe.sql.toStdString();
            ASSERT_FALSE(onMissing.ok()) << probe.sql.toStdString();
            who.refused += 2;
            EXPECT_EQ(onExisting.error().sqlstate.toStdString(), "42501") << probe.sql.toStdString();
            EXPECT_EQ(onMissing.error().sqlstate.toStdString(), onExisting.error().sqlstate.toStdString())
                << label.toStdString() << " can tell a missing id from another project's: " << probe.sql.toStdString() << "\n  "
                << onExisting.error().message.toStdString() << "\n  " << onMissing.error().message.toStdString();
            EXPECT_EQ(withoutId(onMissing.error().message, missing), withoutId(onExisting.error().message, existing))
                << label.toStdString() << " can tell a missing id from another project's: " << probe.sql.toStdString();
        }
    }
}

// The specific must-nots inside the attacker's own project A.
TEST_F(RoleAttackTest, LowerRolesCannotActAboveTheirRoleInTheirOwnProject)
{
    const qint64 checkpoint = m_a.rowIds.at(QStringLiteral("ops.checkpoints"));
    const qint64 environment = m_a.rowIds.at(QStringLiteral("ops.environments"));
    const qint64 deployment = m_a.rowIds.at(QStringLiteral("ops.deployments"));
    const qint64 rollout = m_a.rowIds.at(QStringLiteral("ops.rollouts"));
    const qint64 violation = m_a.rowIds.at(QStringLiteral("ops.sandbox_violations"));
    for (const QString& label : {QStringLiteral("viewer"), QStringLiteral("operator")})
        mustFail(attacker(label), QStringLiteral("sign off"), QStringLiteral("SELECT ops.sign_checkpoint($1, 'go', 'x', '{}')"), {checkpoint});

    Attacker& viewer = attacker(QStringLiteral("viewer"));
    mustFail(viewer, QStringLiteral("start a rollout"), QStringLiteral("SELECT ops.start_rollout($1, 'rollback', $2, 'x', 'attack-key-1')"),
             {environment, deployment});
    mustFail(viewer, QStringLiteral("claim a rollout"), QStringLiteral("SELECT ops.claim_stale_rollout($1, 0)"), {rollout});
    mustFail(viewer, QStringLiteral("advance a rollout"), QStringLiteral("SELECT ops.advance_rollout($1, 'failed', 'x', '{}')"), {rollout});
    mustFail(viewer, QStringLiteral("change triage status"),
             QStringLiteral("SELECT ops.set_violation_status($1, ARRAY[$2::bigint], 'resolved', 'x')"), {m_a.id, violation});
    mustFail(viewer, QStringLiteral("lock an environment"), QStringLiteral("SELECT ops.lock_environment($1, 'x', now() + interval '1 hour')"),
             {environment});
    for (const QString& label : {QStringLiteral("viewer"), QStringLiteral("operator"), QStringLiteral("approver")})
        mustFail(attacker(label), QStringLiteral("add a member"), QStringLiteral("SELECT ops.add_project_member($1, current_user)"), {m_b.id});
}

// The audit log and the sign-offs are append-only for everyone but the owner, ops_admin included;
// appending a forged entry needs the operator role and membership of the project.
TEST_F(RoleAttackTest, NobodyRewritesTheAuditLog)
{
    for (Attacker& who : m_attackers) {
        for (const QString& table : {QStringLiteral("ops.audit_log"), QStringLiteral("ops.audit_head"), QStringLiteral("ops.signoffs")}) {
            mustFail(who, QStringLiteral("rewrite ") + table, QStringLiteral("UPDATE %1 SET project_id = project_id").arg(table));
            mustFail(who, QStringLiteral("delete ") + table, QStringLiteral("DELETE FROM %1").arg(table));
            mustFail(who, QStringLiteral("truncate ") + table, QStringLiteral("TRUNCATE %1").arg(table));
        }
        mustFail(who, QStringLiteral("forge an audit entry in project B"),
                 QStringLiteral("SELECT ops.append_audit($1, 'forged', 'x', '{}')"), {m_b.id});
    }
    mustFail(attacker(QStringLiteral("viewer")), QStringLiteral("forge an audit entry as a viewer"),
             QStringLiteral("SELECT ops.append_audit($1, 'forged', 'x', '{}')"), {m_a.id});
}

// Schema changes: detach or drop a partition, create objects in ops, disable or drop any trigger,
// change a policy; and climbing: SET ROLE to a higher role or the superuser.
TEST_F(RoleAttackTest, NoRoleChangesTheSchemaOrClimbsToAHigherRole)
{
    const QStringList partitions = ownerColumn(QStringLiteral(
        "SELECT inhrelid::regclass::text || '|' || inhparent::regclass::text FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhparent JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'ops'"));
    ASSERT_FALSE(partitions.isEmpty());
    const QStringList triggers = ownerColumn(QStringLiteral(
        "SELECT quote_ident(t.tgname) || '|' || t.tgrelid::regclass::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'ops' AND NOT t.tgisinternal"));
    ASSERT_GE(triggers.size(), 5);
    const QStringList policies = ownerColumn(QStringLiteral(
        "SELECT quote_ident(policyname) || '|ops.' || quote_ident(tablename) FROM pg_policies WHERE schemaname = 'ops'"));
    const QStringList ladder{QStringLiteral("ops_viewer"), QStringLiteral("ops_operator"), QStringLiteral("ops_approver"),
                             QStringLiteral("ops_admin")};
    const QString superuser = ownerValue(QStringLiteral("SELECT quote_ident(rolname) FROM pg_roles WHERE rolsuper ORDER BY oid LIMIT 1"));

    for (Attacker& who : m_attackers) {
        for (const QString& pair : partitions) {
            const QStringList parts = pair.split(QLatin1Char('|'));
            mustFail(who, QStringLiteral("detach partition ") + parts[0],
                     QStringLiteral("ALTER TABLE %1 DETACH PARTITION %2").arg(parts[1], parts[0]));
            mustFail(who, QStringLiteral("drop partition ") + parts[0], QStringLiteral("DROP TABLE %1").arg(parts[0]));
        }
        for (const QString& pair : triggers) {
            const QStringList parts = pair.split(QLatin1Char('|'));
            mustFail(who, QStringLiteral("disable trigger ") + pair,
                     QStringLiteral("ALTER TABLE %1 DISABLE TRIGGER %2").arg(parts[1], parts[0]));
            mustFail(who, QStringLiteral("drop trigger ") + pair, QStringLiteral("DROP TRIGGER %1 ON %2").arg(parts[0], parts[1]));
        }
        for (const QString& pair : policies) {
            const QStringList parts = pair.split(QLatin1Char('|'));
            mustFail(who, QStringLiteral("drop policy ") + pair, QStringLiteral("DROP POLICY %1 ON %2").arg(parts[0], parts[1]));
        }
        mustFail(who, QStringLiteral("create a table in ops"), QStringLiteral("CREATE TABLE ops.attack (x int)"));
        mustFail(who, QStringLiteral("create a view in ops"), QStringLiteral("CREATE VIEW ops.attack AS SELECT 1"));
        mustFail(who, QStringLiteral("create a function in ops"),
                 QStringLiteral("CREATE FUNCTION ops.is_member(bigint, int) RETURNS boolean LANGUAGE sql AS 'SELECT true'"));
        mustFail(who, QStringLiteral("replace a function in ops"),
                 QStringLiteral("CREATE OR REPLACE FUNCTION ops.is_member(p_project bigint) RETURNS boolean LANGUAGE sql AS 'SELECT true'"));
        // A GRANT by a non-owner is not an error (PostgreSQL warns "no privileges were granted"): the
        // attempt fails when the privilege is still missing afterwards.
        (void)who.connection->exec(QStringLiteral("GRANT INSERT ON ops.audit_log TO CURRENT_USER"));
        mustFail(who, QStringLiteral("grant itself a table"),
                 QStringLiteral("SELECT nullif(has_table_privilege('ops.audit_log', 'INSERT'), false)"), {}, true);
        mustFail(who, QStringLiteral("grant itself a higher role"), QStringLiteral("GRANT ops_admin TO CURRENT_USER"));
        mustFail(who, QStringLiteral("set role to the superuser"), QStringLiteral("SET ROLE %1").arg(superuser));
        mustFail(who, QStringLiteral("set session authorization"), QStringLiteral("SET SESSION AUTHORIZATION %1").arg(superuser));
        const qsizetype level = who.label == QStringLiteral("outsider") ? 1 : ladder.indexOf(QStringLiteral("ops_") + who.label);
        for (qsizetype higher = level + 1; higher < ladder.size(); ++higher)
            mustFail(who, QStringLiteral("set role ") + ladder[higher], QStringLiteral("SET ROLE %1").arg(ladder[higher]));
    }
}
