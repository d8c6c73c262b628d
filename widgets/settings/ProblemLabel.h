// SPDX-License-Identifier: MIT
#pragma once

// ProblemLabel: the message next to a settings field that says, in plain text, why the value is
// not accepted; hidden while the value is fine.

#include <QLabel>

namespace ops::widgets {

class ProblemLabel final : public QLabel {
    Q_OBJECT
public:
    explicit ProblemLabel(QWidget* parent = nullptr) : QLabel(parent)
    {
        setTextFormat(Qt::PlainText);
        setWordWrap(true);
        setStyleSheet(QStringLiteral("color: #b00020;"));
        setVisible(false);
    }
    // Empty: the field is fine.
    void setProblem(const QString& problem)
    {
        setText(problem);
        setVisible(!problem.isEmpty());
    }
    QString problem() const { return text(); }
};

} // namespace ops::widgets
