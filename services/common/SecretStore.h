// SPDX-License-Identifier: MIT
#pragma once

// SecretStore: the one place the console keeps secrets: database passwords, deploy provider
// tokens, monitor credentials. Values live in the desktop keyring (QtKeychain) when one answers,
// and always in this process's memory once known; they never reach a file, a log, a report or
// the database.
//
// Names are "<area>/<key>": "database/<profile>", "deploy/<provider>", "health/<secret>".
// cached() is synchronous and thread-safe (health probes call it from pool workers). load(),
// store() and forget() are asynchronous (the keyring is a D-Bus round trip: the GUI thread never
// waits on it) and report on the context object's thread; a destroyed context gets no call.
//
// Without a keyring (no D-Bus session, no secret service, or --no-keyring) the store is memory
// only: the app asks once per run and keeps the answer here.

#include "common/Result.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QProcessEnvironment>
#include <QString>

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>

namespace ops::services {

enum class SecretBackend {
    Keyring,  // the desktop keyring holds the secret across runs
    Memory,   // this run only
};

class SecretStore : public QObject {
    Q_OBJECT
public:
    // keyringService: the keyring's service name ("ops-console"; tests pass their own).
    // useKeyring = false: memory only, whatever the desktop offers.
    explicit SecretStore(QString keyringService = QStringLiteral("ops-console"), bool useKeyring = true,
                         QObject* parent = nullptr);
    ~SecretStore() override;

    // The secret if this run already holds it (environment, keyring read, prompt, store()).
    std::optional<QByteArray> cached(const QString& name) const;

    // Reads the keyring unless the value is cached. done(nullopt): stored nowhere.
    void load(const QString& name, QObject* context, std::function<void(std::optional<QByteArray>)> done);
    // Keeps the value for this run and writes it to the keyring when there is one. done gets where
    // it is kept now: Memory when the keyring refused (the error is logged without the value).
    void store(const QString& name, const QByteArray& value, QObject* context,
               std::function<void(SecretBackend)> done = {});
    // This run only, never the keyring (a prompt's answer with "remember" unticked, the environment).
    void remember(const QString& name, const QByteArray& value);
    // Removes it from memory and from the keyring.
    void forget(const QString& name, QObject* context = nullptr, std::function<void(Result<void>)> done = {});

    // For headless runs and CI: OPS_SECRET_<NAME> becomes "health/<name>" (lower case) and
    // OPS_DEPLOY_TOKEN becomes "deploy/default", memory only. PGPASSWORD is left to libpq.
    // Returns how many were found.
    int fillFromEnvironment(const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment());

    // Keyring until a keyring call fails for want of a keyring; Memory from then on.
    SecretBackend backend() const;
    // Lower case, surrounding spaces dropped, '-' and '.' folded to '_' in the key part.
    static QString normalisedName(const QString& name);

signals:
    void backendChanged(ops::services::SecretBackend backend);

private:
    void keep(const QString& name, const QByteArray& value);
    // The first "no keyring" answer: Memory from now on, one log line (never a value), one signal.
    void keyringUnavailable(const QString& reason);
    void onStoreThread(std::function<void()> fn);

    const QString m_keyringService;
    mutable std::mutex m_mutex;
    QHash<QString, QByteArray> m_secrets;
    std::atomic<bool> m_useKeyring;
};

} // namespace ops::services
