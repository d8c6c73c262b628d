// SPDX-License-Identifier: MIT
#pragma once

// SandboxPanel: the Sandbox tab.
// - Filters (ViolationFilterBar: kind, severity, status, decision, time range, text), applied in
//   the database by the model, the charts and the export alike.
// - Events: the violations table (keyset pages, bounded memory, new rows on top via LISTEN
//   ops_sandbox without moving what the user looks at) and a detail pane with the raw event and
//   the rule that explains it (from the source, and from the loaded settings file), as plain text.
// - Bulk acknowledge / resolve (ops.set_violation_status: needs ops_operator, audited); for a
//   viewer the buttons are disabled and say why.
// - Policy: load the sandbox settings file; "Propose allow..." shows the change as a diff to copy
//   or save under a new name (never an edit of the file).
// - Export of the current filter to CSV, page by page, off the GUI thread.
// - Follow a log file live (ViolationTailWatcher); followed files are remembered and resumed after
//   a restart from the stored position (exactly once).
// - Charts and the Day 1 isolation check in their own sub-tabs.

#include "common/Result.h"
#include "db/ConnectionOptions.h"
#include "db/Pool.h"
#include "sandbox/SandboxPolicy.h"

#include <QFuture>
#include <QWidget>

#include <atomic>
#include <memory>
#include <optional>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTableView;

namespace ops::services {
class Listener;
namespace sandbox {
class ViolationTailWatcher;
}
} // namespace ops::services

namespace ops::widgets {

class IsolationCheckView;
class OperationProgress;
class ViolationChartsView;
class ViolationFilterBar;
class ViolationTableModel;

class SandboxPanel final : public QWidget {
    Q_OBJECT
public:
    SandboxPanel(ops::services::Pool* pool, ops::services::ConnectionOptions directOptions,
                 QString projectSlug = QStringLiteral("demo"), QWidget* parent = nullptr);
    ~SandboxPanel() override;

    ViolationTableModel* model() const { return m_model; }
    ViolationFilterBar* filterBar() const { return m_filters; }
    QTableView* table() const { return m_table; }
    ViolationChartsView* charts() const { return m_charts; }
    IsolationCheckView* isolationCheck() const { return m_isolation; }
    QPushButton* acknowledgeButton() const { return m_acknowledge; }
    QPushButton* resolveButton() const { return m_resolve; }
    OperationProgress* exportProgress() const { return m_exportProgress; }
    QString detailText() const;
    QString messageText() const;
    QString roleLevel() const { return m_roleLevel; }
    int newSinceViewed() const { return m_newSinceViewed; }

    // The actions behind the buttons, without their file dialogs (for tests and the menu).
    void loadPolicy(const QString& path);
    bool hasPolicy() const { return m_policy.has_value(); }
    // The proposed change that would allow the current row, or nullopt without policy / row.
    std::optional<ops::services::sandbox::PolicyChange> proposalForCurrentRow() const;
    void exportCsv(const QString& path);
    void followFile(const QString& path);
    QStringList followedFiles() const;
    void setStatusOfSelection(const QString& status);

public slots:
    // Reads the violations (and the visible chart or check) again with the current filter (F5).
    void refresh();

signals:
    void newSinceViewedChanged(int count);
    void policyLoaded();
    void exportFinished(bool ok);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void start(qint64 projectId, const QString& roleLevel);
    void applyFilter();
    void showDetail();
    void refreshVisibleSubTab();
    void rememberFollowedFiles();

    ops::services::Pool* m_pool;
    ops::services::ConnectionOptions m_directOptions;
    QString m_projectSlug;
    qint64 m_projectId = 0;
    QString m_roleLevel;
    ViolationTableModel* m_model = nullptr;
    ops::services::Listener* m_listener = nullptr;
    ops::services::sandbox::ViolationTailWatcher* m_watcher = nullptr;
    ViolationFilterBar* m_filters = nullptr;
    QTabWidget* m_views = nullptr;
    QTableView* m_table = nullptr;
    QPlainTextEdit* m_detail = nullptr;
    ViolationChartsView* m_charts = nullptr;
    IsolationCheckView* m_isolation = nullptr;
    QPushButton* m_acknowledge = nullptr;
    QPushButton* m_resolve = nullptr;
    QPushButton* m_follow = nullptr;
    QPushButton* m_unfollow = nullptr;
    QPushButton* m_propose = nullptr;
    QLabel* m_followedLabel = nullptr;
    QLabel* m_message = nullptr;
    OperationProgress* m_exportProgress = nullptr;  // the CSV export's bar and Cancel
    std::optional<ops::services::sandbox::SandboxPolicy> m_policy;
    QString m_policyPath;
    std::shared_ptr<std::atomic_bool> m_exportCancel = std::make_shared<std::atomic_bool>(false);
    QFuture<ops::services::Result<qint64>> m_export;  // the export's work, waited for on destruction
    int m_newSinceViewed = 0;
};

} // namespace ops::widgets
