// SPDX-License-Identifier: MIT
#pragma once

// TransportSecurity: how well a database session is protected on the way to the server, from
// what the session negotiated (TlsSession, read after connecting) and what was configured
// (ConnectionOptions: sslmode, local or not). The status bar turns it into a note or a warning.
// Value types; any thread.

#include "db/ConnectionOptions.h"

#include <QMetaType>
#include <QString>

namespace ops::services {

// What a connected session negotiated (libpq's PQsslInUse and PQsslAttribute).
struct TlsSession {
    bool inUse = false;
    QString protocol;  // "TLSv1.3"; empty without TLS
    QString cipher;    // "TLS_AES_256_GCM_SHA384"; empty without TLS
};

enum class TransportSecurity {
    Local,            // a Unix socket or loopback: nothing crosses the network
    Verified,         // TLS, the server's certificate and host name checked (verify-full)
    HostNotVerified,  // TLS, the certificate checked against the CA but not the host name (verify-ca)
    NotVerified,      // TLS, the server not checked at all (require, prefer, allow): encrypted, impersonable
    Cleartext,        // a non-local host without TLS: passwords and data cross the network in clear
};

TransportSecurity classifyTransport(const ConnectionOptions& options, const TlsSession& session);
// "verified", "host-not-verified", ...: for logs and the command line.
QString transportSecurityName(TransportSecurity security);

} // namespace ops::services
