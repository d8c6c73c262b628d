// SPDX-License-Identifier: MIT
#pragma once

// TestCertificates: a small PKI made at test time with the openssl command line, for tests of TLS
// against a real server: a CA, a server certificate signed by it for CN localhost with the names
// DNS:localhost and IP:127.0.0.1, and a second CA that signed nothing (the "wrong CA"). Elliptic-
// curve keys, valid for two days. The files live in a directory the postgres user can read; the
// server key is 0600 and owned by the user that runs the server (postgres when the tests run as
// root), as PostgreSQL requires. Removed with the object.

#include "common/Result.h"

#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace ops::testing {

class TestCertificates final {
public:
    static ops::services::Result<std::unique_ptr<TestCertificates>> create();

    QString caFile() const { return path(QStringLiteral("ca.crt")); }
    QString otherCaFile() const { return path(QStringLiteral("other-ca.crt")); }
    QString serverCertificate() const { return path(QStringLiteral("server.crt")); }
    QString serverKey() const { return path(QStringLiteral("server.key")); }

private:
    TestCertificates() = default;
    QString path(const QString& name) const { return m_directory->filePath(name); }
    ops::services::Result<void> openssl(const QStringList& arguments) const;
    ops::services::Result<void> makeCa(const QString& name, const QString& subject) const;

    std::unique_ptr<QTemporaryDir> m_directory;
};

} // namespace ops::testing
