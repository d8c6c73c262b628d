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
    layout->addWidget(body, 0, Qt::AlignHCenter);
    layout->addStretch(2);
    body->setMaximumWidth(640);
    body->setAlignment(Qt::AlignHCenter);
}

} // namespace ops::widgets
