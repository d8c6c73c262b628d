// SPDX-License-Identifier: MIT
#include "db/Migrator.h"

#include "db/Connection.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QLoggingCategory>
#include <QRegularExpression>

#include <map>

Q_LOGGING_CATEGORY(lcMigrator, "ops.db.migrator", QtInfoMsg)

namespace ops::services {

Result<std::vector<Migration>> Migrator::load(const QString& directory)
{
    QDir dir(directory);
    if (!dir.exists())
        return Error::make(ErrorKind::NotFound, QStringLiteral("migration directory %1 does not exist").arg(directory));
    static const QRegularExpression pattern(QStringLiteral("^(\\d+)_[A-Za-z0-9_-]+\\.sql$"));
    std::map<int, Migration> byVersion;
    for (const QString& name : dir.entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name)) {
        const QRegularExpressionMatch match = pattern.match(name);
        if (!match.hasMatch())
            return Error::make(ErrorKind::InvalidInput,
                               QStringLiteral("migration file %1 must be named NNNN_description.sql").arg(name));
        Migration migration;
        migration.version = match.captured(1).toInt();
        migration.name = name;
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            return Error::make(ErrorKind::Io, QStringLiteral("cannot read migration %1").arg(name));
        migration.sql = file.readAll();
        migration.checksum = QString::fromLatin1(QCryptographicHash::hash(migration.sql, QCryptographicHash::Sha256).toHex());
        if (migration.version <= 0 || byVersion.count(migration.version))
            return Error::make(ErrorKind::InvalidInput,
                               QStringLiteral("migration number %1 is used twice or is not positive (%2)")
                                   .arg(migration.version)
                                   .arg(name));
        byVersion.emplace(migration.version, std::move(migration));
    }
    std::vector<Migration> migrations;
    for (auto& [version, migration] : byVersion)
        migrations.push_back(std::move(migration));
    return migrations;
}

// Checks what is recorded against the files this console carries. Runs inside the locked transaction.
Result<void> Migrator::verifyApplied(Connection& connection) const
{
    auto applied = connection.exec(QStringLiteral("SELECT version, name, checksum FROM ops.schema_migrations ORDER BY version"));
    if (!applied)
        return applied.error();
    for (int row = 0; row < applied->rowCount(); ++row) {
        const int version = int(applied->toInt64(row, 0));
        if (version > latestVersion())
            return Error::make(ErrorKind::InvalidInput,
                               QStringLiteral("the database schema (version %1, %2) is newer than this console "
                                              "(knows up to %3): upgrade the console")
                                   .arg(version)
                                   .arg(applied->text(row, 1))
                                   .arg(latestVersion()));
        auto known = std::find_if(m_migrations.begin(), m_migrations.end(),
                                  [version](const Migration& m) { return m.version == version; });
        if (known == m_migrations.end())
            return Error::make(ErrorKind::InvalidInput,
                               QStringLiteral("the database has migration %1 (%2), which this console does not have")
                                   .arg(version)
                                   .arg(applied->text(row, 1)));
        if (known->checksum != applied->text(row, 2))
            return Error::make(ErrorKind::InvalidInput,
                               QStringLiteral("migration %1 was changed after it was applied (checksum %2 in the "
                                              "database, %3 in this console): restore the file, never edit an "
                                              "applied migration, add a new one")
                                   .arg(known->name, applied->text(row, 2).left(12), known->checksum.left(12)));
    }
    return {};
}

Result<bool> Migrator::applyOne(Connection& connection, const Migration& migration) const
{
    auto rollback = [&connection](const Error& error) -> Result<bool> {
        (void)connection.exec(QStringLiteral("ROLLBACK"));
        return error;
    };
    if (auto begun = connection.exec(QStringLiteral("BEGIN")); !begun)
        return begun.error();
    // The lock is released by COMMIT/ROLLBACK: nothing outlives the transaction, so this is safe
    // through PgBouncer/Supavisor in transaction mode.
    if (auto locked = connection.exec(QStringLiteral("SELECT pg_advisory_xact_lock($1)"), {lockKey}); !locked)
        return rollback(locked.error());
    auto bootstrap = connection.execScript(QStringLiteral(
        "CREATE SCHEMA IF NOT EXISTS ops;"
        "CREATE TABLE IF NOT EXISTS ops.schema_migrations ("
        "  version integer PRIMARY KEY,"
        "  name text NOT NULL,"
        "  checksum text NOT NULL,"
        "  applied_at timestamptz NOT NULL DEFAULT now(),"
        "  applied_by name NOT NULL DEFAULT session_user)"));
    if (!bootstrap)
        return rollback(bootstrap.error());
    // Re-check under the lock: another console may have applied files while we waited.
    if (auto verified = verifyApplied(connection); !verified)
        return rollback(verified.error());
    auto present = connection.exec(QStringLiteral("SELECT 1 FROM ops.schema_migrations WHERE version = $1"),
                                   {migration.version});
    if (!present)
        return rollback(present.error());
    if (present->rowCount() > 0) {
        (void)connection.exec(QStringLiteral("COMMIT"));
        return false;
    }
    if (auto applied = connection.execScript(QString::fromUtf8(migration.sql)); !applied) {
        Error error = applied.error();
        error.message = QStringLiteral("migration %1 failed: %2").arg(migration.name, error.message);
        return rollback(error);
    }
    auto recorded = connection.exec(
        QStringLiteral("INSERT INTO ops.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)"),
        {migration.version, migration.name, migration.checksum});
    if (!recorded)
        return rollback(recorded.error());
    if (auto committed = connection.exec(QStringLiteral("COMMIT")); !committed)
        return committed.error();
    qCInfo(lcMigrator) << "applied migration" << migration.name;
    return true;
}

Result<bool> Migrator::isUpToDate(Connection& connection) const
{
    auto exists = connection.exec(QStringLiteral("SELECT to_regclass('ops.schema_migrations') IS NOT NULL"));
    if (!exists)
        return exists.error();
    if (!exists->toBool(0, 0))
        return false;
    if (auto verified = verifyApplied(connection); !verified)
        return verified.error();
    auto count = connection.exec(QStringLiteral("SELECT count(*) FROM ops.schema_migrations"));
    if (!count)
        return count.error();
    // verifyApplied refused unknown versions, so equal counts mean every file is applied.
    return count->toInt64(0, 0) == qint64(m_migrations.size());
}

Result<MigrationReport> Migrator::migrate(Connection& connection) const
{
    MigrationReport report;
    // An up-to-date database needs no DDL. Operators log in as their own roles, which may not
    // create schemas (CREATE SCHEMA IF NOT EXISTS checks the privilege before it looks), so
    // they must not reach the bootstrap below.
    if (auto upToDate = isUpToDate(connection); upToDate && *upToDate) {
        report.schemaVersion = latestVersion();
        return report;
    }
    for (const Migration& migration : m_migrations) {
        auto applied = applyOne(connection, migration);
        if (!applied)
            return applied.error();
        if (applied.value())
            report.applied << migration.name;
    }
    if (m_migrations.empty()) {
        // Nothing to apply, but a newer database must still be refused.
        auto exists = connection.exec(QStringLiteral("SELECT to_regclass('ops.schema_migrations') IS NOT NULL"));
        if (exists && exists->toBool(0, 0)) {
            if (auto verified = verifyApplied(connection); !verified)
                return verified.error();
        }
    }
    report.schemaVersion = latestVersion();
    return report;
}

} // namespace ops::services
