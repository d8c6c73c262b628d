// SPDX-License-Identifier: MIT
#include "LeakScan.h"

#include <QDirIterator>
#include <QFile>
#include <QUrl>

#include <algorithm>

namespace ops::testing {

namespace {
struct Pattern {
    QByteArray bytes;
    QString form;
    int secretIndex;
};

// The part of base64(prefix + secret + anything) that does not depend on the surrounding bytes,
// for a prefix of `alignment` bytes: whole 4-character groups made only of the secret's bits.
QByteArray base64Core(const QByteArray& secret, int alignment)
{
    const QByteArray encoded = (QByteArray(alignment, '\0') + secret).toBase64(QByteArray::OmitTrailingEquals);
    const int skip = alignment == 0 ? 0 : 4;  // the first group mixes prefix and secret bits
    const int usableBytes = int(secret.size()) - (alignment == 0 ? 0 : 3 - alignment);
    const int groups = std::max(0, usableBytes / 3);
    return encoded.mid(skip, groups * 4);
}

QList<Pattern> patternsFor(const QList<QByteArray>& secrets)
{
    QList<Pattern> patterns;
    for (int i = 0; i < secrets.size(); ++i) {
        const QByteArray& secret = secrets.at(i);
        patterns.append({secret, QStringLiteral("plain"), i});
        const QByteArray encoded = QUrl::toPercentEncoding(QString::fromUtf8(secret));
        if (encoded != secret)
            patterns.append({encoded, QStringLiteral("url-encoded"), i});
        for (int alignment = 0; alignment < 3; ++alignment) {
            const QByteArray core = base64Core(secret, alignment);
            if (core.size() >= 16)  // long enough never to match by chance
                patterns.append({core, QStringLiteral("base64"), i});
        }
    }
    return patterns;
}
} // namespace

QList<SecretLeak> scanForSecrets(const QString& root, const QList<QByteArray>& secrets)
{
    const QList<Pattern> patterns = patternsFor(secrets);
    qsizetype longest = 0;
    for (const Pattern& pattern : patterns)
        longest = std::max(longest, pattern.bytes.size());

    QList<SecretLeak> leaks;
    QDirIterator files(root, QDir::Files | QDir::Hidden | QDir::System | QDir::NoSymLinks, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        const QString path = files.next();
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            continue;  // a socket or a file that vanished meanwhile
        // In chunks (cluster files can be large), each overlapping the last by a pattern's length.
        QByteArray window;
        QList<bool> found(patterns.size(), false);
        while (!file.atEnd()) {
            window = window.right(longest) + file.read(4 << 20);
            for (int p = 0; p < patterns.size(); ++p) {
                if (!found[p] && window.contains(patterns[p].bytes)) {
                    found[p] = true;
                    leaks.append({path, patterns[p].form, patterns[p].secretIndex});
                }
            }
        }
    }
    return leaks;
}

QString describeLeaks(const QList<SecretLeak>& leaks)
{
    QStringList lines;
    for (const SecretLeak& leak : leaks)
        lines << QStringLiteral("%1: test secret #%2 as %3").arg(leak.file).arg(leak.secretIndex).arg(leak.form);
    return lines.join(QLatin1Char('\n'));
}

} // namespace ops::testing
