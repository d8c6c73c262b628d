// SPDX-License-Identifier: MIT
#include "common/SecretStore.h"

#include <QLoggingCategory>
#include <QMetaObject>

#include <qt6keychain/keychain.h>

Q_LOGGING_CATEGORY(lcSecrets, "ops.secrets", QtInfoMsg)

namespace ops::services {

namespace {
const QString healthPrefix = QStringLiteral("OPS_SECRET_");

// Runs fn on the context's thread, or never when the context was destroyed meanwhile. No context
// at all: runs now, on the store's thread.
class Delivery {
public:
    explicit Delivery(QObject* context) : m_context(context), m_hadContext(context != nullptr) {}
    void operator()(std::function<void()> fn) const
    {
        if (!m_hadContext) {
            fn();
            return;
        }
        if (QObject* context = m_context.data())
            QMetaObject::invokeMethod(context, std::move(fn), Qt::QueuedConnection);
    }

private:
    QPointer<QObject> m_context;
    bool m_hadContext;
};

// The errors that mean "there is no keyring to talk to" (no D-Bus session, no secret service
// on it, no backend compiled in), as opposed to "the keyring said no" (locked, denied).
bool meansNoKeyring(QKeychain::Error error)
{
    return error == QKeychain::NoBackendAvailable || error == QKeychain::NotImplemented
           || error == QKeychain::OtherError;
}
} // namespace

SecretStore::SecretStore(QString keyringService, bool useKeyring, QObject* parent)
    : QObject(parent), m_keyringService(std::move(keyringService)), m_useKeyring(useKeyring)
{
}

SecretStore::~SecretStore() = default;

QString SecretStore::normalisedName(const QString& name)
{
    QString key = name.trimmed().toLower();
    const qsizetype slash = key.indexOf(QLatin1Char('/'));
    for (qsizetype i = slash + 1; i < key.size(); ++i) {
        if (key[i] == QLatin1Char('-') || key[i] == QLatin1Char('.'))
            key[i] = QLatin1Char('_');
    }
    return key;
}

std::optional<QByteArray> SecretStore::cached(const QString& name) const
{
    std::lock_guard lock(m_mutex);
    const auto it = m_secrets.constFind(normalisedName(name));
    if (it == m_secrets.constEnd())
        return std::nullopt;
    return *it;
}

void SecretStore::keep(const QString& name, const QByteArray& value)
{
    std::lock_guard lock(m_mutex);
    m_secrets.insert(normalisedName(name), value);
}

void SecretStore::remember(const QString& name, const QByteArray& value)
{
    keep(name, value);
}

SecretBackend SecretStore::backend() const
{
    return m_useKeyring.load() ? SecretBackend::Keyring : SecretBackend::Memory;
}

void SecretStore::keyringUnavailable(const QString& reason)
{
    // Only the first failure switches and logs: every later call skips the keyring.
    if (!m_useKeyring.exchange(false))
        return;
    qCWarning(lcSecrets).noquote() << "no desktop keyring (" + reason + "): secrets are kept in memory for this run";
    emit backendChanged(SecretBackend::Memory);
}

void SecretStore::onStoreThread(std::function<void()> fn)
{
    // QtKeychain jobs are QObjects driven by this thread's event loop (D-Bus replies): create them
    // here whichever thread asked. Direct when the caller is on the store's thread already.
    QMetaObject::invokeMethod(this, std::move(fn), Qt::AutoConnection);
}

void SecretStore::load(const QString& name, QObject* context, std::function<void(std::optional<QByteArray>)> done)
{
    const Delivery deliver(context);
    if (auto value = cached(name); value || !m_useKeyring.load()) {
        deliver([done = std::move(done), value] { done(value); });
        return;
    }
    const QString key = normalisedName(name);
    onStoreThread([this, key, deliver, done = std::move(done)]() mutable {
        auto* job = new QKeychain::ReadPasswordJob(m_keyringService, this);
        job->setAutoDelete(true);
        job->setKey(key);
        connect(job, &QKeychain::Job::finished, this, [this, job, key, deliver, done = std::move(done)]() mutable {
            std::optional<QByteArray> value;
            if (job->error() == QKeychain::NoError) {
                value = job->binaryData();
                keep(key, *value);
            } else if (meansNoKeyring(job->error())) {
                keyringUnavailable(job->errorString());
            } else if (job->error() != QKeychain::EntryNotFound) {
                qCWarning(lcSecrets).noquote() << "reading" << key << "from the keyring failed:" << job->errorString();
            }
            // A value kept meanwhile (a prompt, the environment) still counts.
            if (!value)
                value = cached(key);
            deliver([done = std::move(done), value] { done(value); });
        });
        job->start();
    });
}

void SecretStore::store(const QString& name, const QByteArray& value, QObject* context,
                        std::function<void(SecretBackend)> done)
{
    keep(name, value);
    const Delivery deliver(context);
    const auto report = [deliver, done](SecretBackend where) {
        if (done)
            deliver([done, where] { done(where); });
    };
    if (!m_useKeyring.load()) {
        report(SecretBackend::Memory);
        return;
    }
    const QString key = normalisedName(name);
    onStoreThread([this, key, value, report] {
        auto* job = new QKeychain::WritePasswordJob(m_keyringService, this);
        job->setAutoDelete(true);
        job->setKey(key);
        job->setBinaryData(value);
        connect(job, &QKeychain::Job::finished, this, [this, job, key, report] {
            if (job->error() == QKeychain::NoError) {
                report(SecretBackend::Keyring);
                return;
            }
            if (meansNoKeyring(job->error()))
                keyringUnavailable(job->errorString());
            else
                qCWarning(lcSecrets).noquote() << "the keyring refused" << key << "(kept in memory for this run):"
                                               << job->errorString();
            report(SecretBackend::Memory);
        });
        job->start();
    });
}

void SecretStore::forget(const QString& name, QObject* context, std::function<void(Result<void>)> done)
{
    {
        std::lock_guard lock(m_mutex);
        m_secrets.remove(normalisedName(name));
    }
    const Delivery deliver(context);
    const auto report = [deliver, done](Result<void> result) {
        if (done)
            deliver([done, result] { done(result); });
    };
    if (!m_useKeyring.load()) {
        report(Result<void>());
        return;
    }
    const QString key = normalisedName(name);
    onStoreThread([this, key, report] {
        auto* job = new QKeychain::DeletePasswordJob(m_keyringService, this);
        job->setAutoDelete(true);
        job->setKey(key);
        connect(job, &QKeychain::Job::finished, this, [this, job, key, report] {
            const QKeychain::Error error = job->error();
            if (error == QKeychain::NoError || error == QKeychain::EntryNotFound) {
                report(Result<void>());
                return;
            }
            if (meansNoKeyring(error)) {
                keyringUnavailable(job->errorString());
                report(Result<void>());  // nothing can be in a keyring that is not there
                return;
            }
            report(Error::make(ErrorKind::Io, QStringLiteral("the keyring did not remove %1: %2").arg(key, job->errorString())));
        });
        job->start();
    });
}

int SecretStore::fillFromEnvironment(const QProcessEnvironment& environment)
{
    int found = 0;
    for (const QString& key : environment.keys()) {
        if (key.startsWith(healthPrefix) && key.size() > healthPrefix.size()) {
            keep(QStringLiteral("health/") + key.mid(healthPrefix.size()), environment.value(key).toUtf8());
            ++found;
        }
    }
    if (environment.contains(QStringLiteral("OPS_DEPLOY_TOKEN"))) {
        keep(QStringLiteral("deploy/default"), environment.value(QStringLiteral("OPS_DEPLOY_TOKEN")).toUtf8());
        ++found;
    }
    return found;
}

} // namespace ops::services
