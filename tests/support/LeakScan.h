// SPDX-License-Identifier: MIT
#pragma once

// LeakScan: finds secrets in files. Each secret is looked for as written, URL-encoded and
// base64-encoded (also inside a longer base64 text such as an HTTP Basic "user:password", at any
// of the three byte alignments).

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace ops::testing {

struct SecretLeak {
    QString file;
    QString form;    // "plain", "url-encoded" or "base64"
    int secretIndex; // into the list given to the scan
};

// Every regular file under `root` (recursively, hidden files and symlinks' targets not followed).
QList<SecretLeak> scanForSecrets(const QString& root, const QList<QByteArray>& secrets);
// "file: secret #n as form", one line each.
QString describeLeaks(const QList<SecretLeak>& leaks);

} // namespace ops::testing
