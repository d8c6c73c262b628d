// SPDX-License-Identifier: MIT
#include "plan/MarkdownBlocks.h"

#include <md4c.h>

namespace ops::services::plan {

namespace {

struct ListLevel {
    bool ordered = false;
};

// Collects md4c events. A list item's own text ends where its first nested list starts (then it
// is emitted, so sub-items follow their parent in order) or where the item ends.
struct Collector {
    QList<MarkdownBlock> blocks;
    QList<ListLevel> lists;
    QList<MarkdownBlock> openItems;  // stack of list items whose text is still being collected
    QList<bool> itemEmitted;
    MarkdownBlock current;           // heading / paragraph / code outside items
    bool inHeading = false, inParagraph = false, inCode = false, inCell = false;
    int paragraphDepthInItem = 0;
    QByteArray text;
    QStringList rowCells;
    bool inHeaderRow = false;

    void emitItem()
    {
        if (openItems.isEmpty() || itemEmitted.last())
            return;
        MarkdownBlock item = openItems.last();
        item.text = QString::fromUtf8(text).simplified();
        text.clear();
        blocks.append(item);
        itemEmitted.last() = true;
    }
};

int enterBlock(MD_BLOCKTYPE type, void* detail, void* userdata)
{
    auto* c = static_cast<Collector*>(userdata);
    switch (type) {
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        c->emitItem();
        c->lists.append(ListLevel{type == MD_BLOCK_OL});
        break;
    case MD_BLOCK_LI: {
        MarkdownBlock item;
        item.type = MarkdownBlock::Type::ListItem;
        item.level = int(c->lists.size());
        item.ordered = !c->lists.isEmpty() && c->lists.last().ordered;
        const auto* li = static_cast<const MD_BLOCK_LI_DETAIL*>(detail);
        item.isTask = li && li->is_task;
        item.checked = item.isTask && (li->task_mark == 'x' || li->task_mark == 'X');
        c->openItems.append(item);
        c->itemEmitted.append(false);
        c->text.clear();
        break;
    }
    case MD_BLOCK_H:
        c->inHeading = true;
        c->current = MarkdownBlock{};
        c->current.type = MarkdownBlock::Type::Heading;
        c->current.level = int(static_cast<const MD_BLOCK_H_DETAIL*>(detail)->level);
        c->text.clear();
        break;
    case MD_BLOCK_P:
        if (c->openItems.isEmpty()) {
            c->inParagraph = true;
            c->text.clear();
        } else if (!c->text.isEmpty()) {
            c->text.append(' ');
        }
        break;
    case MD_BLOCK_CODE:
        c->emitItem();
        c->inCode = true;
        c->text.clear();
        break;
    case MD_BLOCK_TR:
        c->rowCells.clear();
        break;
    case MD_BLOCK_THEAD:
        c->inHeaderRow = true;
        break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
        c->inCell = true;
        c->text.clear();
        break;
    default:
        break;
    }
    return 0;
}

int leaveBlock(MD_BLOCKTYPE type, void*, void* userdata)
{
    auto* c = static_cast<Collector*>(userdata);
    switch (type) {
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
        if (!c->lists.isEmpty())
            c->lists.removeLast();
        break;
    case MD_BLOCK_LI:
        c->emitItem();
        c->openItems.removeLast();
        c->itemEmitted.removeLast();
        c->text.clear();
        break;
    case MD_BLOCK_H:
        c->inHeading = false;
        c->current.text = QString::fromUtf8(c->text).simplified();
        c->blocks.append(c->current);
        c->text.clear();
        break;
    case MD_BLOCK_P:
        if (c->inParagraph) {
            MarkdownBlock paragraph;
            paragraph.type = MarkdownBlock::Type::Paragraph;
            QStringList lines;
            for (const QString& line : QString::fromUtf8(c->text).split(QLatin1Char('\n')))
                if (!line.simplified().isEmpty())
                    lines << line.simplified();
            paragraph.text = lines.join(QLatin1Char('\n'));
            if (!paragraph.text.isEmpty())
                c->blocks.append(paragraph);
            c->inParagraph = false;
            c->text.clear();
        }
        break;
    case MD_BLOCK_CODE: {
        MarkdownBlock code;
        code.type = MarkdownBlock::Type::Code;
        code.level = int(c->lists.size());
        code.text = QString::fromUtf8(c->text);
        c->blocks.append(code);
        c->inCode = false;
        c->text.clear();
        break;
    }
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
        c->rowCells.append(QString::fromUtf8(c->text).simplified());
        c->inCell = false;
        c->text.clear();
        break;
    case MD_BLOCK_TR: {
        MarkdownBlock row;
        row.type = MarkdownBlock::Type::TableRow;
        row.cells = c->rowCells;
        row.headerRow = c->inHeaderRow;
        c->blocks.append(row);
        break;
    }
    case MD_BLOCK_THEAD:
        c->inHeaderRow = false;
        break;
    default:
        break;
    }
    return 0;
}

int enterSpan(MD_SPANTYPE, void*, void*) { return 0; }
int leaveSpan(MD_SPANTYPE, void*, void*) { return 0; }

int onText(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* userdata)
{
    auto* c = static_cast<Collector*>(userdata);
    switch (type) {
    case MD_TEXT_NULLCHAR:
        break;
    case MD_TEXT_BR:
    case MD_TEXT_SOFTBR:
        // Paragraph lines stay separate: plans write "**Probability:** Low" and "**Impact:** High"
        // on consecutive lines of one paragraph.
        c->text.append(c->inCode || c->inParagraph ? '\n' : ' ');
        break;
    case MD_TEXT_ENTITY: {
        const QByteArray entity(text, int(size));
        if (entity == "&amp;") c->text.append('&');
        else if (entity == "&lt;") c->text.append('<');
        else if (entity == "&gt;") c->text.append('>');
        else if (entity == "&quot;") c->text.append('"');
        else if (entity == "&nbsp;") c->text.append(' ');
        else c->text.append(entity);
        break;
    }
    default:
        c->text.append(text, int(size));
        break;
    }
    return 0;
}

} // namespace

QList<MarkdownBlock> parseMarkdownBlocks(const QByteArray& utf8)
{
    Collector collector;
    MD_PARSER parser{};
    parser.abi_version = 0;
    parser.flags = MD_DIALECT_GITHUB | MD_FLAG_NOHTML;
    parser.enter_block = enterBlock;
    parser.leave_block = leaveBlock;
    parser.enter_span = enterSpan;
    parser.leave_span = leaveSpan;
    parser.text = onText;
    md_parse(utf8.constData(), MD_SIZE(utf8.size()), &parser, &collector);
    return collector.blocks;
}

} // namespace ops::services::plan
