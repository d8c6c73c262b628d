// SPDX-License-Identifier: MIT
#include "TestCertificates.h"

#include "TestCluster.h"
#include "common/ProcessRunner.h"

#include <QFile>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ops::testing {

using namespace ops::services;

Result<void> TestCertificates::openssl(const QStringList& arguments) const
{
    ProcessOptions options;
    options.workingDirectory = m_directory->path();
    options.timeout = std::chrono::seconds(30);
    auto ran = ProcessRunner::run(QStringLiteral("openssl"), arguments, options);
    if (!ran)
        return Error::make(ErrorKind::NotFound, QStringLiteral("cannot run openssl (apt-get install openssl): %1").arg(ran.error().message));
    if (ran->exitCode != 0)
        return Error::make(ErrorKind::Io, QStringLiteral("openssl %1 failed: %2")
                                              .arg(arguments.join(QLatin1Char(' ')), QString::fromLocal8Bit(ran->output)));
    return {};
}

Result<void> TestCertificates::makeCa(const QString& name, const QString& subject) const
{
    return openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                    QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                    QStringLiteral("-keyout"), name + QStringLiteral(".key"), QStringLiteral("-out"), name + QStringLiteral(".crt"),
                    QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"), subject,
                    QStringLiteral("-addext"), QStringLiteral("basicConstraints=critical,CA:TRUE"),
                    QStringLiteral("-addext"), QStringLiteral("keyUsage=critical,keyCertSign,cRLSign")});
}

Result<std::unique_ptr<TestCertificates>> TestCertificates::create()
{
    std::unique_ptr<TestCertificates> pki(new TestCertificates);
    pki->m_directory = std::make_unique<QTemporaryDir>(TestCluster::scratchRoot() + QStringLiteral("/pki-XXXXXX"));
    if (!pki->m_directory->isValid())
        return Error::make(ErrorKind::Io, QStringLiteral("cannot create a directory for test certificates"));
    ::chmod(QFile::encodeName(pki->m_directory->path()).constData(), 0755);  // the server reads its files here

    if (auto made = pki->makeCa(QStringLiteral("ca"), QStringLiteral("/CN=Ops Console Test CA")); !made)
        return made.error();
    if (auto made = pki->makeCa(QStringLiteral("other-ca"), QStringLiteral("/CN=Unrelated Test CA")); !made)
        return made.error();
    if (auto request = pki->openssl({QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                                     QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                                     QStringLiteral("-keyout"), QStringLiteral("server.key"), QStringLiteral("-out"),
                                     QStringLiteral("server.csr"), QStringLiteral("-subj"), QStringLiteral("/CN=localhost")});
        !request)
        return request.error();
    QFile extensions(pki->path(QStringLiteral("server.ext")));
    if (!extensions.open(QIODevice::WriteOnly)
        || extensions.write("subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n") < 0)
        return Error::make(ErrorKind::Io, QStringLiteral("cannot write %1").arg(extensions.fileName()));
    extensions.close();
    if (auto signedCertificate = pki->openssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), QStringLiteral("server.csr"),
                                               QStringLiteral("-CA"), QStringLiteral("ca.crt"), QStringLiteral("-CAkey"), QStringLiteral("ca.key"),
                                               QStringLiteral("-CAcreateserial"), QStringLiteral("-out"), QStringLiteral("server.crt"),
                                               QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-extfile"), QStringLiteral("server.ext")});
        !signedCertificate)
        return signedCertificate.error();

    // PostgreSQL refuses a key that others can read or that belongs to another user than the server's.
    const QByteArray key = QFile::encodeName(pki->serverKey());
    if (::chmod(key.constData(), 0600) != 0)
        return Error::make(ErrorKind::Io, QStringLiteral("cannot chmod 0600 %1").arg(pki->serverKey()));
    if (::geteuid() == 0) {
        const passwd* postgres = ::getpwnam("postgres");
        if (!postgres || ::chown(key.constData(), postgres->pw_uid, postgres->pw_gid) != 0)
            return Error::make(ErrorKind::Io, QStringLiteral("cannot hand %1 to the postgres user").arg(pki->serverKey()));
    }
    return pki;
}

} // namespace ops::testing
