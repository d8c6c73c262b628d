// SPDX-License-Identifier: MIT
#pragma once

// OperationProgress: the strip a long operation shows while it runs: what it does, a progress bar
// (a busy bar when the total is unknown) and a Cancel button. Hidden when nothing runs. Cancel
// only asks (cancelRequested); the operation stops at its next safe point and then calls
// finish(). GUI thread only.

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace ops::widgets {

class OperationProgress final : public QWidget {
    Q_OBJECT
public:
    explicit OperationProgress(QWidget* parent = nullptr);

    // Shows the strip. `maximum` 0: the total is unknown (busy bar).
    void start(const QString& what, int maximum = 0);
    // `detail` replaces the text beside the bar ("1200 rows").
    void setProgress(int value, const QString& detail = {});
    void finish();

    bool isRunning() const { return m_running; }
    bool cancelWasRequested() const { return m_cancelRequested; }
    QProgressBar* bar() const { return m_bar; }
    QPushButton* cancelButton() const { return m_cancel; }
    QString text() const;

signals:
    void cancelRequested();

private:
    QLabel* m_label = nullptr;
    QProgressBar* m_bar = nullptr;
    QPushButton* m_cancel = nullptr;
    QString m_what;
    bool m_running = false;
    bool m_cancelRequested = false;
};

} // namespace ops::widgets
