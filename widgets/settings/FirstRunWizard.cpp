// SPDX-License-Identifier: MIT
#include "settings/FirstRunWizard.h"

#include "settings/ConnectionProfileEditor.h"
#include "settings/ProblemLabel.h"

#include "common/SecretStore.h"
#include "db/ConnectionProfiles.h"
#include "db/SettingsValidator.h"
#include "plan/PlanImporter.h"

#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <functional>

namespace ops::widgets {

using namespace ops::services;

namespace {

// A page whose Next/Finish button follows a condition the wizard re-checks as you type.
class CheckedPage final : public QWizardPage {
public:
    CheckedPage(std::function<bool()> complete, QWidget* parent = nullptr)
        : QWizardPage(parent), m_complete(std::move(complete))
    {
    }
    bool isComplete() const override { return m_complete(); }
    void recheck() { emit completeChanged(); }

private:
    std::function<bool()> m_complete;
};

QLabel* plainLabel(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    return label;
}

// Read and parse off the GUI thread: a plan file may be large, and the disk slow.
Result<plan::ImportResult> readPlan(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::make(ErrorKind::Io, QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    if (file.size() > plan::PlanImporter::kMaxBytes)
        return Error::make(ErrorKind::InvalidInput, QStringLiteral("%1 is larger than the 32 MB limit").arg(path));
    return plan::PlanImporter().import(file.readAll(), path);
}

} // namespace

FirstRunWizard::FirstRunWizard(QSettings& settings, SecretStore& secrets, QWidget* parent)
    : QWizard(parent), m_settings(settings), m_secrets(secrets)
{
    setWindowTitle(tr("Welcome to Ops Console"));
    setOption(QWizard::NoBackButtonOnStartPage);
    setButtonText(QWizard::CancelButton, tr("&Skip setup"));
    setPage(DatabasePage, createDatabasePage());
    setPage(HealthPage, createHealthPage());
    setPage(PlanPage, createPlanPage());
    setPage(FinishPage, createFinishPage());
    setStartId(DatabasePage);
    connect(&m_planWatcher, &QFutureWatcherBase::finished, this, [this] {
        if (m_planFile->text().trimmed() != m_planPath) {
            checkPlanFile();  // the path changed while the previous one was read
            return;
        }
        const auto result = m_planWatcher.result();
        m_checkedPlan.reset();
        if (!result) {
            m_planReport->clear();
            m_planProblem->setProblem(result.error().message);
        } else {
            m_planReport->setPlainText(result->report.toText());
            if (result->report.usable) {
                m_checkedPlan = result->plan;
                m_planProblem->setProblem(QString());
            } else {
                m_planProblem->setProblem(tr("Nothing usable in this file: it would not be imported."));
            }
        }
        static_cast<CheckedPage*>(page(PlanPage))->recheck();
        emit planChecked(m_checkedPlan.has_value());
    });
}

// A plan still being read is not waited for: the worker holds only the path it was given.
FirstRunWizard::~FirstRunWizard() = default;

QWizardPage* FirstRunWizard::createDatabasePage()
{
    auto* page = new CheckedPage([this] { return m_embedded->isChecked() || m_editor->isValid(); }, this);
    page->setTitle(tr("Database"));
    page->setSubTitle(tr("Where the console keeps monitors, deployments and plans."));
    auto* layout = new QVBoxLayout(page);
    m_embedded = new QRadioButton(tr("Use the &embedded database on this computer (recommended to start)"), page);
    m_existing = new QRadioButton(tr("Connect to an e&xisting PostgreSQL server"), page);
    m_embedded->setChecked(true);
    m_editor = new ConnectionProfileEditor(page);
    m_editor->setEnabled(false);
    m_editor->nameEdit()->setText(QStringLiteral("default"));
    layout->addWidget(m_embedded);
    layout->addWidget(m_existing);
    layout->addWidget(m_editor);
    connect(m_existing, &QRadioButton::toggled, this, [this, page](bool existing) {
        m_editor->setEnabled(existing);
        page->recheck();
    });
    connect(m_editor, &ConnectionProfileEditor::validityChanged, page, &CheckedPage::recheck);
    return page;
}

QWizardPage* FirstRunWizard::createHealthPage()
{
    auto* page = new CheckedPage([this] { return m_healthProblem->problem().isEmpty(); }, this);
    page->setTitle(tr("Platform health"));
    page->setSubTitle(tr("Optional: the URL of your platform's health endpoint, checked every minute."));
    auto* layout = new QVBoxLayout(page);
    m_healthUrl = new QLineEdit(page);
    m_healthUrl->setPlaceholderText(QStringLiteral("https://app.example.com/api/health"));
    m_healthUrl->setAccessibleName(tr("Health URL"));
    m_healthProblem = new ProblemLabel(page);
    layout->addWidget(m_healthUrl);
    layout->addWidget(m_healthProblem);
    layout->addStretch();
    connect(m_healthUrl, &QLineEdit::textChanged, this, [this, page](const QString& url) {
        m_healthProblem->setProblem(SettingsValidator::httpUrl(url, true));
        page->recheck();
    });
    return page;
}

QWizardPage* FirstRunWizard::createPlanPage()
{
    auto* page = new CheckedPage(
        [this] { return m_planFile->text().trimmed().isEmpty() || (!m_planWatcher.isRunning() && m_checkedPlan); }, this);
    page->setTitle(tr("Plan"));
    page->setSubTitle(tr("Optional: a team plan in Markdown (day-by-day or phase-based) for the Standup tab."));
    auto* layout = new QVBoxLayout(page);
    auto* row = new QHBoxLayout;
    m_planFile = new QLineEdit(page);
    m_planFile->setAccessibleName(tr("Plan file"));
    auto* browse = new QPushButton(tr("&Browse…"), page);
    row->addWidget(m_planFile);
    row->addWidget(browse);
    layout->addLayout(row);
    m_planProblem = new ProblemLabel(page);
    layout->addWidget(m_planProblem);
    layout->addWidget(plainLabel(tr("What the importer found:"), page));
    m_planReport = new QPlainTextEdit(page);
    m_planReport->setReadOnly(true);
    m_planReport->setAccessibleName(tr("Plan import report"));
    layout->addWidget(m_planReport);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Plan"), QString(), tr("Markdown (*.md *.markdown);;All files (*)"));
        if (!file.isEmpty())
            m_planFile->setText(file);
    });
    connect(m_planFile, &QLineEdit::textChanged, this, [this, page] {
        checkPlanFile();
        page->recheck();
    });
    return page;
}

QWizardPage* FirstRunWizard::createFinishPage()
{
    auto* page = new QWizardPage(this);
    page->setTitle(tr("Ready"));
    page->setFinalPage(true);
    auto* layout = new QVBoxLayout(page);
    auto* summaryLabel = plainLabel(QString(), page);
    layout->addWidget(summaryLabel);
    layout->addWidget(plainLabel(tr("Every choice can be changed later in File > Settings…"), page));
    layout->addStretch();
    connect(this, &QWizard::currentIdChanged, summaryLabel, [this, summaryLabel](int id) {
        if (id == FinishPage)
            summaryLabel->setText(summary());
    });
    return page;
}

void FirstRunWizard::checkPlanFile()
{
    m_checkedPlan.reset();
    m_planReport->clear();
    const QString path = m_planFile->text().trimmed();
    if (path.isEmpty() || !QFileInfo(path).isFile())
        m_planPath.clear();
    if (path.isEmpty()) {
        m_planProblem->setProblem(QString());
        return;
    }
    if (!QFileInfo(path).isFile()) {
        m_planProblem->setProblem(tr("No file at %1.").arg(path));
        return;
    }
    m_planProblem->setProblem(QString());
    m_planReport->setPlainText(tr("Reading…"));
    if (m_planWatcher.isRunning())
        return;  // the finished handler sees the new path and reads it then
    m_planPath = path;
    m_planWatcher.setFuture(QtConcurrent::run(readPlan, path));
}

QString FirstRunWizard::planReport() const
{
    return m_planReport->toPlainText();
}

QString FirstRunWizard::summary() const
{
    QStringList lines;
    lines << (m_existing->isChecked() ? tr("Database: %1 (profile \"%2\")").arg(m_editor->connectionString(), m_editor->profileName())
                                      : tr("Database: the embedded one on this computer"));
    if (!m_healthUrl->text().trimmed().isEmpty())
        lines << tr("Monitor: %1").arg(m_healthUrl->text().trimmed());
    if (m_checkedPlan)
        lines << tr("Plan: %1").arg(m_checkedPlan->title);
    return lines.join(QLatin1Char('\n'));
}

void FirstRunWizard::done(int result)
{
    ConnectionProfiles profiles(m_settings);
    if (result == QDialog::Accepted && m_existing->isChecked()) {
        const QString name = m_editor->profileName();
        // The editor only lets Finish through when valid, so save() refusing is a bug, not a user error.
        if (auto saved = profiles.save(name, m_editor->connectionString()); saved && profiles.setActive(name)) {
            m_connectionString = m_editor->connectionString();
            if (!m_editor->password().isEmpty())
                m_secrets.store(ConnectionProfiles::secretName(name), m_editor->password(), nullptr);
        }
    }
    m_editor->clearPassword();
    if (result == QDialog::Accepted) {
        m_choices.healthUrl = m_healthUrl->text().trimmed();
        m_choices.plan = m_checkedPlan;
    }
    profiles.markFirstRunCompleted();  // skipped or finished: never asked again
    m_settings.sync();
    QWizard::done(result);
}

} // namespace ops::widgets
