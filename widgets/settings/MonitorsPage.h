// SPDX-License-Identifier: MIT
#pragma once

// MonitorsPage: the current project's monitors (services/health/HealthSettings): pick one to edit,
// "New" for another, "Remove" to stop checking one (its history stays). The edited monitor is saved
// by the dialog's OK / Apply. Every database call runs on the pool's workers.

#include "settings/SettingsPage.h"

#include "health/HealthSettings.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace ops::services {
class Pool;
}

namespace ops::widgets {

class ProblemLabel;

class MonitorsPage final : public SettingsPage {
    Q_OBJECT
public:
    // No pool (the database is not up): the page says so and edits nothing.
    MonitorsPage(ops::services::Pool* pool, const QString& projectSlug, QWidget* parent = nullptr);

    QString title() const override { return tr("Monitors"); }
    bool isValid() const override;
    void apply(std::function<void(const QString& error)> done) override;

    // Re-reads the list (asynchronous; monitorsLoaded() when done).
    void reload();
    QListWidget* monitorList() const { return m_list; }
    QLineEdit* nameEdit() const { return m_name; }
    QLineEdit* urlEdit() const { return m_url; }
    QSpinBox* intervalBox() const { return m_interval; }
    QPushButton* removeButton() const { return m_remove; }
    QString status() const;

signals:
    void monitorsLoaded();

private:
    void showMonitor(int row);
    void revalidate();
    void removeCurrent();

    ops::services::Pool* m_pool = nullptr;
    QString m_projectSlug;
    std::vector<ops::services::MonitorSettings> m_monitors;
    ops::services::MonitorSettings m_editing;  // id 0: a new one
    QListWidget* m_list = nullptr;
    QLineEdit* m_name = nullptr;
    QComboBox* m_kind = nullptr;
    QLineEdit* m_url = nullptr;
    QSpinBox* m_interval = nullptr;
    ProblemLabel* m_nameProblem = nullptr;
    ProblemLabel* m_urlProblem = nullptr;
    ProblemLabel* m_intervalProblem = nullptr;
    QPushButton* m_remove = nullptr;
    QLabel* m_status = nullptr;
    bool m_edited = false;
    bool m_loading = false;
};

} // namespace ops::widgets
