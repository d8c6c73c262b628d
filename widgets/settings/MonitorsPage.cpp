// SPDX-License-Identifier: MIT
#include "settings/MonitorsPage.h"

#include "settings/ProblemLabel.h"

#include "db/Pool.h"
#include "db/Projects.h"
#include "db/SettingsValidator.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace ops::widgets {

using namespace ops::services;

MonitorsPage::MonitorsPage(Pool* pool, const QString& projectSlug, QWidget* parent)
    : SettingsPage(parent), m_pool(pool), m_projectSlug(projectSlug)
{
    auto* layout = new QHBoxLayout(this);
    auto* left = new QVBoxLayout;
    m_list = new QListWidget(this);
    m_list->setAccessibleName(tr("Monitors"));
    auto* add = new QPushButton(tr("&New monitor"), this);
    m_remove = new QPushButton(tr("&Remove monitor"), this);
    left->addWidget(m_list);
    left->addWidget(add);
    left->addWidget(m_remove);
    layout->addLayout(left);

    auto* form = new QFormLayout;
    m_name = new QLineEdit(this);
    m_nameProblem = new ProblemLabel(this);
    m_kind = new QComboBox(this);
    m_kind->addItem(tr("HTTP health endpoint"), QStringLiteral("http"));
    m_kind->addItem(tr("Prometheus metrics"), QStringLiteral("prometheus"));
    // The console's own checks have no URL; listed so editing one never changes its kind.
    m_kind->addItem(tr("Console database"), QStringLiteral("postgres"));
    m_kind->addItem(tr("Console connection pool"), QStringLiteral("pool"));
    m_url = new QLineEdit(this);
    m_url->setPlaceholderText(QStringLiteral("https://app.example.com/api/health"));
    m_urlProblem = new ProblemLabel(this);
    m_interval = new QSpinBox(this);
    m_interval->setRange(0, 86400);  // 0 is shown and refused with a reason, not silently clamped
    m_interval->setSuffix(tr(" s"));
    m_interval->setValue(60);
    m_intervalProblem = new ProblemLabel(this);
    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText);  // server errors are outside text
    m_status->setWordWrap(true);
    form->addRow(tr("&Name:"), m_name);
    form->addRow(QString(), m_nameProblem);
    form->addRow(tr("&Kind:"), m_kind);
    form->addRow(tr("&URL:"), m_url);
    form->addRow(QString(), m_urlProblem);
    form->addRow(tr("Check &every:"), m_interval);
    form->addRow(QString(), m_intervalProblem);
    form->addRow(m_status);
    layout->addLayout(form, 1);

    const bool usable = m_pool != nullptr;
    for (QWidget* w : std::initializer_list<QWidget*>{m_list, add, m_remove, m_name, m_kind, m_url, m_interval})
        w->setEnabled(usable);
    if (!usable)
        m_status->setText(tr("Monitors are kept in the database: they can be edited once it is connected."));

    connect(m_list, &QListWidget::currentRowChanged, this, &MonitorsPage::showMonitor);
    connect(add, &QPushButton::clicked, this, [this] {
        m_list->setCurrentRow(-1);
        showMonitor(-1);
        m_name->setFocus();
    });
    connect(m_remove, &QPushButton::clicked, this, &MonitorsPage::removeCurrent);
    for (QLineEdit* edit : {m_name, m_url})
        connect(edit, &QLineEdit::textChanged, this, &MonitorsPage::revalidate);
    connect(m_interval, &QSpinBox::valueChanged, this, &MonitorsPage::revalidate);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &MonitorsPage::revalidate);
    showMonitor(-1);
    reload();
}

QString MonitorsPage::status() const
{
    return m_status->text();
}

void MonitorsPage::reload()
{
    if (!m_pool)
        return;
    m_pool->withClientAsync(QStringLiteral("GET /settings/monitors"), [slug = m_projectSlug](Connection& c)
                                -> Result<std::vector<MonitorSettings>> {
        auto project = projectIdBySlug(c, slug);
        if (!project)
            return project.error();
        return readMonitors(c, *project);
    }).then(this, [this](Result<std::vector<MonitorSettings>> monitors) {
        if (!monitors) {
            m_status->setText(monitors.error().message);
            return;
        }
        m_monitors = std::move(monitors.value());
        const qint64 keep = m_editing.id;
        m_list->blockSignals(true);
        m_list->clear();
        int select = -1;
        for (std::size_t i = 0; i < m_monitors.size(); ++i) {
            m_list->addItem(m_monitors[i].name);
            if (m_monitors[i].id == keep && keep != 0)
                select = int(i);
        }
        m_list->setCurrentRow(select);
        m_list->blockSignals(false);
        if (!m_edited)
            showMonitor(select);
        emit monitorsLoaded();
    });
}

void MonitorsPage::showMonitor(int row)
{
    m_loading = true;
    m_editing = row >= 0 && row < int(m_monitors.size()) ? m_monitors[std::size_t(row)] : MonitorSettings{};
    m_name->setText(m_editing.name);
    m_kind->setCurrentIndex(std::max(0, m_kind->findData(m_editing.kind)));
    m_url->setText(m_editing.url);
    m_interval->setValue(m_editing.intervalMs / 1000);
    m_remove->setEnabled(m_pool && m_editing.id != 0);
    m_edited = false;
    revalidate();
    m_loading = false;
}

void MonitorsPage::revalidate()
{
    if (!m_loading)
        m_edited = true;
    // The console's own kinds (postgres, pool) have no URL.
    const bool needsUrl = m_kind->currentData().toString() == QLatin1String("http")
                          || m_kind->currentData().toString() == QLatin1String("prometheus");
    const bool blankNew = m_editing.id == 0 && m_name->text().isEmpty() && m_url->text().isEmpty();
    m_nameProblem->setProblem(blankNew ? QString() : SettingsValidator::monitorName(m_name->text()));
    m_url->setEnabled(m_pool && needsUrl);
    m_urlProblem->setProblem(blankNew || !needsUrl ? QString() : SettingsValidator::httpUrl(m_url->text(), false));
    m_intervalProblem->setProblem(SettingsValidator::monitorIntervalSeconds(m_interval->value()));
    emit validityChanged();
}

bool MonitorsPage::isValid() const
{
    return !m_edited || (m_nameProblem->problem().isEmpty() && m_urlProblem->problem().isEmpty()
                         && m_intervalProblem->problem().isEmpty());
}

void MonitorsPage::apply(std::function<void(const QString& error)> done)
{
    const bool blankNew = m_editing.id == 0 && m_name->text().trimmed().isEmpty();
    if (!m_pool || !m_edited || blankNew) {
        done(QString());
        return;
    }
    MonitorSettings monitor = m_editing;
    monitor.name = m_name->text().trimmed();
    monitor.kind = m_kind->currentData().toString();
    monitor.url = m_url->text().trimmed();
    monitor.intervalMs = m_interval->value() * 1000;
    m_pool->inTransactionAsync(QStringLiteral("POST /settings/monitors"), [slug = m_projectSlug, monitor](Connection& c)
                                   -> Result<qint64> {
        auto project = projectIdBySlug(c, slug);
        if (!project)
            return project.error();
        return saveMonitor(c, *project, monitor);
    }).then(this, [this, done = std::move(done)](Result<qint64> saved) {
        if (!saved) {
            m_status->setText(saved.error().message);
            done(saved.error().message);
            return;
        }
        m_editing.id = *saved;
        m_edited = false;
        m_status->setText(tr("Monitor saved."));
        reload();
        done(QString());
    });
}

void MonitorsPage::removeCurrent()
{
    if (!m_pool || m_editing.id == 0)
        return;
    m_pool->inTransactionAsync(QStringLiteral("DELETE /settings/monitors"), [id = m_editing.id](Connection& c) {
        return removeMonitor(c, id);
    }).then(this, [this](Result<void> removed) {
        m_status->setText(removed ? tr("Monitor removed: it is no longer checked; its history stays.") : removed.error().message);
        if (removed) {
            m_list->setCurrentRow(-1);
            showMonitor(-1);
            reload();
        }
    });
}

} // namespace ops::widgets
