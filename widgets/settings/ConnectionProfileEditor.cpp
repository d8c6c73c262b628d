// SPDX-License-Identifier: MIT
#include "settings/ConnectionProfileEditor.h"

#include "settings/ProblemLabel.h"

#include "db/ConnectionTest.h"
#include "db/SettingsValidator.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace ops::widgets {

using ops::services::ConnectionFields;
using ops::services::SettingsValidator;

namespace {
constexpr std::chrono::seconds kTestTimeout{5};
}

ConnectionProfileEditor::ConnectionProfileEditor(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QFormLayout(this);
    layout->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);

    m_name = new QLineEdit(this);
    m_name->setPlaceholderText(tr("production"));
    m_nameProblem = new ProblemLabel(this);
    layout->addRow(tr("Profile &name:"), m_name);
    layout->addRow(QString(), m_nameProblem);

    m_fieldsMode = new QRadioButton(tr("Server &fields"), this);
    m_rawMode = new QRadioButton(tr("Connection &string"), this);
    m_fieldsMode->setChecked(true);
    auto* modes = new QButtonGroup(this);
    modes->addButton(m_fieldsMode);
    modes->addButton(m_rawMode);
    auto* modeRow = new QHBoxLayout;
    modeRow->addWidget(m_fieldsMode);
    modeRow->addWidget(m_rawMode);
    modeRow->addStretch();
    layout->addRow(tr("Enter as:"), modeRow);

    m_fieldsBox = new QGroupBox(this);
    auto* fields = new QFormLayout(m_fieldsBox);
    m_host = new QLineEdit(m_fieldsBox);
    m_host->setPlaceholderText(tr("db.example.com (empty: the local socket)"));
    m_port = new QLineEdit(m_fieldsBox);
    m_port->setPlaceholderText(QStringLiteral("5432"));
    m_portProblem = new ProblemLabel(m_fieldsBox);
    m_database = new QLineEdit(m_fieldsBox);
    m_database->setPlaceholderText(QStringLiteral("ops"));
    m_databaseProblem = new ProblemLabel(m_fieldsBox);
    m_user = new QLineEdit(m_fieldsBox);
    fields->addRow(tr("&Host:"), m_host);
    fields->addRow(tr("&Port:"), m_port);
    fields->addRow(QString(), m_portProblem);
    fields->addRow(tr("&Database:"), m_database);
    fields->addRow(QString(), m_databaseProblem);
    fields->addRow(tr("&User:"), m_user);
    layout->addRow(m_fieldsBox);

    m_raw = new QLineEdit(this);
    m_raw->setPlaceholderText(QStringLiteral("postgresql://ops@db.example.com:5432/ops"));
    m_raw->setAccessibleName(tr("Connection string"));
    m_rawProblem = new ProblemLabel(this);
    layout->addRow(tr("Connection string:"), m_raw);
    layout->addRow(QString(), m_rawProblem);

    m_sslMode = new QComboBox(this);
    for (const char* mode : {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})
        m_sslMode->addItem(QString::fromLatin1(mode));
    m_sslMode->setCurrentText(SettingsValidator::defaultSslMode(QString()));
    layout->addRow(tr("TLS (ss&lmode):"), m_sslMode);
    m_caFile = new QLineEdit(this);
    m_caFile->setPlaceholderText(tr("CA certificate (PEM) that signed the server's certificate"));
    m_caFile->setAccessibleName(tr("CA file"));
    auto* browse = new QPushButton(tr("&Browse…"), this);
    auto* caRow = new QHBoxLayout;
    caRow->addWidget(m_caFile);
    caRow->addWidget(browse);
    layout->addRow(tr("CA file:"), caRow);
    m_tlsProblem = new ProblemLabel(this);
    layout->addRow(QString(), m_tlsProblem);

    m_password = new QLineEdit(this);
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("kept in the keyring, never in a file"));
    layout->addRow(tr("Pass&word:"), m_password);

    m_test = new QPushButton(tr("&Test connection"), this);
    m_testResult = new QLabel(this);
    m_testResult->setTextFormat(Qt::PlainText);  // server and libpq messages are outside text
    m_testResult->setWordWrap(true);
    auto* testRow = new QHBoxLayout;
    testRow->addWidget(m_test);
    testRow->addWidget(m_testResult, 1);
    layout->addRow(testRow);

    for (QLineEdit* edit : {m_name, m_host, m_port, m_database, m_user, m_raw, m_caFile, m_password})
        connect(edit, &QLineEdit::textChanged, this, &ConnectionProfileEditor::revalidate);
    connect(m_host, &QLineEdit::textChanged, this, &ConnectionProfileEditor::hostChanged);
    // activated: only the user's pick stops the host from choosing the default.
    connect(m_sslMode, &QComboBox::activated, this, [this] { m_sslModeChosen = true; });
    connect(m_sslMode, &QComboBox::currentTextChanged, this, &ConnectionProfileEditor::revalidate);
    connect(m_fieldsMode, &QRadioButton::toggled, this, &ConnectionProfileEditor::revalidate);
    connect(browse, &QPushButton::clicked, this, &ConnectionProfileEditor::chooseCaFile);
    connect(m_test, &QPushButton::clicked, this, &ConnectionProfileEditor::testConnection);
    connect(&m_testWatcher, &QFutureWatcherBase::finished, this, [this] {
        const auto result = m_testWatcher.result();
        m_test->setEnabled(m_valid);
        const QString message = result ? tr("Connected: %1").arg(result.value()) : tr("Failed: %1").arg(result.error().message);
        m_testResult->setText(message);
        emit connectionTested(result.ok(), message);
    });
    revalidate();
}

// A test still running is not waited for: its worker holds only copied values, and the watcher
// going away just drops the result.
ConnectionProfileEditor::~ConnectionProfileEditor() = default;

void ConnectionProfileEditor::setProfile(const QString& name, const QString& connectionString)
{
    m_name->setText(name);
    m_fieldsMode->setChecked(connectionString.isEmpty());
    m_rawMode->setChecked(!connectionString.isEmpty());
    m_raw->setText(connectionString.isEmpty() ? QString() : SettingsValidator::withTls(connectionString, QString(), QString()));
    const QString sslMode = SettingsValidator::keywordValue(connectionString, QStringLiteral("sslmode"));
    m_sslModeChosen = !sslMode.isEmpty();
    m_sslMode->setCurrentText(sslMode.isEmpty() ? SettingsValidator::defaultSslMode(QString()) : sslMode);
    m_caFile->setText(SettingsValidator::keywordValue(connectionString, QStringLiteral("sslrootcert")));
    m_password->clear();
    m_testResult->clear();
    revalidate();
}

QString ConnectionProfileEditor::profileName() const
{
    return m_name->text().trimmed();
}

QString ConnectionProfileEditor::baseConnectionString() const
{
    if (m_rawMode->isChecked())
        return m_raw->text().trimmed();
    return SettingsValidator::connectionStringFor(ConnectionFields{m_host->text(), m_port->text(), m_database->text(), m_user->text()});
}

QString ConnectionProfileEditor::connectionString() const
{
    return SettingsValidator::withTls(baseConnectionString(), m_sslMode->currentText(), m_caFile->text());
}

QByteArray ConnectionProfileEditor::password() const
{
    return m_password->text().toUtf8();
}

void ConnectionProfileEditor::clearPassword()
{
    m_password->clear();
}

bool ConnectionProfileEditor::isValid() const
{
    return m_valid;
}

QString ConnectionProfileEditor::problems() const
{
    QStringList lines;
    for (ProblemLabel* label : {m_nameProblem, m_portProblem, m_databaseProblem, m_rawProblem, m_tlsProblem}) {
        if (!label->problem().isEmpty())
            lines << label->problem();
    }
    return lines.join(QLatin1Char('\n'));
}

void ConnectionProfileEditor::hostChanged()
{
    // Until the user picks a mode: verify-full for a remote server, prefer for a local one.
    if (!m_sslModeChosen)
        m_sslMode->setCurrentText(SettingsValidator::defaultSslMode(m_host->text().trimmed()));
}

void ConnectionProfileEditor::revalidate()
{
    const bool raw = m_rawMode->isChecked();
    m_fieldsBox->setEnabled(!raw);
    m_raw->setEnabled(raw);

    m_nameProblem->setProblem(SettingsValidator::profileName(m_name->text()));
    if (raw) {
        m_portProblem->setProblem(QString());
        m_databaseProblem->setProblem(QString());
        m_rawProblem->setProblem(SettingsValidator::connectionString(m_raw->text()));
    } else {
        m_rawProblem->setProblem(QString());
        m_portProblem->setProblem(SettingsValidator::port(m_port->text()));
        const ConnectionFields fields{m_host->text(), m_port->text(), m_database->text(), m_user->text()};
        m_databaseProblem->setProblem(m_portProblem->problem().isEmpty() ? SettingsValidator::fields(fields) : QString());
    }
    const QString host = raw ? SettingsValidator::keywordValue(m_raw->text(), QStringLiteral("host")) : m_host->text();
    m_tlsProblem->setProblem(SettingsValidator::tls(m_sslMode->currentText(), m_caFile->text(), host));

    const bool valid = problems().isEmpty();
    m_test->setEnabled(valid && !m_testWatcher.isRunning());
    if (valid != m_valid) {
        m_valid = valid;
        emit validityChanged(valid);
    }
    emit edited();
}

void ConnectionProfileEditor::chooseCaFile()
{
    const QString file = QFileDialog::getOpenFileName(this, tr("CA certificate"), QString(),
                                                      tr("Certificates (*.crt *.pem *.cer);;All files (*)"));
    if (!file.isEmpty())
        m_caFile->setText(file);
}

void ConnectionProfileEditor::testConnection()
{
    if (!m_valid || m_testWatcher.isRunning())
        return;
    m_test->setEnabled(false);
    m_testResult->setText(tr("Connecting…"));
    // Values only cross to the worker: the string and the password, never a widget.
    m_testWatcher.setFuture(QtConcurrent::run([connection = connectionString(), password = password()] {
        return ops::services::testConnection(connection, password, kTestTimeout);
    }));
}

QString ConnectionProfileEditor::testResult() const
{
    return m_testResult->text();
}

} // namespace ops::widgets
