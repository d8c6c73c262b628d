// SPDX-License-Identifier: MIT
#include "common/SecretStore.h"

#include <QMetaObject>

namespace ops::services {

namespace {
const QString healthPrefix = QStringLiteral("OPS_SECRET_");

// Runs fn on context's thread, or not at all when context is gone. No context: runs now.
void deliver(QObject* context, std::function<void()> fn)
{
    if (!context) {
        fn();
        return;
    }
    QMetaObject::invokeMethod(context, std::move(fn), Qt::QueuedConnection);
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

// Memory-only for now: the keyring backend (QtKeychain) plugs in here.
void SecretStore::load(const QString& name, QObject* context, std::function<void(std::optional<QByteArray>)> done)
{
    auto value = cached(name);
    deliver(context, [done = std::move(done), value] { done(value); });
}

void SecretStore::store(const QString& name, const QByteArray& value, QObject* context,
                        std::function<void(SecretBackend)> done)
{
    keep(name, value);
    if (done)
        deliver(context, [done = std::move(done)] { done(SecretBackend::Memory); });
}

void SecretStore::forget(const QString& name, QObject* context, std::function<void(Result<void>)> done)
{
    {
        std::lock_guard lock(m_mutex);
        m_secrets.remove(normalisedName(name));
    }
    if (done)
        deliver(context, [done = std::move(done)] { done(Result<void>()); });
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

SecretBackend SecretStore::backend() const
{
    return SecretBackend::Memory;  // until the keyring backend lands
}

} // namespace ops::services
