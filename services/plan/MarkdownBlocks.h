// SPDX-License-Identifier: MIT
#pragma once

// MarkdownBlocks: md4c's event stream flattened into a list of blocks (headings, paragraphs, list
// items with their depth and task state, table rows, code blocks) with inline markup removed.
// The plan importer interprets this list; keeping the parser's callbacks here keeps that logic
// free of C callbacks.

#include <QList>
#include <QString>
#include <QStringList>

namespace ops::services::plan {

struct MarkdownBlock {
    enum class Type { Heading, Paragraph, ListItem, TableRow, Code };
    Type type = Type::Paragraph;
    int level = 0;          // heading level, or list depth (1 = top level)
    bool isTask = false;    // list item with [ ] / [x]
    bool checked = false;
    bool ordered = false;   // list item of an ordered list
    QString text;           // inline markup removed, whitespace collapsed (paragraph: one line per source line; code: verbatim)
    QStringList cells;      // table row
    bool headerRow = false;
};

// Parses UTF-8 Markdown (GitHub dialect: tables, task lists, strikethrough). Never fails: text
// that is not Markdown comes back as paragraphs.
QList<MarkdownBlock> parseMarkdownBlocks(const QByteArray& utf8);

} // namespace ops::services::plan
