// SPDX-License-Identifier: MIT
#pragma once

// DeployPage: the deploy provider the Deployments tab uses: the built-in demo, an HTTP provider
// (Vercel's API shape: URL and project id) or a rollback command. Settings keys deploy/kind,
// deploy/url, deploy/projectId, deploy/commandRollback; the token goes to the SecretStore as
// "deploy/default". OPS_DEPLOY_URL / OPS_DEPLOY_PROJECT / OPS_DEPLOY_TOKEN still override (CI).

#include "settings/SettingsPage.h"

class QComboBox;
class QLineEdit;
class QSettings;

namespace ops::services {
class SecretStore;
}

namespace ops::widgets {

class ProblemLabel;

class DeployPage final : public SettingsPage {
    Q_OBJECT
public:
    DeployPage(QSettings& settings, ops::services::SecretStore& secrets, QWidget* parent = nullptr);

    QString title() const override { return tr("Deploy providers"); }
    bool isValid() const override;
    void apply(std::function<void(const QString& error)> done) override;

    QComboBox* kindBox() const { return m_kind; }
    QLineEdit* urlEdit() const { return m_url; }
    QLineEdit* projectEdit() const { return m_project; }
    QLineEdit* tokenEdit() const { return m_token; }

private:
    void revalidate();

    QSettings& m_settings;
    ops::services::SecretStore& m_secrets;
    QComboBox* m_kind = nullptr;
    QLineEdit* m_url = nullptr;
    QLineEdit* m_project = nullptr;
    QLineEdit* m_command = nullptr;
    QLineEdit* m_token = nullptr;
    ProblemLabel* m_problem = nullptr;
};

} // namespace ops::widgets
