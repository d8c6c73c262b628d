// SPDX-License-Identifier: MIT
#include "sandbox/ViolationStore.h"

#include "sandbox/PgArray.h"

#include <array>

namespace ops::services::sandbox {

Result<qint64> ViolationStore::insertEvents(Connection& connection, qint64 projectId,
                                            const std::vector<ViolationEvent>& events)
{
    if (events.empty())
        return qint64(0);
    enum Column { Time, Machine, Agent, Session, Kind, Operation, Target, Untrusted, Rule, DecisionC, SeverityC,
                  Format, Name, Line, Raw, Dedup, ColumnCount };
    std::array<PgArray, ColumnCount> columns;
    for (const ViolationEvent& event : events) {
        columns[Time].add(event.occurredAt.toUTC().toString(Qt::ISODateWithMs));
        columns[Machine].add(event.machine);
        columns[Agent].add(event.agent);
        columns[Session].add(event.session);
        columns[Kind].add(kindName(event.kind));
        columns[Operation].add(event.operation);
        columns[Target].add(event.target);
        columns[Untrusted].addBool(event.targetUntrusted);
        columns[Rule].add(event.rule);
        columns[DecisionC].add(decisionName(event.decision));
        columns[SeverityC].add(severityName(event.severity));
        columns[Format].add(event.sourceFormat);
        columns[Name].add(event.sourceName);
        if (event.sourceLine > 0)
            columns[Line].addNumber(event.sourceLine);
        else
            columns[Line].addNull();
        columns[Raw].add(event.raw);
        if (event.dedupKey.isEmpty())
            columns[Dedup].addNull();
        else
            columns[Dedup].add(event.dedupKey);
    }
    SqlParams params;
    params.reserve(ColumnCount + 1);
    params.emplace_back(projectId);
    for (const PgArray& column : columns)
        params.emplace_back(column.text());
    auto result = connection.exec(QStringLiteral(
        "SELECT ops.ingest_violations($1, $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], "
        "$7::text[], $8::text[], $9::boolean[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], "
        "$15::bigint[], $16::text[], $17::text[])"), params);
    if (!result)
        return result.error();
    return result->toInt64(0, 0);
}

Result<qint64> ViolationStore::insertUnparsed(Connection& connection, qint64 projectId,
                                              const std::vector<UnparsedLine>& lines)
{
    if (lines.empty())
        return qint64(0);
    PgArray names, numbers, reasons, raws;
    for (const UnparsedLine& line : lines) {
        names.add(clipText(line.sourceName, limits::SourceName));
        numbers.addNumber(std::max<qint64>(1, line.lineNumber));
        reasons.add(clipText(line.reason, 1000));
        raws.add(clipText(line.raw, limits::Raw));
    }
    auto result = connection.exec(QStringLiteral(
        "SELECT ops.record_unparsed($1, $2::text[], $3::bigint[], $4::text[], $5::text[])"),
        {projectId, names.text(), numbers.text(), reasons.text(), raws.text()});
    if (!result)
        return result.error();
    return result->toInt64(0, 0);
}

} // namespace ops::services::sandbox
