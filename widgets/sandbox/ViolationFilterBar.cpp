// SPDX-License-Identifier: MIT
#include "sandbox/ViolationFilterBar.h"

#include <QCoreApplication>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QTimer>

namespace ops::widgets {

using ops::services::sandbox::ViolationFilter;

namespace {
QComboBox* choices(const QStringList& values, QWidget* parent)
{
    auto* box = new QComboBox(parent);
    box->addItem(QCoreApplication::translate("ops::widgets::ViolationFilterBar", "any"), QString());
    for (const QString& value : values)
        box->addItem(value, value);
    return box;
}
} // namespace

ViolationFilterBar::ViolationFilterBar(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_kind = choices({"file_read", "file_write", "network", "process", "secret", "other"}, this);
    m_severity = choices({"low", "medium", "high", "critical"}, this);
    m_status = choices({"new", "acknowledged", "allowed", "resolved"}, this);
    m_decision = choices({"blocked", "allowed"}, this);
    m_range = new QComboBox(this);
    m_range->addItem(tr("any time"), int(Range::Any));
    m_range->addItem(tr("last hour"), int(Range::LastHour));
    m_range->addItem(tr("last 24 hours"), int(Range::Last24Hours));
    m_range->addItem(tr("last 7 days"), int(Range::Last7Days));
    m_range->addItem(tr("last 30 days"), int(Range::Last30Days));
    m_range->addItem(tr("custom..."), int(Range::Custom));
    m_from = new QDateTimeEdit(QDateTime::currentDateTime().addDays(-1), this);
    m_to = new QDateTimeEdit(QDateTime::currentDateTime().addSecs(3600), this);
    for (QDateTimeEdit* edit : {m_from, m_to}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
        edit->setVisible(false);
    }
    m_text = new QLineEdit(this);
    m_text->setPlaceholderText(tr("target or operation contains..."));
    m_text->setClearButtonEnabled(true);
    m_text->setObjectName(QStringLiteral("filterText"));
    m_text->setAccessibleName(tr("Filter text"));
    m_from->setAccessibleName(tr("From"));
    m_to->setAccessibleName(tr("To"));

    const std::pair<QString, QWidget*> labelled[] = {{tr("Kind"), m_kind}, {tr("Severity"), m_severity},
                                                     {tr("Status"), m_status}, {tr("Decision"), m_decision},
                                                     {tr("Time"), m_range}};
    for (const auto& [label, widget] : labelled) {
        auto* caption = new QLabel(label, this);
        caption->setTextFormat(Qt::PlainText);
        caption->setBuddy(widget);  // the caption names the box for screen readers
        layout->addWidget(caption);
        layout->addWidget(widget);
    }
    layout->addWidget(m_from);
    layout->addWidget(m_to);
    layout->addWidget(m_text, 1);

    for (QComboBox* box : {m_kind, m_severity, m_status, m_decision})
        connect(box, &QComboBox::currentIndexChanged, this, &ViolationFilterBar::filterChanged);
    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        const bool custom = Range(m_range->currentData().toInt()) == Range::Custom;
        m_from->setVisible(custom);
        m_to->setVisible(custom);
        emit filterChanged();
    });
    for (QDateTimeEdit* edit : {m_from, m_to})
        connect(edit, &QDateTimeEdit::dateTimeChanged, this, [this] {
            if (Range(m_range->currentData().toInt()) == Range::Custom)
                m_debounce->start();
        });
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(250);
    connect(m_text, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_debounce, &QTimer::timeout, this, &ViolationFilterBar::filterChanged);
}

ViolationFilter ViolationFilterBar::filter() const
{
    ViolationFilter filter;
    filter.kind = m_kind->currentData().toString();
    filter.severity = m_severity->currentData().toString();
    filter.status = m_status->currentData().toString();
    filter.decision = m_decision->currentData().toString();
    filter.text = m_text->text().trimmed();
    const QDateTime now = m_now();
    switch (Range(m_range->currentData().toInt())) {
    case Range::Any: break;
    case Range::LastHour: filter.from = now.addSecs(-3600); break;
    case Range::Last24Hours: filter.from = now.addDays(-1); break;
    case Range::Last7Days: filter.from = now.addDays(-7); break;
    case Range::Last30Days: filter.from = now.addDays(-30); break;
    case Range::Custom:
        filter.from = m_from->dateTime();
        filter.to = m_to->dateTime();
        break;
    }
    return filter;
}

} // namespace ops::widgets
