// SPDX-License-Identifier: MIT
#include "settings/DeployPage.h"

#include "settings/ProblemLabel.h"

#include "common/SecretStore.h"
#include "db/SettingsValidator.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QSettings>

namespace ops::widgets {

using ops::services::SettingsValidator;

namespace {
const QString kindKey = QStringLiteral("deploy/kind");
const QString urlKey = QStringLiteral("deploy/url");
const QString projectKey = QStringLiteral("deploy/projectId");
const QString commandKey = QStringLiteral("deploy/commandRollback");  // read by the Deployments tab
const QString tokenSecret = QStringLiteral("deploy/default");
} // namespace

DeployPage::DeployPage(QSettings& settings, ops::services::SecretStore& secrets, QWidget* parent)
    : SettingsPage(parent), m_settings(settings), m_secrets(secrets)
{
    auto* form = new QFormLayout(this);
    m_kind = new QComboBox(this);
    m_kind->addItem(tr("Built-in demo platform"), QStringLiteral("demo"));
    m_kind->addItem(tr("HTTP provider (Vercel API)"), QStringLiteral("http"));
    m_kind->addItem(tr("Rollback command"), QStringLiteral("command"));
    m_url = new QLineEdit(this);
    m_url->setPlaceholderText(QStringLiteral("https://api.vercel.com"));
    m_project = new QLineEdit(this);
    m_command = new QLineEdit(this);
    m_command->setPlaceholderText(QStringLiteral("vercel rollback {deployment} --yes"));
    m_token = new QLineEdit(this);
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("unchanged (kept in the keyring, never in a file)"));
    m_problem = new ProblemLabel(this);
    form->addRow(tr("&Provider:"), m_kind);
    form->addRow(tr("&URL:"), m_url);
    form->addRow(tr("Project &id:"), m_project);
    form->addRow(tr("Rollback &command:"), m_command);
    form->addRow(tr("API &token:"), m_token);
    form->addRow(QString(), m_problem);
    auto* note = new QLabel(tr("OPS_DEPLOY_URL, OPS_DEPLOY_PROJECT and OPS_DEPLOY_TOKEN override these (for CI). "
                               "The Deployments tab picks changes up when it is rebuilt (switching project or restarting)."), this);
    note->setTextFormat(Qt::PlainText);
    note->setWordWrap(true);
    form->addRow(note);

    // Settings from before this page (deploy/commandRollback set by hand) mean the command provider.
    const QString savedKind = m_settings.value(kindKey, m_settings.contains(commandKey) ? QStringLiteral("command")
                                                                                         : QStringLiteral("demo")).toString();
    m_kind->setCurrentIndex(std::max(0, m_kind->findData(savedKind)));
    m_url->setText(m_settings.value(urlKey).toString());
    m_project->setText(m_settings.value(projectKey).toString());
    m_command->setText(m_settings.value(commandKey).toStringList().join(QLatin1Char(' ')));
    for (QLineEdit* edit : {m_url, m_project, m_command})
        connect(edit, &QLineEdit::textChanged, this, &DeployPage::revalidate);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &DeployPage::revalidate);
    revalidate();
}

void DeployPage::revalidate()
{
    const QString kind = m_kind->currentData().toString();
    m_url->setEnabled(kind == QLatin1String("http"));
    m_project->setEnabled(kind != QLatin1String("demo"));
    m_command->setEnabled(kind == QLatin1String("command"));
    m_token->setEnabled(kind != QLatin1String("demo"));
    m_problem->setProblem(SettingsValidator::deployProvider(kind, m_url->text(), m_project->text(), m_command->text()));
    emit validityChanged();
}

bool DeployPage::isValid() const
{
    return m_problem->problem().isEmpty();
}

void DeployPage::apply(std::function<void(const QString& error)> done)
{
    const QString kind = m_kind->currentData().toString();
    m_settings.setValue(kindKey, kind);
    m_settings.setValue(urlKey, m_url->text().trimmed());
    m_settings.setValue(projectKey, m_project->text().trimmed());
    if (kind == QLatin1String("command"))
        m_settings.setValue(commandKey, QProcess::splitCommand(m_command->text()));
    else
        m_settings.remove(commandKey);  // its presence makes production use the command provider
    if (!m_token->text().isEmpty()) {
        m_secrets.store(tokenSecret, m_token->text().toUtf8(), nullptr);
        m_token->clear();
    }
    m_settings.sync();
    done(QString());
}

} // namespace ops::widgets
