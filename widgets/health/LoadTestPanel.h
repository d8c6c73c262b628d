// SPDX-License-Identifier: MIT
#pragma once

// LoadTestPanel: the load-test section of the Health tab. Endpoint, requests, concurrency and
// timeout; Start runs LoadTestEngine through LoadTestRunner (off the GUI thread) with a progress
// bar and Cancel; the result is stored through the pool (ops.record_load_test) and the project's
// stored results are listed, newest first. Store or list failures show inline (plain text).

#include "db/Pool.h"
#include "health/LoadTestStore.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;

namespace ops::services {
class LoadTestRunner;
}

namespace ops::widgets {

class LoadTestResultModel;

class LoadTestPanel final : public QWidget {
    Q_OBJECT
public:
    LoadTestPanel(ops::services::Pool& pool, qint64 projectId, QWidget* parent = nullptr);
    ~LoadTestPanel() override;

    // For tests and the tab: the form's fields.
    void setEndpoint(const QString& url, int requests, int concurrency, int timeoutMs = 10000);
    void start();
    void cancel();
    // The connected role (ops.current_role_level()): results are stored as an operator's change,
    // so Start needs ops_operator (RoleGate says why otherwise).
    void setRoleLevel(const QString& level);
    bool isRunning() const;
    int progressValue() const;
    int listedResults() const;
    QString summaryText() const;
    const ops::services::StoredLoadTest* listedResult(int row) const;

signals:
    void resultStored(qint64 id);
    void listReloaded();
    void runFinished();

private:
    void onFinished(const ops::services::Result<ops::services::LoadTestResult>& result);
    void reloadList();

    ops::services::Pool& m_pool;
    qint64 m_project;
    ops::services::LoadTestRunner* m_runner = nullptr;
    QLineEdit* m_url = nullptr;
    QSpinBox* m_requests = nullptr;
    QSpinBox* m_concurrency = nullptr;
    QSpinBox* m_timeout = nullptr;
    QPushButton* m_start = nullptr;
    QString m_roleLevel = QStringLiteral("admin");  // until told: the database refuses what the role may not do
    QPushButton* m_cancel = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_summary = nullptr;
    QTableView* m_table = nullptr;
    LoadTestResultModel* m_model = nullptr;
};

} // namespace ops::widgets
