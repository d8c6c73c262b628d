// SPDX-License-Identifier: MIT
// CSV cells: RFC 4180 quoting and spreadsheet formula injection.
#include "sandbox/ViolationCsvExport.h"

#include <gtest/gtest.h>

using ops::services::sandbox::ViolationCsvExport;
using ops::services::sandbox::ViolationRow;

TEST(SandboxCsv, PlainCellsStayAsTheyAre)
{
    EXPECT_EQ(ViolationCsvExport::cell(QStringLiteral("/home/dev/.env.local")), QStringLiteral("/home/dev/.env.local"));
    EXPECT_EQ(ViolationCsvExport::cell(QString()), QString());
    EXPECT_EQ(ViolationCsvExport::cell(QStringLiteral("<b>x</b>")), QStringLiteral("<b>x</b>"));
}

TEST(SandboxCsv, Rfc4180QuotingOfCommaQuoteAndLineBreaks)
{
    EXPECT_EQ(ViolationCsvExport::cell(QStringLiteral("a,b")), QStringLiteral("\"a,b\""));
    EXPECT_EQ(ViolationCsvExport::cell(QStringLiteral("say \"hi\"")), QStringLiteral("\"say \"\"hi\"\"\""));
    EXPECT_EQ(ViolationCsvExport::cell(QStringLiteral("one\ntwo")), QStringLiteral("\"one\ntwo\""));
    EXPECT_EQ(ViolationCsvExport::cell(QStringLiteral("one\r\ntwo")), QStringLiteral("\"one\r\ntwo\""));
}

TEST(SandboxCsv, FormulaStartsGetAQuoteSoTheyStayText)
{
    EXPECT_EQ(ViolationCsvExport::cell(QStringLiteral("=HYPERLINK(\"http://x\")")),
              QStringLiteral("\"'=HYPERLINK(\"\"http://x\"\")\""));
    EXPECT_EQ(ViolationCsvExport::cell(QStringLiteral("+1")), QStringLiteral("'+1"));
    EXPECT_EQ(ViolationCsvExport::cell(QStringLiteral("-2+3")), QStringLiteral("'-2+3"));
    EXPECT_EQ(ViolationCsvExport::cell(QStringLiteral("@SUM(A1)")), QStringLiteral("'@SUM(A1)"));
    EXPECT_EQ(ViolationCsvExport::cell(QStringLiteral("\t=1")), QStringLiteral("'\t=1"));
    EXPECT_EQ(ViolationCsvExport::cell(QStringLiteral("a=1")), QStringLiteral("a=1"));  // only at the start
}

TEST(SandboxCsv, ALineHasEveryColumnOfTheHeaderAndEndsInCrlf)
{
    ViolationRow row;
    row.id = 7;
    row.occurredAt = QDateTime::fromString(QStringLiteral("2026-11-23T09:00:00Z"), Qt::ISODate);
    row.kind = QStringLiteral("network");
    row.target = QStringLiteral("evil.example.com:443");
    row.raw = QStringLiteral("deny network-outbound evil.example.com:443 (x, y)");
    const QString line = ViolationCsvExport::line(row);
    EXPECT_TRUE(line.startsWith(QStringLiteral("7,2026-11-23T09:00:00.000Z,network,"))) << line.toStdString();
    EXPECT_TRUE(line.endsWith(QStringLiteral(",\"deny network-outbound evil.example.com:443 (x, y)\"\r\n")));
    // 15 columns: 14 separators outside quotes.
    EXPECT_EQ(ViolationCsvExport::headerLine().count(QLatin1Char(',')), 14);
    EXPECT_EQ(line.left(line.indexOf(QLatin1Char('"'))).count(QLatin1Char(',')), 14);
}
