// SPDX-License-Identifier: MIT
#pragma once

// IsolationCheckView: the Day 1 isolation checklist (IsolationCheck). The user picks the project
// directory the agent runs in and a window ("last 15 minutes", ...); each item turns green when the
// matching blocked event is in the log, with the event that proves it. It re-checks on demand and
// whenever new events arrive (recheck(), called by the panel on NOTIFY).

#include "db/Pool.h"
#include "sandbox/IsolationCheck.h"

#include <QWidget>

#include <functional>

class QComboBox;
class QLabel;
class QLineEdit;

namespace ops::widgets {

class IsolationCheckView final : public QWidget {
    Q_OBJECT
public:
    IsolationCheckView(ops::services::Pool* pool, qint64 projectId, QWidget* parent = nullptr);

    void recheck();
    void setClock(std::function<QDateTime()> now) { m_now = std::move(now); }
    const std::array<ops::services::sandbox::IsolationItem, 3>& items() const { return m_items; }
    QLineEdit* projectDirectoryEdit() const { return m_directory; }
    QComboBox* windowBox() const { return m_window; }
    QLabel* itemLabel(int index) const { return m_labels[std::size_t(index)]; }

signals:
    void checked();

private:
    void show(const std::array<ops::services::sandbox::IsolationItem, 3>& items);

    ops::services::Pool* m_pool;
    qint64 m_projectId;
    quint64 m_generation = 0;
    QLineEdit* m_directory = nullptr;
    QComboBox* m_window = nullptr;
    std::array<QLabel*, 3> m_labels{};
    QLabel* m_summary = nullptr;
    std::array<ops::services::sandbox::IsolationItem, 3> m_items{};
    std::function<QDateTime()> m_now = [] { return QDateTime::currentDateTimeUtc(); };
};

} // namespace ops::widgets
