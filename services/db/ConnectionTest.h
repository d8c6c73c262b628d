// SPDX-License-Identifier: MIT
#pragma once

// testConnection: the settings' "Test connection" button. Connects once with the profile's string
// and the password typed (kept in memory only), within `timeout`, and says what answered.
// Blocking: call it from a worker thread (the dialogs run it under QtConcurrent::run).

#include "common/Result.h"

#include <QByteArray>
#include <QString>

#include <chrono>

namespace ops::services {

// "PostgreSQL 15.8 at db.example.com:5432 (db ops) as ops_admin", or the reason it failed (never
// containing the password).
Result<QString> testConnection(const QString& connectionString, const QByteArray& password,
                               std::chrono::milliseconds timeout);

} // namespace ops::services
