// SPDX-License-Identifier: MIT
#pragma once

// PgArray: builds the text form of a PostgreSQL array ({"a","b",NULL}) to pass as ONE statement
// parameter. This is value encoding for a bound parameter, never SQL text: every element is
// quoted and its backslashes and double quotes escaped, so no element can change the array's shape.

#include <QByteArray>
#include <QString>

namespace ops::services::sandbox {

class PgArray final {
public:
    void reserve(qsizetype bytes) { m_text.reserve(bytes); }
    void add(const QString& text) { addUtf8(text.toUtf8()); }
    void addUtf8(const QByteArray& utf8);
    void addNumber(qint64 number) { separator(); m_text += QByteArray::number(number); }
    void addBool(bool flag) { separator(); m_text += flag ? "t" : "f"; }
    void addNull() { separator(); m_text += "NULL"; }
    QByteArray text() const { return m_text + '}'; }
    int size() const { return m_count; }

private:
    void separator()
    {
        m_text += m_count++ == 0 ? '{' : ',';
    }
    QByteArray m_text;
    int m_count = 0;
};

inline void PgArray::addUtf8(const QByteArray& utf8)
{
    separator();
    m_text += '"';
    for (char c : utf8) {
        if (c == '"' || c == '\\')
            m_text += '\\';
        m_text += c;
    }
    m_text += '"';
}

} // namespace ops::services::sandbox
