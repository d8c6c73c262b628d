// SPDX-License-Identifier: MIT
// The leak scan itself: it must find a secret written under the directory it reads, in each form.

#include "LeakScan.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QUrl>

#include <gtest/gtest.h>

using namespace ops::testing;

namespace {
// Not one of the suite's test secrets: this file is removed again, but a crash in between must
// not make the suite's final scan fail.
const QByteArray secret = QByteArrayLiteral("scanner-self-test é/+ Zq81Lk");

void write(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}
} // namespace

TEST(LeakScanTest, FindsASecretInPlainUrlEncodedAndBase64FormNamingTheFile)
{
    QTemporaryDir root;
    ASSERT_TRUE(root.isValid());
    write(root.filePath(QStringLiteral("clean/settings.ini")), "[database]\nconnectionString=host=db user=ops\n");
    EXPECT_TRUE(scanForSecrets(root.path(), {secret}).isEmpty());

    write(root.filePath(QStringLiteral("logs/console.log")), "connecting with password=" + secret + " now\n");
    write(root.filePath(QStringLiteral("reports/.hidden/export.csv")),
          "url,https://example.test/?token=" + QUrl::toPercentEncoding(QString::fromUtf8(secret)) + "\n");
    // An HTTP Basic header: base64 of "user:secret", the secret at an arbitrary byte offset.
    for (const QByteArray& user : {QByteArray("a"), QByteArray("ab"), QByteArray("abc")})
        write(root.filePath(QStringLiteral("crash/core-%1.txt").arg(user.size())),
              "Authorization: Basic " + (user + ':' + secret).toBase64() + "\n");

    const QList<SecretLeak> leaks = scanForSecrets(root.path(), {QByteArray("unrelated-secret"), secret});
    QStringList described;
    for (const SecretLeak& leak : leaks) {
        EXPECT_EQ(leak.secretIndex, 1);
        described << QDir(root.path()).relativeFilePath(leak.file) + QLatin1Char(' ') + leak.form;
    }
    described.sort();
    EXPECT_EQ(described, QStringList({QStringLiteral("crash/core-1.txt base64"), QStringLiteral("crash/core-2.txt base64"),
                                      QStringLiteral("crash/core-3.txt base64"), QStringLiteral("logs/console.log plain"),
                                      QStringLiteral("reports/.hidden/export.csv url-encoded")}));
    EXPECT_TRUE(describeLeaks(leaks).contains(QStringLiteral("logs/console.log")));
}
