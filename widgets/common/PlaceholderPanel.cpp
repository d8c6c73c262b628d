// SPDX-License-Identifier: MIT
#include "common/PlaceholderPanel.h"

#include <QLabel>
#include <QVBoxLayout>

namespace ops::widgets {

PlaceholderPanel::PlaceholderPanel(const QString& title, const QString& description, QWidget* parent)
    : QWidget(parent)
{
    auto* heading = new QLabel(title, this);
    heading->setTextFormat(Qt::PlainText);
    QFont font = heading->font();
    font.setPointSizeF(font.pointSizeF() * 1.5);
    font.setBold(true);
    heading->setFont(font);

    auto* body = new QLabel(description, this);
    body->setTextFormat(Qt::PlainText);
    body->setWordWrap(true);
    body->setObjectName(QStringLiteral("placeholderDescription"));

    auto* layout = new QVBoxLayout(this);
    layout->addStretch(1);
    layout->addWidget(heading, 0, Qt::AlignHCenter);
    // No alignment flag here: a word-wrapped label given one is not asked its height for its
    // width and shows a single line. The margins keep the lines readable instead.
    layout->addWidget(body);
    layout->addStretch(2);
    layout->setContentsMargins(120, 24, 120, 24);
    body->setAlignment(Qt::AlignHCenter);
}

} // namespace ops::widgets
