// SPDX-License-Identifier: MIT
#pragma once

// Qt shows a tooltip as rich text whenever it looks like markup (Qt::mightBeRichText), so a
// tooltip holding outside text (a provider's error, a version name, a lock reason, a server's
// error detail) would render its <b>, <a href> and <img src>. plainToolTip() escapes it: the text
// shows literally. Text that does not look like markup is returned as it is (shown as plain text
// anyway).

#include <QString>
#include <QTextDocument>

namespace ops::widgets {

inline QString plainToolTip(const QString& text)
{
    return Qt::mightBeRichText(text) ? Qt::convertFromPlainText(text, Qt::WhiteSpaceNormal) : text;
}

} // namespace ops::widgets
