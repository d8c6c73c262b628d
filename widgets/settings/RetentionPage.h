// SPDX-License-Identifier: MIT
#pragma once

// RetentionPage: how long the current project keeps raw health samples and rollups
// (ops.health_retention; ops.apply_health_retention prunes by it). Changing it needs ops_admin:
// the server's refusal is shown as it is.

#include "settings/SettingsPage.h"

#include "health/HealthSettings.h"

class QLabel;
class QSpinBox;

namespace ops::services {
class Pool;
}

namespace ops::widgets {

class ProblemLabel;

class RetentionPage final : public SettingsPage {
    Q_OBJECT
public:
    RetentionPage(ops::services::Pool* pool, const QString& projectSlug, QWidget* parent = nullptr);

    QString title() const override { return tr("Retention"); }
    bool isValid() const override;
    void apply(std::function<void(const QString& error)> done) override;

    QSpinBox* rawDaysBox() const { return m_raw; }
    QSpinBox* rollupDaysBox() const { return m_rollup; }
    bool hasLoaded() const { return m_loaded.has_value(); }

signals:
    void retentionLoaded();

private:
    void revalidate();

    ops::services::Pool* m_pool = nullptr;
    QString m_projectSlug;
    std::optional<ops::services::RetentionSettings> m_loaded;
    QSpinBox* m_raw = nullptr;
    QSpinBox* m_rollup = nullptr;
    ProblemLabel* m_problem = nullptr;
    QLabel* m_status = nullptr;
};

} // namespace ops::widgets
