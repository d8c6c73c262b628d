// SPDX-License-Identifier: MIT
#include "db/TransportSecurity.h"

namespace ops::services {

TransportSecurity classifyTransport(const ConnectionOptions& options, const TlsSession& session)
{
    if (session.inUse) {
        const QString mode = options.sslMode();
        if (mode == QLatin1String("verify-full"))
            return TransportSecurity::Verified;
        if (mode == QLatin1String("verify-ca"))
            return TransportSecurity::HostNotVerified;
        return TransportSecurity::NotVerified;
    }
    return options.isLocal() ? TransportSecurity::Local : TransportSecurity::Cleartext;
}

QString transportSecurityName(TransportSecurity security)
{
    switch (security) {
    case TransportSecurity::Local: return QStringLiteral("local");
    case TransportSecurity::Verified: return QStringLiteral("verified");
    case TransportSecurity::HostNotVerified: return QStringLiteral("host-not-verified");
    case TransportSecurity::NotVerified: return QStringLiteral("not-verified");
    case TransportSecurity::Cleartext: return QStringLiteral("cleartext");
    }
    return QStringLiteral("unknown");
}

} // namespace ops::services
