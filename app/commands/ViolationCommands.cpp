// SPDX-License-Identifier: MIT
#include "commands/ViolationCommands.h"

#include "commands/HeadlessSession.h"
#include "sandbox/ViolationImporter.h"

#include <QFileInfo>

namespace ops::app {

using namespace ops::services;
using namespace ops::services::sandbox;

QString terminalSafe(const QString& text, int maxChars)
{
    QString safe;
    const QString cut = text.left(maxChars);
    for (QChar c : cut) {
        const ushort u = c.unicode();
        if (u < 0x20 || u == 0x7f || (u >= 0x80 && u < 0xa0) || (u >= 0x202a && u <= 0x202e) || (u >= 0x2066 && u <= 0x2069))
            safe += QStringLiteral("\\x%1").arg(u, 2, 16, QLatin1Char('0'));
        else
            safe += c;
    }
    if (text.size() > maxChars)
        safe += QStringLiteral("...");
    return safe;
}

int runViolationsImportCommand(const CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Import sandbox violations from FILE (any supported shape)."));
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("the log file to import"));
    const QCommandLineOption project(QStringLiteral("project"), QStringLiteral("project slug (default demo)"),
                                     QStringLiteral("SLUG"), QStringLiteral("demo"));
    parser.addOption(project);
    if (auto exit = parseCommandLine(parser, QStringLiteral("violations import"), context))
        return *exit;
    if (parser.positionalArguments().size() != 1) {
        context.err << "ops-console violations import: exactly one FILE is needed\n";
        return 2;
    }
    const QString path = parser.positionalArguments().front();
    // Refuse an unreadable file before starting a database for nothing.
    QFileInfo info(path);
    if (!info.isFile() || !info.isReadable()) {
        context.err << "ops-console violations import: cannot read " << path << '\n';
        return 1;
    }
    auto session = HeadlessSession::open(context.options);
    if (!session) {
        context.err << "ops-console violations import: " << session.error().toString() << '\n';
        return 3;
    }
    auto projectId = session.value()->projectId(parser.value(project));
    if (!projectId) {
        context.err << "ops-console violations import: " << projectId.error().toString() << '\n';
        return 3;
    }
    ViolationImporter importer(session.value()->pool(), projectId.value());
    auto summary = importer.importFile(path);
    if (!summary) {
        context.err << "ops-console violations import: " << summary.error().toString() << '\n';
        return summary.error().kind == ErrorKind::Io ? 1 : 3;
    }
    context.out << "lines=" << summary->lines << '\n'
                << "imported=" << summary->imported << '\n'
                << "skipped=" << summary->skipped + summary->duplicates << " (duplicates="
                << summary->duplicates << ")\n"
                << "unparsed=" << summary->unparsed << '\n';
    for (const UnparsedLine& line : summary->firstUnparsed)
        context.out << "unparsed " << terminalSafe(line.sourceName) << ':' << line.lineNumber << ": "
                    << terminalSafe(line.reason) << ": " << terminalSafe(line.raw, 120) << '\n';
    if (summary->unparsed > qint64(summary->firstUnparsed.size()))
        context.out << "(" << summary->unparsed - qint64(summary->firstUnparsed.size())
                    << " more unparsed lines are in the Sandbox tab)\n";
    return 0;
}

} // namespace ops::app
