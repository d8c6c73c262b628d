// SPDX-License-Identifier: MIT
#include "health/LoadTestPanel.h"

#include "common/RoleGate.h"

#include "health/LoadTestRunner.h"

#include <QAbstractTableModel>
#include <QCoreApplication>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>

using namespace ops::services;

namespace ops::widgets {

// The stored results, one row each; replaced as a whole when the list is reloaded (it is short).
class LoadTestResultModel final : public QAbstractTableModel {
    // No Q_OBJECT (no signals of its own): its own translation context all the same.
    Q_DECLARE_TR_FUNCTIONS(LoadTestResultModel)
public:
    using QAbstractTableModel::QAbstractTableModel;

    void setResults(std::vector<StoredLoadTest> results)
    {
        beginResetModel();
        m_results = std::move(results);
        endResetModel();
    }
    const StoredLoadTest* at(int row) const { return row >= 0 && row < int(m_results.size()) ? &m_results[std::size_t(row)] : nullptr; }

    int rowCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : int(m_results.size()); }
    int columnCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : int(std::size(headers)); }
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override
    {
        if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 && section < int(std::size(headers)))
            return tr(headers[section]);
        return {};
    }
    QVariant data(const QModelIndex& index, int role) const override
    {
        const StoredLoadTest* s = at(index.row());
        if (!s || role != Qt::DisplayRole)
            return {};
        const LoadTestResult& r = s->result;
        switch (index.column()) {
        case 0: return r.startedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case 1: return r.url;
        case 2: return QStringLiteral("%1 × %2").arg(r.requests).arg(r.concurrency);
        case 3: return QString::number(r.successRate(), 'f', 2) + QLatin1Char('%') + (r.cancelled ? tr(" (cancelled)") : QString());
        case 4: return QString::number(r.throughput(), 'f', 1);
        case 5: return QStringLiteral("%1 / %2 / %3").arg(r.p50Ms, 0, 'f', 1).arg(r.p95Ms, 0, 'f', 1).arg(r.p99Ms, 0, 'f', 1);
        case 6: return errorsText(r);
        case 7: return s->runBy;
        }
        return {};
    }

    static QString errorsText(const LoadTestResult& r)
    {
        QStringList parts;
        for (auto it = r.errors.cbegin(); it != r.errors.cend(); ++it)
            parts << QStringLiteral("%1 %2").arg(it.key()).arg(it.value());
        return parts.isEmpty() ? tr("none") : parts.join(QStringLiteral(", "));
    }

private:
    static constexpr const char* headers[] = {QT_TR_NOOP("Started"), QT_TR_NOOP("URL"), QT_TR_NOOP("Requests × concurrency"),
                                              QT_TR_NOOP("Success"), QT_TR_NOOP("Req/s"), QT_TR_NOOP("p50 / p95 / p99 ms"),
                                              QT_TR_NOOP("Errors"), QT_TR_NOOP("Run by")};
    std::vector<StoredLoadTest> m_results;
};

LoadTestPanel::LoadTestPanel(Pool& pool, qint64 projectId, QWidget* parent)
    : QWidget(parent), m_pool(pool), m_project(projectId), m_runner(new LoadTestRunner(this))
{
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_url = new QLineEdit(this);
    m_url->setPlaceholderText(QStringLiteral("http://127.0.0.1:8080/api/health"));
    m_requests = new QSpinBox(this);
    m_requests->setRange(1, 10'000'000);
    m_requests->setValue(1000);
    m_concurrency = new QSpinBox(this);
    m_concurrency->setRange(1, 20000);
    m_concurrency->setValue(50);
    m_timeout = new QSpinBox(this);
    m_timeout->setRange(1, 600000);
    m_timeout->setValue(10000);
    m_timeout->setSuffix(QStringLiteral(" ms"));
    form->addRow(tr("Endpoint:"), m_url);
    form->addRow(tr("Requests:"), m_requests);
    form->addRow(tr("Concurrency:"), m_concurrency);
    form->addRow(tr("Timeout:"), m_timeout);
    layout->addLayout(form);

    auto* buttons = new QHBoxLayout;
    m_start = new QPushButton(tr("Start load test"), this);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setEnabled(false);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 100);
    m_progress->setValue(0);
    buttons->addWidget(m_start);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_progress, 1);
    layout->addLayout(buttons);
    m_summary = new QLabel(this);
    m_summary->setTextFormat(Qt::PlainText);  // URLs and error text come from outside
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);

    m_model = new LoadTestResultModel(this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("loadTestResults"));  // column layout remembered by name
    m_table->setAccessibleName(tr("Load test results"));
    m_table->setModel(m_model);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);  // uniform row heights
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    layout->addWidget(m_table, 1);

    connect(m_start, &QPushButton::clicked, this, &LoadTestPanel::start);
    connect(m_cancel, &QPushButton::clicked, this, &LoadTestPanel::cancel);
    connect(m_runner, &LoadTestRunner::progressed, this, [this](qint64 done, qint64 total) {
        m_progress->setValue(total > 0 ? int(100 * done / total) : 0);
    });
    connect(m_runner, &LoadTestRunner::finished, this, &LoadTestPanel::onFinished);
    reloadList();
}

LoadTestPanel::~LoadTestPanel() = default;

void LoadTestPanel::setEndpoint(const QString& url, int requests, int concurrency, int timeoutMs)
{
    m_url->setText(url);
    m_requests->setValue(requests);
    m_concurrency->setValue(concurrency);
    m_timeout->setValue(timeoutMs);
}

void LoadTestPanel::start()
{
    LoadTestConfig config;
    config.url = m_url->text().trimmed();
    config.requests = m_requests->value();
    config.concurrency = m_concurrency->value();
    config.timeout = std::chrono::milliseconds(m_timeout->value());
    if (auto valid = LoadTestEngine::validate(config); !valid) {
        m_summary->setText(valid.error().message);  // bad input: say so, keep the form as it is
        return;
    }
    if (!m_runner->start(config))
        return;
    m_start->setEnabled(false);
    m_cancel->setEnabled(true);
    m_summary->setText(tr("Running %1 requests, %2 at a time…").arg(config.requests).arg(config.concurrency));
}

void LoadTestPanel::cancel()
{
    m_runner->cancel();
}

bool LoadTestPanel::isRunning() const
{
    return m_runner->isRunning();
}

int LoadTestPanel::progressValue() const
{
    return m_progress->value();
}

int LoadTestPanel::listedResults() const
{
    return m_model->rowCount();
}

QString LoadTestPanel::summaryText() const
{
    return m_summary->text();
}

const StoredLoadTest* LoadTestPanel::listedResult(int row) const
{
    return m_model->at(row);
}

void LoadTestPanel::setRoleLevel(const QString& level)
{
    m_roleLevel = level;
    RoleGate::apply(m_start, m_roleLevel, RoleLevel::Operator, !isRunning());
}

void LoadTestPanel::onFinished(const Result<LoadTestResult>& result)
{
    RoleGate::apply(m_start, m_roleLevel, RoleLevel::Operator);
    m_cancel->setEnabled(false);
    emit runFinished();
    if (!result) {
        m_summary->setText(tr("The load test could not run: %1").arg(result.error().message));
        return;
    }
    const LoadTestResult& r = result.value();
    m_summary->setText(tr("%1%2: %3 of %4 succeeded (%5%), %6 req/s, p50 %7 ms, p95 %8 ms, p99 %9 ms; errors: %10")
                           .arg(r.url, r.cancelled ? tr(" (cancelled)") : QString())
                           .arg(r.succeeded).arg(r.completed).arg(r.successRate(), 0, 'f', 2)
                           .arg(r.throughput(), 0, 'f', 1).arg(r.p50Ms, 0, 'f', 1).arg(r.p95Ms, 0, 'f', 1).arg(r.p99Ms, 0, 'f', 1)
                           .arg(LoadTestResultModel::errorsText(r)));
    const qint64 project = m_project;
    m_pool.withClientAsync(QStringLiteral("loadtest.store"), [project, r](Connection& c) {
        return recordLoadTest(c, project, r);
    }).then(this, [this](Result<qint64> id) {
        if (!id) {
            m_summary->setText(m_summary->text() + tr("\nNot stored: %1").arg(id.error().toString()));
            return;
        }
        emit resultStored(id.value());
        reloadList();
    });
}

void LoadTestPanel::reloadList()
{
    const qint64 project = m_project;
    m_pool.withClientAsync(QStringLiteral("loadtest.list"), [project](Connection& c) {
        return listLoadTests(c, project);
    }, CallOptions::idempotentUnit()).then(this, [this](Result<std::vector<StoredLoadTest>> list) {
        if (!list) {
            m_summary->setText(tr("Could not list load tests: %1").arg(list.error().toString()));
            return;
        }
        m_model->setResults(std::move(list.value()));
        emit listReloaded();
    });
}

} // namespace ops::widgets
