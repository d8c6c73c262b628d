// SPDX-License-Identifier: MIT
// Corpus replay: the g++ test build cannot run libFuzzer, so each fuzz target's entry point is
// linked with this file instead. It feeds every file of the target's seed corpus (crash inputs the
// fuzzers once found are kept there as regressions) and a few inputs no corpus should have to
// carry. A crash, a sanitizer report (OPS_SANITIZE builds) or a broken FUZZ_CHECK fails the test.
#include <gtest/gtest.h>

#include <QByteArray>
#include <QDir>
#include <QFile>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void feed(const QByteArray& bytes)
{
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.constData()), std::size_t(bytes.size()));
}

TEST(FuzzReplay, EveryCorpusFile)
{
    const QDir corpus(QStringLiteral(OPS_FUZZ_CORPUS));
    const QStringList files = corpus.entryList(QDir::Files, QDir::Name);
    ASSERT_FALSE(files.isEmpty()) << "no seed corpus in " << OPS_FUZZ_CORPUS;
    for (const QString& name : files) {
        SCOPED_TRACE(name.toStdString());
        QFile file(corpus.filePath(name));
        ASSERT_TRUE(file.open(QIODevice::ReadOnly)) << file.errorString().toStdString();
        feed(file.readAll());
    }
}

TEST(FuzzReplay, HostileInputs)
{
    feed(QByteArray());
    feed(QByteArray(1, '\0'));
    feed(QByteArray("a\0b\0{\"x\":\"\0\"}\n\0", 16));
    feed(QByteArray("\xff\xfe\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80 invalid UTF-8 \xe2\x82\n\x80"));
    feed(QByteArray(100000, '[') + QByteArray(100000, '{'));  // nesting far past any parser's limit
    feed(QByteArray(10 * 1024 * 1024, 'A'));                  // 10 MB, one line
    QByteArray lines;
    lines.reserve(10 * 1024 * 1024);
    while (lines.size() < 10 * 1024 * 1024)
        lines += "- [ ] **Task 1: <b>x</b>** \x1b[31mred\x1b[0m deny openat /x\n";
    feed(lines);  // 10 MB of short lines
}

} // namespace
