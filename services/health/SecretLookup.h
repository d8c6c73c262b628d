// SPDX-License-Identifier: MIT
#pragma once

// SecretLookup: where health sources get credentials, by name. Monitors only name a secret in
// their config ({"secret": "supabase-metrics"}); the value never reaches the database or a file.
//
// InMemorySecretStore is the store used today: filled from the environment (OPS_SECRET_<NAME>,
// the name upper-cased with '-' and '.' as '_') or by the app (a prompt), kept in memory only.
// Issue 8 backs SecretLookup with the system keyring. Thread-safe.

#include <QByteArray>
#include <QHash>
#include <QProcessEnvironment>
#include <QString>

#include <mutex>
#include <optional>

namespace ops::services {

class SecretLookup {
public:
    virtual ~SecretLookup() = default;
    virtual std::optional<QByteArray> secret(const QString& name) const = 0;
};

class InMemorySecretStore final : public SecretLookup {
public:
    std::optional<QByteArray> secret(const QString& name) const override;
    void set(const QString& name, const QByteArray& value);
    void remove(const QString& name);
    // Copies every OPS_SECRET_* variable (e.g. OPS_SECRET_SUPABASE_METRICS -> "supabase_metrics");
    // returns how many were found.
    int fillFromEnvironment(const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment());
    // The key a name is stored under: lower case, '-' and '.' folded to '_'.
    static QString normalisedName(const QString& name);

private:
    mutable std::mutex m_mutex;
    QHash<QString, QByteArray> m_secrets;
};

} // namespace ops::services
