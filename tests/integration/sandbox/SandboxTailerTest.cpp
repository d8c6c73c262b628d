// SPDX-License-Identifier: MIT
// The JSONL tailer: append, partial last line, rotation, truncation, restart mid-file and two
// tailers at once, each checked by counting rows against the lines written (exactly once).
#include "SandboxFixture.h"

#include "sandbox/ViolationTailer.h"

#include <QFile>
#include <QTemporaryDir>

#include <thread>

using namespace ops::services;
using namespace ops::services::sandbox;
using ops::testing::SandboxFixture;

namespace {

class SandboxTailerTest : public SandboxFixture {
protected:
    void SetUp() override
    {
        SandboxFixture::SetUp();
        ASSERT_TRUE(m_directory.isValid());
        m_path = m_directory.filePath(QStringLiteral("events.jsonl"));
    }

    // Appends `count` complete lines, each with a unique target, to `path` (default: the tailed file).
    void appendLines(int count, const QString& path = {})
    {
        QFile file(path.isEmpty() ? m_path : path);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Append));
        for (int i = 0; i < count; ++i)
            file.write(lineText(++m_written) + '\n');
    }
    static QByteArray lineText(int n)
    {
        return QStringLiteral(R"({"time":"2026-11-23T09:00:00Z","kind":"network","target":"line-%1.example.com:443"})").arg(n).toUtf8();
    }
    void appendRaw(const QByteArray& bytes, const QString& path = {})
    {
        QFile file(path.isEmpty() ? m_path : path);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Append));
        file.write(bytes);
    }
    TailStep pollOk(ViolationTailer& tailer)
    {
        auto step = tailer.poll();
        EXPECT_TRUE(step.ok()) << (step ? std::string() : step.error().toString().toStdString());
        return step ? step.value() : TailStep{};
    }
    // Every line written is stored once: as many rows as lines, no target twice.
    void expectExactlyOnce()
    {
        EXPECT_EQ(violationRows(), m_written);
        EXPECT_EQ(scalar(QStringLiteral("SELECT count(DISTINCT target) FROM ops.sandbox_violations")).toLongLong(), m_written);
        EXPECT_EQ(unparsedRows(), 0);
    }

    QTemporaryDir m_directory;
    QString m_path;
    int m_written = 0;
};

} // namespace

TEST_F(SandboxTailerTest, AppendPartialRotateTruncateRestartExactlyOnce)
{
    {
        ViolationTailer tailer(*m_pool, m_project, m_path, 7);
        EXPECT_EQ(pollOk(tailer).lines, 0);  // no file yet
        appendLines(100);
        EXPECT_EQ(pollOk(tailer).inserted, 100);
        expectExactlyOnce();

        // A partial last line is left for later, then completed.
        appendLines(50);
        const QByteArray partial = lineText(m_written + 1);
        appendRaw(partial.left(20));
        EXPECT_EQ(pollOk(tailer).lines, 50);
        EXPECT_EQ(violationRows(), 150);
        appendRaw(partial.mid(20) + '\n');
        ++m_written;
        appendLines(10);
        EXPECT_EQ(pollOk(tailer).lines, 11);
        expectExactlyOnce();
        EXPECT_EQ(pollOk(tailer).lines, 0);  // nothing new: nothing twice

        // Rotation: the writer appends to the old file after the rename, then a new file starts.
        const QString rotated = m_path + QStringLiteral(".1");
        ASSERT_TRUE(QFile::rename(m_path, rotated));
        appendLines(5, rotated);
        EXPECT_EQ(pollOk(tailer).lines, 5);  // new file not there yet: the old one's complete lines
        appendLines(3, rotated);
        appendLines(20);
        const TailStep rotatedStep = pollOk(tailer);
        EXPECT_TRUE(rotatedStep.rotated);
        EXPECT_FALSE(rotatedStep.rotatedFileLost);
        EXPECT_EQ(rotatedStep.lines, 23);  // the old file's last 3, then the new file
        expectExactlyOnce();

        // Truncation in place (copytruncate): shorter content starts again at byte 0.
        QFile truncate(m_path);
        ASSERT_TRUE(truncate.resize(0));
        appendLines(7);
        const TailStep truncatedStep = pollOk(tailer);
        EXPECT_TRUE(truncatedStep.truncated);
        EXPECT_EQ(truncatedStep.lines, 7);
        expectExactlyOnce();
    }
    // Restart mid-file: a tailer that stops after 12 of 30 lines, then a new one (a new process).
    appendLines(30);
    {
        ViolationTailer stopsEarly(*m_pool, m_project, m_path, 5, 12);
        EXPECT_EQ(pollOk(stopsEarly).lines, 12);
    }
    EXPECT_EQ(violationRows(), m_written - 18);
    ViolationTailer restarted(*m_pool, m_project, m_path, 5);
    EXPECT_EQ(pollOk(restarted).lines, 18);
    expectExactlyOnce();
    auto position = restarted.storedPosition();
    ASSERT_TRUE(position.ok() && position->has_value());
    EXPECT_EQ(position->value().offset, QFileInfo(m_path).size());
    EXPECT_EQ(position->value().lineNumber, 37);  // 7 after the truncation + 30
}

TEST_F(SandboxTailerTest, RotatedFileDeletedBeforeDrainIsReportedAndTailingGoesOn)
{
    ViolationTailer tailer(*m_pool, m_project, m_path);
    appendLines(10);
    EXPECT_EQ(pollOk(tailer).lines, 10);
    ASSERT_TRUE(QFile::remove(m_path));
    appendLines(4);  // a new file (new inode) at the same path
    const TailStep step = pollOk(tailer);
    // The inode may be reused by the new file: then it looks like truncation, which is also right.
    EXPECT_TRUE(step.rotatedFileLost || step.truncated);
    EXPECT_EQ(step.lines, 4);
    expectExactlyOnce();
}

TEST_F(SandboxTailerTest, TwoTailersOfOneFileNeverStoreALineTwice)
{
    appendLines(3000);
    ViolationTailer first(*m_pool, m_project, m_path, 50);
    ViolationTailer second(*m_pool, m_project, m_path, 50);
    auto drain = [&](ViolationTailer& tailer) {
        for (int attempt = 0; attempt < 200; ++attempt) {
            auto step = tailer.poll();  // a lost compare-and-set is an error; the next poll re-reads
            if (step.ok() && step->lines == 0)
                return;
        }
    };
    std::thread a([&] { drain(first); });
    std::thread b([&] { drain(second); });
    a.join();
    b.join();
    expectExactlyOnce();
}
