// SPDX-License-Identifier: MIT
#pragma once

// Migrator: applies the numbered SQL files (resources/sql/NNNN_name.sql, compiled in as Qt
// resources under :/sql) in order. Each file runs in its own transaction that first takes a
// transaction-level advisory lock (which also works through a transaction pooler) and then
// re-reads what is applied, so two consoles starting at once never both apply a file. Every
// applied file is recorded with its SHA-256; the console refuses to run when an applied file's
// checksum changed or when the database knows versions this console does not.
// Blocking: run on a worker thread with a Connection of its own. Errors as Result values.

#include "common/Result.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace ops::services {

class Connection;

struct Migration {
    int version = 0;
    QString name;      // file name, e.g. "0001_foundation.sql"
    QByteArray sql;
    QString checksum;  // hex SHA-256 of sql
};

struct MigrationReport {
    QStringList applied;  // file names applied by this run
    int schemaVersion = 0;
};

class Migrator final {
public:
    static constexpr qint64 lockKey = 0x6f70732d6d696772;  // "ops-migr"

    // Reads every NNNN_name.sql in `directory` (a file system path or ":/sql"), sorted by number.
    // Refuses duplicate numbers and file names that do not start with a number.
    static Result<std::vector<Migration>> load(const QString& directory = QStringLiteral(":/sql"));

    explicit Migrator(std::vector<Migration> migrations) : m_migrations(std::move(migrations)) {}

    Result<MigrationReport> migrate(Connection& connection) const;
    int latestVersion() const { return m_migrations.empty() ? 0 : m_migrations.back().version; }

private:
    Result<bool> applyOne(Connection& connection, const Migration& migration) const;
    Result<void> verifyApplied(Connection& connection) const;
    // True when every known migration is applied (and nothing unknown or changed is).
    Result<bool> isUpToDate(Connection& connection) const;

    std::vector<Migration> m_migrations;
};

} // namespace ops::services
