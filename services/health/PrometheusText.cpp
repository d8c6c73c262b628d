// SPDX-License-Identifier: MIT
#include "health/PrometheusText.h"

#include <cmath>
#include <limits>

namespace ops::services {

namespace {

constexpr int maxProblemsKept = 5;

bool isNameStart(QChar c)
{
    return c.isLetter() || c == QLatin1Char('_') || c == QLatin1Char(':');
}

bool isNameChar(QChar c)
{
    return isNameStart(c) || c.isDigit();
}

// A cursor over one line; every reader returns false (with `error` set) on bad input.
struct LineReader {
    explicit LineReader(const QString& text) : line(text) {}
    const QString& line;
    qsizetype pos = 0;
    QString error;

    bool atEnd() const { return pos >= line.size(); }
    QChar peek() const { return atEnd() ? QChar() : line.at(pos); }
    void skipSpaces()
    {
        while (!atEnd() && (peek() == QLatin1Char(' ') || peek() == QLatin1Char('\t')))
            ++pos;
    }

    bool readName(QString& name)
    {
        const qsizetype start = pos;
        if (atEnd() || !isNameStart(peek())) {
            error = QStringLiteral("expected a name at column %1").arg(pos + 1);
            return false;
        }
        while (!atEnd() && isNameChar(peek()))
            ++pos;
        name = line.mid(start, pos - start);
        return true;
    }

    bool readQuoted(QString& value)
    {
        if (peek() != QLatin1Char('"')) {
            error = QStringLiteral("expected '\"' at column %1").arg(pos + 1);
            return false;
        }
        ++pos;
        value.clear();
        while (!atEnd()) {
            const QChar c = line.at(pos++);
            if (c == QLatin1Char('"'))
                return true;
            if (c != QLatin1Char('\\')) {
                value += c;
                continue;
            }
            if (atEnd())
                break;
            const QChar escaped = line.at(pos++);
            value += escaped == QLatin1Char('n') ? QChar(QLatin1Char('\n')) : escaped;
        }
        error = QStringLiteral("unterminated label value");
        return false;
    }

    // {a="x",b="y"} with an optional trailing comma; the opening brace is the current character.
    bool readLabels(QMap<QString, QString>& labels)
    {
        ++pos;
        for (;;) {
            skipSpaces();
            if (peek() == QLatin1Char('}')) {
                ++pos;
                return true;
            }
            QString key, value;
            if (!readName(key))
                return false;
            skipSpaces();
            if (peek() != QLatin1Char('=')) {
                error = QStringLiteral("expected '=' after label %1").arg(key);
                return false;
            }
            ++pos;
            skipSpaces();
            if (!readQuoted(value))
                return false;
            labels.insert(key, value);
            skipSpaces();
            if (peek() == QLatin1Char(','))
                ++pos;
            else if (peek() != QLatin1Char('}')) {
                error = QStringLiteral("expected ',' or '}' at column %1").arg(pos + 1);
                return false;
            }
        }
    }

    QString readToken()
    {
        const qsizetype start = pos;
        while (!atEnd() && peek() != QLatin1Char(' ') && peek() != QLatin1Char('\t'))
            ++pos;
        return line.mid(start, pos - start);
    }
};

std::optional<double> parseValue(const QString& token)
{
    if (token == QLatin1String("NaN"))
        return std::numeric_limits<double>::quiet_NaN();
    if (token == QLatin1String("+Inf") || token == QLatin1String("Inf"))
        return std::numeric_limits<double>::infinity();
    if (token == QLatin1String("-Inf"))
        return -std::numeric_limits<double>::infinity();
    bool ok = false;
    const double value = token.toDouble(&ok);
    return ok ? std::optional<double>(value) : std::nullopt;
}

// The metric name at the start of a raw line (up to '{', a blank or the end), spaces skipped.
QByteArray rawName(const QByteArray& line)
{
    qsizetype start = 0;
    while (start < line.size() && (line.at(start) == ' ' || line.at(start) == '\t'))
        ++start;
    qsizetype end = start;
    while (end < line.size() && line.at(end) != '{' && line.at(end) != ' ' && line.at(end) != '\t')
        ++end;
    return line.mid(start, end - start);
}

} // namespace

PromParseResult parsePrometheusText(const QByteArray& text, const QSet<QByteArray>& onlyNames)
{
    PromParseResult result;
    const QList<QByteArray> lines = text.split('\n');
    for (qsizetype number = 0; number < lines.size(); ++number) {
        if (!onlyNames.isEmpty() && !onlyNames.contains(rawName(lines.at(number))))
            continue;  // another metric (or a comment): not needed
        const QString line = QString::fromUtf8(lines.at(number)).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;  // comments, # HELP and # TYPE
        LineReader reader(line);
        PromSample sample;
        bool ok = reader.readName(sample.name);
        if (ok && reader.peek() == QLatin1Char('{'))
            ok = reader.readLabels(sample.labels);
        if (ok) {
            reader.skipSpaces();
            const std::optional<double> value = parseValue(reader.readToken());
            if (!value) {
                ok = false;
                reader.error = QStringLiteral("the value is not a number");
            } else {
                sample.value = *value;
            }
        }
        if (ok) {
            reader.skipSpaces();
            if (!reader.atEnd()) {
                bool numberOk = false;
                const qint64 timestamp = reader.readToken().toLongLong(&numberOk);
                reader.skipSpaces();
                if (!numberOk || !reader.atEnd()) {
                    ok = false;
                    reader.error = QStringLiteral("unexpected text after the value");
                } else {
                    sample.timestampMs = timestamp;
                }
            }
        }
        if (!ok) {
            ++result.malformedLines;
            if (result.problems.size() < maxProblemsKept)
                result.problems << QStringLiteral("line %1: %2").arg(number + 1).arg(reader.error);
            continue;
        }
        result.samples.push_back(std::move(sample));
    }
    return result;
}

std::optional<SeriesSelector> SeriesSelector::parse(const QString& text, QString* error)
{
    const QString trimmed = text.trimmed();
    LineReader reader(trimmed);
    SeriesSelector selector;
    selector.text = trimmed;
    bool ok = reader.readName(selector.name);
    if (ok && reader.peek() == QLatin1Char('{'))
        ok = reader.readLabels(selector.labels);
    if (ok && !reader.atEnd()) {
        ok = false;
        reader.error = QStringLiteral("unexpected text after the selector");
    }
    if (!ok) {
        if (error)
            *error = QStringLiteral("series selector \"%1\": %2").arg(trimmed, reader.error);
        return std::nullopt;
    }
    return selector;
}

bool SeriesSelector::matches(const PromSample& sample) const
{
    if (sample.name != name)
        return false;
    for (auto it = labels.begin(); it != labels.end(); ++it) {
        if (sample.labels.value(it.key(), QString()) != it.value() || !sample.labels.contains(it.key()))
            return false;
    }
    return true;
}

SelectedSeries selectSeries(const std::vector<PromSample>& samples, const std::vector<SeriesSelector>& selectors)
{
    SelectedSeries selected;
    for (const SeriesSelector& selector : selectors) {
        std::optional<double> sum;
        for (const PromSample& sample : samples) {
            if (selector.matches(sample))
                sum = sum.value_or(0) + sample.value;
        }
        if (sum)
            selected.values.insert(selector.text, *sum);
        else
            selected.missing << selector.text;
    }
    return selected;
}

QSet<QByteArray> selectorNames(const std::vector<SeriesSelector>& selectors)
{
    QSet<QByteArray> names;
    for (const SeriesSelector& selector : selectors)
        names.insert(selector.name.toUtf8());
    return names;
}

} // namespace ops::services
