// SPDX-License-Identifier: MIT
#include "plan/PlanImporter.h"

#include "plan/CriterionBinding.h"
#include "plan/MarkdownBlocks.h"
#include "plan/TextRepair.h"

#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QStringDecoder>

namespace ops::services::plan {

QString slugify(const QString& text)
{
    QString slug;
    bool dash = false;
    for (QChar ch : text.toLower()) {
        if ((ch >= QLatin1Char('a') && ch <= QLatin1Char('z')) || (ch >= QLatin1Char('0') && ch <= QLatin1Char('9'))) {
            if (dash && !slug.isEmpty())
                slug.append(QLatin1Char('-'));
            slug.append(ch);
            dash = false;
        } else {
            dash = true;
        }
        if (slug.size() >= 80)
            break;
    }
    return slug;
}

QString stripDecorations(const QString& text)
{
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar ch = text.at(i);
        if (ch.isSurrogate())
            continue;  // emoji outside the BMP
        const auto category = ch.category();
        if (category == QChar::Symbol_Other || ch.unicode() == 0xFE0F || ch.unicode() == 0x200D
            || ch == QLatin1Char('*') || ch == QLatin1Char('#'))
            continue;
        out.append(ch);
    }
    out = out.simplified();
    while (out.endsWith(QLatin1Char(':')) || out.endsWith(QLatin1Char('-')))
        out.chop(1);
    return out.trimmed();
}

QString ImportReport::toText() const
{
    QStringList lines;
    lines << (usable ? QStringLiteral("Recognised:") : QStringLiteral("Nothing usable found."));
    for (const QString& line : recognised)
        lines << QStringLiteral("  ") + line;
    if (!unrecognised.isEmpty()) {
        lines << QStringLiteral("Kept as notes (not recognised):");
        for (const QString& line : unrecognised)
            lines << QStringLiteral("  ") + line;
    }
    for (const QString& line : warnings)
        lines << QStringLiteral("Warning: ") + line;
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

int Plan::taskCount() const
{
    int n = 0;
    for (const PlanDay& day : days)
        n += int(day.tasks.size());
    return n;
}

int Plan::tasksWithAssignee() const
{
    int n = 0;
    for (const PlanDay& day : days)
        for (const PlanTask& task : day.tasks)
            n += task.assignee.isEmpty() ? 0 : 1;
    return n;
}

int Plan::criterionCount(const QString& kind) const
{
    int n = 0;
    for (const PlanCheckpoint& checkpoint : checkpoints)
        if (kind.isEmpty() || checkpoint.kind == kind)
            n += int(checkpoint.criteria.size());
    return n;
}

QJsonObject Plan::toJson() const
{
    QJsonArray dayArray;
    for (const PlanDay& day : days) {
        QJsonArray taskArray;
        for (const PlanTask& task : day.tasks) {
            QJsonObject details{{QStringLiteral("steps"), QJsonArray::fromStringList(task.steps)},
                                {QStringLiteral("notes"), QJsonArray::fromStringList(task.notes)}};
            QJsonObject t{{QStringLiteral("key"), task.key}, {QStringLiteral("title"), task.title},
                          {QStringLiteral("estimate"), task.estimate}, {QStringLiteral("assignee"), task.assignee},
                          {QStringLiteral("details"), details}, {QStringLiteral("done"), task.done}};
            if (task.number >= 0)
                t.insert(QStringLiteral("number"), task.number);
            taskArray.append(t);
        }
        QJsonObject details = day.details;
        details.insert(QStringLiteral("deliverables"), QJsonArray::fromStringList(day.deliverables));
        QJsonObject d{{QStringLiteral("key"), day.key}, {QStringLiteral("title"), day.title},
                      {QStringLiteral("details"), details}, {QStringLiteral("tasks"), taskArray}};
        if (day.from > 0) {
            d.insert(QStringLiteral("from"), day.from);
            d.insert(QStringLiteral("to"), day.to);
        }
        dayArray.append(d);
    }
    QJsonArray checkpointArray;
    for (const PlanCheckpoint& checkpoint : checkpoints) {
        QJsonArray criteria;
        for (const PlanCriterion& criterion : checkpoint.criteria)
            criteria.append(QJsonObject{{QStringLiteral("key"), criterion.key}, {QStringLiteral("text"), criterion.text},
                                        {QStringLiteral("expression"), criterion.expression},
                                        {QStringLiteral("checked"), criterion.checked}});
        checkpointArray.append(QJsonObject{{QStringLiteral("key"), checkpoint.key}, {QStringLiteral("title"), checkpoint.title},
                                           {QStringLiteral("kind"), checkpoint.kind}, {QStringLiteral("category"), checkpoint.category},
                                           {QStringLiteral("decision"), checkpoint.decision}, {QStringLiteral("criteria"), criteria}});
    }
    QJsonArray metricRows;
    for (const QStringList& row : metrics)
        metricRows.append(QJsonArray::fromStringList(row));
    QJsonArray risks;
    for (const QJsonObject& risk : riskList)
        risks.append(risk);
    QJsonArray teamArray;
    for (const QJsonObject& member : team)
        teamArray.append(member);
    QJsonArray escalationArray;
    for (const EscalationLevel& level : escalation)
        escalationArray.append(QJsonObject{{QStringLiteral("priority"), level.priority}, {QStringLiteral("label"), level.label},
                                           {QStringLiteral("response_minutes"), level.responseMinutes},
                                           {QStringLiteral("actions"), QJsonArray::fromStringList(level.actions)}});
    QJsonObject content{{QStringLiteral("meta"), meta},
                        {QStringLiteral("objectives"), QJsonArray::fromStringList(objectives)},
                        {QStringLiteral("metrics"), metricRows},
                        {QStringLiteral("risks"), risks},
                        {QStringLiteral("team"), teamArray},
                        {QStringLiteral("escalation"), escalationArray},
                        {QStringLiteral("blockers"), QJsonArray::fromStringList(blockers)},
                        {QStringLiteral("notes"), notes}};
    return QJsonObject{{QStringLiteral("key"), key}, {QStringLiteral("title"), title}, {QStringLiteral("shape"), shape},
                       {QStringLiteral("source"), source}, {QStringLiteral("content"), content},
                       {QStringLiteral("days"), dayArray}, {QStringLiteral("checkpoints"), checkpointArray}};
}

namespace {

enum class Section { Preamble, Objectives, Days, Checkpoints, Success, Risks, Team, Communication, Phase, Blockers, Other };

Section classify(const QString& heading)
{
    const QString h = heading.toUpper();
    static const QRegularExpression phase(QStringLiteral("^PHASE\\s+\\d+"));
    if (phase.match(h).hasMatch()) return Section::Phase;
    if (h.contains(QStringLiteral("DAY-BY-DAY")) || h.contains(QStringLiteral("DAY BY DAY")) || h.contains(QStringLiteral("SCHEDULE")))
        return Section::Days;
    if (h.contains(QStringLiteral("GO/NO-GO")) || h.contains(QStringLiteral("GO / NO-GO")) || h.contains(QStringLiteral("CHECKPOINT")))
        return Section::Checkpoints;
    if (h.contains(QStringLiteral("SUCCESS CRITERIA")) || h.contains(QStringLiteral("ACCEPTANCE"))) return Section::Success;
    if (h.contains(QStringLiteral("OBJECTIVE")) || h.contains(QStringLiteral("GOALS"))) return Section::Objectives;
    if (h.contains(QStringLiteral("RISK"))) return Section::Risks;
    if (h.contains(QStringLiteral("TEAM"))) return Section::Team;
    if (h.contains(QStringLiteral("COMMUNICATION")) || h.contains(QStringLiteral("ESCALATION"))) return Section::Communication;
    if (h.contains(QStringLiteral("BLOCKER"))) return Section::Blockers;
    return Section::Other;
}

// "(30 minutes)" at the end of a title: returns the estimate and removes it from `title`.
QString takeTrailingParenthesis(QString& title)
{
    static const QRegularExpression re(QStringLiteral("\\s*\\(([^()]*)\\)\\s*$"));
    const auto match = re.match(title);
    if (!match.hasMatch())
        return {};
    title = title.left(match.capturedStart()).trimmed();
    return match.captured(1).trimmed();
}

int responseMinutes(const QString& text)
{
    static const QRegularExpression re(QStringLiteral("(\\d+)\\s*(minutes?|mins?|hours?|hrs?|h)\\b"),
                                       QRegularExpression::CaseInsensitiveOption);
    const auto match = re.match(text);
    if (!match.hasMatch())
        return -1;
    const int value = match.captured(1).toInt();
    return match.captured(2).startsWith(QLatin1Char('h'), Qt::CaseInsensitive) ? value * 60 : value;
}

// Unique keys within one scope: the first "day-1" stays "day-1", repeats become "day-1-2", ...
// The next suffix per base is remembered, so a file repeating a heading thousands of times stays linear.
struct KeySet {
    QSet<QString> used;
    QHash<QString, int> next;
    void clear() { used.clear(); next.clear(); }
};

QString uniqueKey(const QString& base, KeySet& keys)
{
    const QString key = base.isEmpty() ? QStringLiteral("item") : base;
    QString candidate = key;
    int& n = keys.next[key];
    if (n == 0)
        n = 2;
    while (keys.used.contains(candidate))
        candidate = key + QLatin1Char('-') + QString::number(n++);
    keys.used.insert(candidate);
    return candidate;
}

class Interpreter {
public:
    Interpreter(Plan& plan, ImportReport& report) : m_plan(plan), m_report(report) {}

    void run(const QList<MarkdownBlock>& blocks)
    {
        for (const MarkdownBlock& block : blocks) {
            switch (block.type) {
            case MarkdownBlock::Type::Heading: heading(block); break;
            case MarkdownBlock::Type::Paragraph: paragraph(block); break;
            case MarkdownBlock::Type::ListItem: listItem(block); break;
            case MarkdownBlock::Type::TableRow: tableRow(block); break;
            case MarkdownBlock::Type::Code: code(block); break;
            }
        }
    }

private:
    void heading(const MarkdownBlock& block)
    {
        const QString text = stripDecorations(block.text);
        if (block.level == 1) {
            if (m_plan.title.isEmpty())
                m_plan.title = text;
            return;
        }
        if (block.level == 2 || (m_section == Section::Preamble && block.level > 2)) {
            m_section = classify(text);
            m_sectionTitle = text;
            m_day = nullptr; m_task = nullptr; m_checkpoint = nullptr; m_risk = -1; m_escalation = nullptr; m_member = -1;
            m_label.clear();
            m_sub.clear();
            if (m_section == Section::Phase)
                startPhase(text);
            else if (m_section == Section::Other)
                noteUnrecognised(text);
            return;
        }
        // Level 3 and deeper: a subsection of the current section.
        m_sub = text;
        m_label.clear();
        m_task = nullptr;
        switch (m_section) {
        case Section::Days: startDay(text); break;
        case Section::Checkpoints: startCheckpoint(text, QStringLiteral("gate"), QStringLiteral("checkpoint")); break;
        case Section::Success: {
            const QString upper = text.toUpper();
            const QString category = upper.contains(QStringLiteral("MUST")) ? QStringLiteral("must_have")
                                   : upper.contains(QStringLiteral("NICE")) ? QStringLiteral("nice_to_have")
                                                                            : slugify(text).replace(QLatin1Char('-'), QLatin1Char('_'));
            startCheckpoint(text, QStringLiteral("list"), category);
            break;
        }
        case Section::Risks: {
            m_plan.riskList.append(QJsonObject{{QStringLiteral("title"), text}});
            m_risk = int(m_plan.riskList.size()) - 1;
            break;
        }
        case Section::Team: {
            QString name = text;
            static const QRegularExpression member(QStringLiteral("^([^()\\-]+?)\\s*(?:\\(([^)]*)\\))?\\s*(?:[-–]\\s*(.*))?$"));
            const auto match = member.match(text);
            QJsonObject entry{{QStringLiteral("name"), match.hasMatch() ? match.captured(1).trimmed() : text}};
            if (match.hasMatch()) {
                entry.insert(QStringLiteral("role"), match.captured(2));
                entry.insert(QStringLiteral("hours"), match.captured(3));
            }
            m_plan.team.append(entry);
            m_member = int(m_plan.team.size()) - 1;
            break;
        }
        case Section::Phase: {
            const QString upper = text.toUpper();
            if (upper.contains(QStringLiteral("SUCCESS")) || upper.contains(QStringLiteral("CRITERIA")) || upper.contains(QStringLiteral("EXIT"))) {
                const QString phaseTitle = m_day ? m_day->title : QString();
                startCheckpoint(QStringLiteral("%1 exit criteria").arg(phaseTitle), QStringLiteral("gate"), QStringLiteral("phase_success"));
            } else {
                m_checkpoint = nullptr;
            }
            break;
        }
        case Section::Objectives:
        case Section::Communication:
        case Section::Blockers:
        case Section::Preamble:
            break;
        case Section::Other:
            break;
        }
    }

    // Each heading once, and at most 50 of them: a report people can read.
    void noteUnrecognised(const QString& heading)
    {
        if (m_report.unrecognised.contains(heading))
            return;
        if (m_report.unrecognised.size() == 50)
            m_report.unrecognised << QStringLiteral("... (more not listed)");
        if (m_report.unrecognised.size() <= 50)
            m_report.unrecognised << heading;
    }

    void startDay(const QString& text)
    {
        static const QRegularExpression day(QStringLiteral("^Day\\s+(\\d+)(?:\\s*[-–]\\s*(\\d+))?\\s*[:.\\-–]?\\s*(.*)$"),
                                            QRegularExpression::CaseInsensitiveOption);
        const auto match = day.match(text);
        if (!match.hasMatch()) {
            m_day = nullptr;
            noteUnrecognised(m_sectionTitle + QStringLiteral(" / ") + text);
            return;
        }
        PlanDay d;
        d.from = match.captured(1).toInt();
        d.to = match.captured(2).isEmpty() ? d.from : match.captured(2).toInt();
        d.title = match.captured(3).trimmed();
        const QString estimate = takeTrailingParenthesis(d.title);
        if (!estimate.isEmpty())
            d.details.insert(QStringLiteral("estimate"), estimate);
        if (d.title.isEmpty())
            d.title = text;
        d.key = d.from == d.to ? QStringLiteral("day-%1").arg(d.from) : QStringLiteral("day-%1-%2").arg(d.from).arg(d.to);
        d.key = uniqueKey(d.key, m_dayKeys);
        m_plan.days.append(d);
        m_day = &m_plan.days.last();
    }

    void startPhase(const QString& text)
    {
        static const QRegularExpression phase(QStringLiteral("^Phase\\s+(\\d+)\\s*[:.\\-–]?\\s*(.*)$"), QRegularExpression::CaseInsensitiveOption);
        const auto match = phase.match(text);
        PlanDay d;
        d.from = d.to = match.captured(1).toInt();
        d.title = text;
        QString rest = match.captured(2).trimmed();
        const QString paren = takeTrailingParenthesis(rest);
        if (!paren.isEmpty())
            d.details.insert(QStringLiteral("duration"), paren);
        d.details.insert(QStringLiteral("name"), rest);
        d.key = uniqueKey(QStringLiteral("phase-%1").arg(d.from), m_dayKeys);
        m_plan.days.append(d);
        m_day = &m_plan.days.last();
        m_phaseTasks = false;
    }

    void startCheckpoint(const QString& title, const QString& kind, const QString& category)
    {
        PlanCheckpoint checkpoint;
        checkpoint.title = title;
        checkpoint.kind = kind;
        checkpoint.category = category;
        checkpoint.key = uniqueKey(slugify(title), m_checkpointKeys);
        m_plan.checkpoints.append(checkpoint);
        m_checkpoint = &m_plan.checkpoints.last();
        m_criterionKeys.clear();
    }

    void addCriterion(const MarkdownBlock& block)
    {
        PlanCriterion criterion;
        criterion.text = stripDecorations(block.text);
        if (criterion.text.isEmpty())
            return;
        criterion.checked = block.isTask && block.checked;
        criterion.expression = bindCriterionPhrase(criterion.text);
        criterion.key = uniqueKey(slugify(criterion.text), m_criterionKeys);
        m_checkpoint->criteria.append(criterion);
    }

    void paragraph(const MarkdownBlock& block)
    {
        for (const QString& line : block.text.split(QLatin1Char('\n')))
            paragraphLine(stripDecorations(line));
    }

    void paragraphLine(const QString& text)
    {
        static const QRegularExpression field(QStringLiteral("^([A-Za-z][A-Za-z /-]{0,30}):\\s*(.+)$"));
        switch (m_section) {
        case Section::Preamble: {
            const auto match = field.match(text);
            if (match.hasMatch())
                m_plan.meta.insert(match.captured(1).trimmed().toLower(), match.captured(2).trimmed());
            return;
        }
        case Section::Days: {
            static const QRegularExpression task(QStringLiteral("^Task\\s+(\\d+)\\s*[:.\\-–]\\s*(.+)$"), QRegularExpression::CaseInsensitiveOption);
            const auto match = task.match(text);
            if (match.hasMatch() && m_day) {
                PlanTask t;
                t.number = match.captured(1).toInt();
                t.title = match.captured(2).trimmed();
                t.estimate = takeTrailingParenthesis(t.title);
                t.key = uniqueKey(QStringLiteral("task-%1").arg(t.number), m_taskKeys);
                m_day->tasks.append(t);
                m_task = &m_day->tasks.last();
                m_label.clear();
                return;
            }
            if (text.contains(QStringLiteral("Deliverables"), Qt::CaseInsensitive)) {
                m_task = nullptr;
                m_label = QStringLiteral("deliverables");
                return;
            }
            if (!m_task)
                m_label.clear();
            return;
        }
        case Section::Risks: {
            if (m_risk < 0)
                return;
            const auto match = field.match(text);
            if (match.hasMatch()) {
                m_plan.riskList[m_risk].insert(match.captured(1).trimmed().toLower(), match.captured(2).trimmed());
            } else {
                m_label = text.toLower();
            }
            return;
        }
        case Section::Communication: {
            static const QRegularExpression level(QStringLiteral("^(P[0-3])\\s*[-–:]\\s*(.*)$"));
            const auto match = level.match(text);
            if (match.hasMatch()) {
                EscalationLevel e;
                e.priority = match.captured(1);
                e.label = match.captured(2).trimmed();
                e.responseMinutes = responseMinutes(e.label);
                m_plan.escalation.append(e);
                m_escalation = &m_plan.escalation.last();
            } else {
                m_escalation = nullptr;
                appendNote(text);
            }
            return;
        }
        case Section::Phase: {
            const auto match = field.match(text);
            if (match.hasMatch() && m_day && m_sub.isEmpty()) {
                QString key = match.captured(1).trimmed().toLower();
                if (key.startsWith(QStringLiteral("risk"))) key = QStringLiteral("risk");
                if (key.startsWith(QStringLiteral("readiness"))) {
                    static const QRegularExpression percent(QStringLiteral("(\\d+(?:\\.\\d+)?)\\s*%"));
                    const auto p = percent.match(match.captured(2));
                    if (p.hasMatch())
                        m_day->details.insert(QStringLiteral("readiness"), p.captured(1).toDouble());
                    return;
                }
                m_day->details.insert(key, match.captured(2).trimmed());
                return;
            }
            if (m_day && m_sub.toUpper().contains(QStringLiteral("ROLLBACK")))
                appendDayText(QStringLiteral("rollback"), text);
            return;
        }
        default:
            appendNote(text);
            return;
        }
    }

    void listItem(const MarkdownBlock& block)
    {
        const QString text = stripDecorations(block.text);
        switch (m_section) {
        case Section::Objectives:
            if (block.level == 1)
                m_plan.objectives << text;
            return;
        case Section::Days: {
            if (m_label == QStringLiteral("deliverables") && m_day && !m_task) {
                m_day->deliverables << text;
                return;
            }
            if (!m_task)
                return;
            static const QRegularExpression assignee(QStringLiteral("^Assignee\\s*:\\s*(.+)$"), QRegularExpression::CaseInsensitiveOption);
            const auto match = assignee.match(text);
            if (block.level == 1 && match.hasMatch()) {
                QString who = match.captured(1).trimmed();
                takeTrailingParenthesis(who);
                m_task->assignee = who;
            } else if (block.level >= 2 || block.ordered) {
                m_task->steps << text;
            } else {
                m_task->notes << text;
            }
            return;
        }
        case Section::Checkpoints:
        case Section::Success:
            if (!m_checkpoint || block.level != 1)
                return;
            if (text.startsWith(QStringLiteral("Decision"), Qt::CaseInsensitive)) {
                m_checkpoint->decision = text.section(QLatin1Char(':'), 1).trimmed();
                return;
            }
            addCriterion(block);
            return;
        case Section::Risks:
            if (m_risk >= 0) {
                const QString key = m_label.contains(QStringLiteral("rollback")) ? QStringLiteral("rollback") : QStringLiteral("mitigation");
                QJsonArray list = m_plan.riskList[m_risk].value(key).toArray();
                list.append(text);
                m_plan.riskList[m_risk].insert(key, list);
            }
            return;
        case Section::Team:
            if (m_member >= 0 && block.level == 1) {
                QJsonArray list = m_plan.team[m_member].value(QStringLiteral("items")).toArray();
                list.append(text);
                m_plan.team[m_member].insert(QStringLiteral("items"), list);
            }
            return;
        case Section::Communication:
            if (m_escalation) {
                m_escalation->actions << text;
                if (m_escalation->responseMinutes < 0)
                    m_escalation->responseMinutes = responseMinutes(text);
            } else {
                appendNote(QStringLiteral("- ") + text);
            }
            return;
        case Section::Blockers:
            m_plan.blockers << text;
            return;
        case Section::Phase: {
            if (!m_day)
                return;
            const QString upper = m_sub.toUpper();
            if (m_checkpoint && block.level == 1) {
                addCriterion(block);
                return;
            }
            if (upper.contains(QStringLiteral("TASK")) || upper.contains(QStringLiteral("CHECKLIST"))) {
                if (block.level == 1) {
                    PlanTask t;
                    t.title = text;
                    static const QRegularExpression numbered(QStringLiteral("^Task\\s+([\\d.]+)\\s*[:.\\-–]\\s*(.+)$"), QRegularExpression::CaseInsensitiveOption);
                    const auto n = numbered.match(text);
                    QString keyPart = slugify(text);
                    if (n.hasMatch()) {
                        t.title = n.captured(2).trimmed();
                        keyPart = QStringLiteral("task-") + slugify(n.captured(1));
                    }
                    static const QRegularExpression owner(QStringLiteral("\\s*\\(@?([^()]+)\\)\\s*$"));
                    const auto o = owner.match(t.title);
                    if (o.hasMatch()) {
                        t.assignee = o.captured(1).trimmed();
                        t.title = t.title.left(o.capturedStart()).trimmed();
                    }
                    t.done = block.isTask && block.checked;
                    t.key = uniqueKey(m_day->key + QLatin1Char('/') + keyPart, m_taskKeys);
                    m_day->tasks.append(t);
                    m_task = &m_day->tasks.last();
                } else if (m_task) {
                    m_task->steps << (block.isTask ? (block.checked ? QStringLiteral("[x] ") : QStringLiteral("[ ] ")) : QString()) + text;
                }
                return;
            }
            if (upper.contains(QStringLiteral("ROLLBACK")))
                appendDayText(QStringLiteral("rollback"), text);
            else if (upper.contains(QStringLiteral("BLOCKER")))
                m_plan.blockers << text;
            return;
        }
        default:
            appendNote(QStringLiteral("- ") + text);
            return;
        }
    }

    void tableRow(const MarkdownBlock& block)
    {
        if (m_section == Section::Objectives && m_sub.contains(QStringLiteral("Metric"), Qt::CaseInsensitive)) {
            QStringList cells;
            for (const QString& cell : block.cells)
                cells << stripDecorations(cell);
            m_plan.metrics.append(cells);
        } else {
            appendNote(block.cells.join(QStringLiteral(" | ")));
        }
    }

    void code(const MarkdownBlock& block)
    {
        if (m_section == Section::Risks && m_risk >= 0 && m_label.contains(QStringLiteral("rollback"))) {
            m_plan.riskList[m_risk].insert(QStringLiteral("rollback_commands"), block.text.trimmed());
        } else if (m_section == Section::Phase && m_day && m_sub.toUpper().contains(QStringLiteral("ROLLBACK"))) {
            appendDayText(QStringLiteral("rollback"), block.text.trimmed());
        } else if (m_section == Section::Days && m_task) {
            m_task->notes << block.text.trimmed();
        }
    }

    void appendDayText(const QString& key, const QString& text)
    {
        const QString before = m_day->details.value(key).toString();
        m_day->details.insert(key, before.isEmpty() ? text : before + QLatin1Char('\n') + text);
    }

    void appendNote(const QString& text)
    {
        if (m_section != Section::Other && m_section != Section::Communication)
            return;
        const QString heading = m_sub.isEmpty() ? m_sectionTitle : m_sectionTitle + QStringLiteral(" / ") + m_sub;
        // Kept bounded (64 KB per heading) so a huge unknown section cannot make the plan row huge;
        // collected here and copied into the plan once (appending to a QJsonObject copies).
        QString& note = m_notes[heading];
        if (note.size() > 64 * 1024)
            return;
        if (!note.isEmpty())
            note.append(QLatin1Char('\n'));
        note.append(text);
    }

public:
    void finish()
    {
        for (auto it = m_notes.cbegin(); it != m_notes.cend(); ++it)
            m_plan.notes.insert(it.key(), it.value());
    }

private:
    QHash<QString, QString> m_notes;
    Plan& m_plan;
    ImportReport& m_report;
    Section m_section = Section::Preamble;
    QString m_sectionTitle;
    QString m_sub;
    QString m_label;
    PlanDay* m_day = nullptr;
    PlanTask* m_task = nullptr;
    PlanCheckpoint* m_checkpoint = nullptr;
    EscalationLevel* m_escalation = nullptr;
    int m_risk = -1;
    int m_member = -1;
    bool m_phaseTasks = false;
    KeySet m_dayKeys, m_taskKeys, m_checkpointKeys, m_criterionKeys;
};

bool looksBinary(const QByteArray& bytes)
{
    const qsizetype n = qMin<qsizetype>(bytes.size(), 64 * 1024);
    qsizetype control = 0;
    for (qsizetype i = 0; i < n; ++i) {
        const unsigned char ch = static_cast<unsigned char>(bytes.at(i));
        if (ch == 0)
            return true;
        if (ch < 0x20 && ch != '\n' && ch != '\r' && ch != '\t' && ch != '\f')
            ++control;
    }
    return n > 0 && control * 20 > n;  // more than 5% control characters
}

} // namespace

ImportResult PlanImporter::import(const QByteArray& bytes, const QString& sourceName) const
{
    ImportResult result;
    Plan& plan = result.plan;
    ImportReport& report = result.report;
    plan.source = QFileInfo(sourceName).fileName();

    if (bytes.trimmed().isEmpty()) {
        report.warnings << QStringLiteral("the file is empty");
        return result;
    }
    if (bytes.size() > kMaxBytes) {
        report.warnings << QStringLiteral("the file is too large (%1 bytes; the limit is %2)").arg(bytes.size()).arg(kMaxBytes);
        return result;
    }
    if (looksBinary(bytes)) {
        report.warnings << QStringLiteral("the file is binary, not Markdown text");
        return result;
    }

    QStringDecoder decoder(QStringDecoder::Utf8);
    QString text = decoder.decode(bytes);
    if (decoder.hasError())
        report.warnings << QStringLiteral("the file is not valid UTF-8; invalid bytes were replaced");
    int repairs = 0;
    text = repairMojibake(text, &repairs);
    if (repairs > 0)
        report.warnings << QStringLiteral("repaired %1 places where UTF-8 had been read as Windows-1252").arg(repairs);

    Interpreter interpreter(plan, report);
    interpreter.run(parseMarkdownBlocks(text.toUtf8()));
    interpreter.finish();

    bool phases = false;
    for (const PlanDay& day : plan.days)
        phases = phases || day.key.startsWith(QStringLiteral("phase-"));
    plan.shape = phases ? QStringLiteral("phase_based") : QStringLiteral("day_by_day");
    const QString base = slugify(QFileInfo(sourceName).completeBaseName());
    plan.key = !base.isEmpty() ? base : slugify(plan.title);
    if (plan.key.isEmpty())
        plan.key = QStringLiteral("plan");
    if (plan.title.isEmpty())
        plan.title = plan.source.isEmpty() ? plan.key : plan.source;

    int gates = 0, gateCriteria = 0, bound = 0;
    for (const PlanCheckpoint& checkpoint : plan.checkpoints) {
        for (const PlanCriterion& criterion : checkpoint.criteria)
            bound += criterion.expression.isEmpty() ? 0 : 1;
        if (checkpoint.kind == QStringLiteral("gate")) {
            ++gates;
            gateCriteria += int(checkpoint.criteria.size());
        }
    }
    report.recognised << QStringLiteral("title: %1").arg(plan.title)
                      << QStringLiteral("shape: %1").arg(plan.shape);
    if (!plan.days.isEmpty())
        report.recognised << QStringLiteral("%1 %2, %3 tasks (%4 with an assignee)")
                                 .arg(plan.days.size()).arg(phases ? QStringLiteral("phases") : QStringLiteral("days"))
                                 .arg(plan.taskCount()).arg(plan.tasksWithAssignee());
    if (gates > 0)
        report.recognised << QStringLiteral("%1 Go/No-Go checkpoints with %2 criteria").arg(gates).arg(gateCriteria);
    for (const PlanCheckpoint& checkpoint : plan.checkpoints) {
        if (checkpoint.kind != QStringLiteral("list"))
            continue;
        int met = 0;
        for (const PlanCriterion& criterion : checkpoint.criteria)
            met += criterion.checked ? 1 : 0;
        report.recognised << QStringLiteral("%1: %2 of %3 checked").arg(checkpoint.title).arg(met).arg(checkpoint.criteria.size());
    }
    if (bound > 0)
        report.recognised << QStringLiteral("%1 criteria bound to metrics").arg(bound);
    if (!plan.objectives.isEmpty())
        report.recognised << QStringLiteral("%1 objectives").arg(plan.objectives.size());
    if (!plan.metrics.isEmpty())
        report.recognised << QStringLiteral("success metrics table with %1 rows").arg(plan.metrics.size() - 1);
    if (!plan.riskList.isEmpty())
        report.recognised << QStringLiteral("%1 risks").arg(plan.riskList.size());
    if (!plan.team.isEmpty()) {
        QStringList names;
        for (const QJsonObject& member : plan.team)
            names << member.value(QStringLiteral("name")).toString();
        report.recognised << QStringLiteral("team: %1").arg(names.join(QStringLiteral(", ")));
    }
    if (!plan.escalation.isEmpty()) {
        QStringList levels;
        for (const EscalationLevel& level : plan.escalation)
            levels << QStringLiteral("%1 %2 min").arg(level.priority).arg(level.responseMinutes);
        report.recognised << QStringLiteral("escalation: %1").arg(levels.join(QStringLiteral(", ")));
    }
    if (!plan.blockers.isEmpty())
        report.recognised << QStringLiteral("%1 critical blockers").arg(plan.blockers.size());
    report.usable = !plan.days.isEmpty() || !plan.checkpoints.isEmpty();
    return result;
}

} // namespace ops::services::plan
