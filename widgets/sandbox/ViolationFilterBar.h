// SPDX-License-Identifier: MIT
#pragma once

// ViolationFilterBar: the tab's filters (kind, severity, status, decision, time range, text) as one
// ViolationFilter. Time range presets are relative to "now" when the filter is built, so "last
// hour" keeps meaning the last hour; "custom" shows two date-time fields. The text field is
// debounced; every other change is emitted at once.

#include "sandbox/ViolationQuery.h"

#include <QWidget>

#include <functional>

class QComboBox;
class QDateTimeEdit;
class QLineEdit;
class QTimer;

namespace ops::widgets {

class ViolationFilterBar final : public QWidget {
    Q_OBJECT
public:
    enum class Range { Any, LastHour, Last24Hours, Last7Days, Last30Days, Custom };

    explicit ViolationFilterBar(QWidget* parent = nullptr);

    ops::services::sandbox::ViolationFilter filter() const;
    // For tests: what "now" is when presets are turned into times.
    void setClock(std::function<QDateTime()> now) { m_now = std::move(now); }

    QComboBox* kindBox() const { return m_kind; }
    QComboBox* severityBox() const { return m_severity; }
    QComboBox* statusBox() const { return m_status; }
    QComboBox* decisionBox() const { return m_decision; }
    QComboBox* rangeBox() const { return m_range; }
    QDateTimeEdit* fromEdit() const { return m_from; }
    QDateTimeEdit* toEdit() const { return m_to; }
    QLineEdit* textEdit() const { return m_text; }

signals:
    void filterChanged();

private:
    QComboBox* m_kind = nullptr;
    QComboBox* m_severity = nullptr;
    QComboBox* m_status = nullptr;
    QComboBox* m_decision = nullptr;
    QComboBox* m_range = nullptr;
    QDateTimeEdit* m_from = nullptr;
    QDateTimeEdit* m_to = nullptr;
    QLineEdit* m_text = nullptr;
    QTimer* m_debounce = nullptr;
    std::function<QDateTime()> m_now = [] { return QDateTime::currentDateTimeUtc(); };
};

} // namespace ops::widgets
