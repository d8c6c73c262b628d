// SPDX-License-Identifier: MIT
#include "MainWindow.h"

#include "DesktopActions.h"

#include "common/PlaceholderPanel.h"
#include "common/PlainToolTip.h"
#include "common/RoleGate.h"

#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QToolBar>
#include <QDir>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>

#include <iterator>
#include <QStatusBar>
#include <QTabWidget>

namespace ops::app {

using ops::widgets::PlaceholderPanel;

void MainWindow::setPanel(Tab tab, QWidget* panel)
{
    const int index = int(tab);
    const QString title = m_tabs->tabText(index);
    const bool wasCurrent = m_tabs->currentIndex() == index;
    QWidget* placeholder = m_tabs->widget(index);
    m_tabs->removeTab(index);
    m_tabs->insertTab(index, panel, title);
    if (wasCurrent)
        m_tabs->setCurrentIndex(index);
    delete placeholder;
}

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Ops Console"));
    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(new PlaceholderPanel(tr("Live health"),
                                        tr("p95 latency, throughput, success and error rate, circuit-breaker state and "
                                           "uptime from the platform's health endpoints, the database's statistics and "
                                           "the console's own connection pool.")),
                   tr("Health"));
    m_tabs->addTab(new PlaceholderPanel(tr("Sandbox violations"),
                                        tr("What the coding agents' sandbox blocked: files read outside the project, "
                                           "hosts outside the allow-list, secrets such as .env.local. Live, searchable "
                                           "and triaged.")),
                   tr("Sandbox"));
    m_tabs->addTab(new PlaceholderPanel(tr("Deployments"),
                                        tr("Every deployment per environment, and a one-click rollback to the last "
                                           "known-good one: safe when two operators click at once, verified by health "
                                           "checks, audited.")),
                   tr("Deployments"));
    m_tabs->addTab(new PlaceholderPanel(tr("Standup and checkpoints"),
                                        tr("The plan's days, tasks and owners; yesterday / today / blockers with P0-P2 "
                                           "escalation; Go/No-Go checkpoints evaluated from live metrics and signed.")),
                   tr("Standup"));
    setCentralWidget(m_tabs);

    m_databaseLabel = new QLabel(tr("Starting the database…"), this);
    m_databaseLabel->setTextFormat(Qt::PlainText);
    m_databaseLabel->setObjectName(QStringLiteral("databaseStatus"));
    statusBar()->addWidget(m_databaseLabel, 1);
    m_transportLabel = new QLabel(this);
    m_transportLabel->setTextFormat(Qt::PlainText);  // the host name comes from the settings
    m_transportLabel->setObjectName(QStringLiteral("transportSecurity"));
    m_transportLabel->hide();
    statusBar()->addPermanentWidget(m_transportLabel);
    m_poolLabel = new QLabel(this);
    m_poolLabel->setTextFormat(Qt::PlainText);
    m_poolLabel->setObjectName(QStringLiteral("poolStatus"));
    statusBar()->addPermanentWidget(m_poolLabel);
    m_identityLabel = new QLabel(tr("Not connected"), this);
    m_identityLabel->setTextFormat(Qt::PlainText);  // role names come from the server
    m_identityLabel->setObjectName(QStringLiteral("loginIdentity"));
    statusBar()->addPermanentWidget(m_identityLabel);

    QToolBar* projectBar = addToolBar(tr("Project"));
    projectBar->setObjectName(QStringLiteral("projectBar"));
    projectBar->setMovable(false);
    auto* projectLabel = new QLabel(tr("Project: "), projectBar);
    projectLabel->setTextFormat(Qt::PlainText);
    projectBar->addWidget(projectLabel);
    m_projectSwitcher = new QComboBox(projectBar);
    m_projectSwitcher->setObjectName(QStringLiteral("projectSwitcher"));
    projectLabel->setBuddy(m_projectSwitcher);  // the label names it for screen readers
    m_projectSwitcher->setMinimumContentsLength(16);
    m_projectSwitcher->setEnabled(false);
    m_projectSwitcher->setToolTip(tr("Every tab shows the selected project; the list holds the projects you are a member of."));
    projectBar->addWidget(m_projectSwitcher);
    connect(m_projectSwitcher, &QComboBox::activated, this, [this](int index) {
        emit projectSelected(m_projectSwitcher->itemData(index).toString());
    });

    createMenus();

    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1200, 780);
    new DesktopActions(*this);  // shortcuts, themes, remembered layout, tray: after the menus and tabs exist
}

void MainWindow::createMenus()
{
    QMenu* fileMenu = menuBar()->addMenu(tr("&File"));
    QAction* settingsAction = fileMenu->addAction(tr("&Settings…"), QKeySequence(tr("Ctrl+,")), this, &MainWindow::settingsRequested);
    settingsAction->setObjectName(QStringLiteral("settings"));
    QAction* quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* projectsMenu = menuBar()->addMenu(tr("&Projects"));
    m_manageProjects = projectsMenu->addAction(tr("&Manage projects and members…"), this, &MainWindow::manageProjectsRequested);
    m_manageProjects->setObjectName(QStringLiteral("manageProjects"));
    ops::widgets::RoleGate::apply(m_manageProjects, QString(), ops::widgets::RoleLevel::Admin);

    QMenu* helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->setObjectName(QStringLiteral("helpMenu"));
    helpMenu->addAction(tr("&About Ops Console"), this, [this] {
        QMessageBox box(this);
        box.setWindowTitle(tr("About Ops Console"));
        box.setTextFormat(Qt::PlainText);
        box.setText(tr("Ops Console %1\nHealth, sandbox violations, deployments and standup for a web platform "
                       "on PostgreSQL.\n\nQt %2, libpq.")
                        .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion())));
        box.exec();
    });
}

void MainWindow::showLoginIdentity(const QString& role, const QString& level)
{
    m_identityLabel->setText(tr("Connected as %1 · %2").arg(role, level));
    m_identityLabel->setToolTip(level == QLatin1String("none")
                                    ? tr("%1 holds no console role: an administrator can GRANT ops_viewer (or higher) to it.").arg(role)
                                    : tr("PostgreSQL login role %1, console level %2 (ops.current_role_level()).").arg(role, level));
    ops::widgets::RoleGate::apply(m_manageProjects, level, ops::widgets::RoleLevel::Admin);
}

QString MainWindow::loginIdentityText() const
{
    return m_identityLabel->text();
}

void MainWindow::setProjects(const QList<QPair<QString, QString>>& projects, const QString& current)
{
    const QSignalBlocker quiet(m_projectSwitcher);
    m_projectSwitcher->clear();
    for (const auto& [slug, name] : projects)
        m_projectSwitcher->addItem(name == slug ? slug : QStringLiteral("%1 (%2)").arg(name, slug), slug);
    m_projectSwitcher->setCurrentIndex(m_projectSwitcher->findData(current));
    m_projectSwitcher->setEnabled(!projects.isEmpty());
}

QString MainWindow::databaseStatusText() const
{
    return m_databaseLabel->text();
}

QString MainWindow::poolStatusText() const
{
    return m_poolLabel->text();
}

void MainWindow::showPoolMetrics(const ops::services::PoolMetrics& metrics)
{
    using ops::services::CircuitState;
    m_poolLabel->setText(tr("Pool %1 · %2/%3 in use · %4 waiting")
                             .arg(ops::services::circuitStateName(metrics.circuit.state))
                             .arg(metrics.inUse)
                             .arg(metrics.maxSize)
                             .arg(metrics.waiting));
    const bool healthy = metrics.circuit.state == CircuitState::Closed || metrics.circuit.state == CircuitState::Disabled;
    m_poolLabel->setStyleSheet(healthy ? QString() : QStringLiteral("color: #b00020; font-weight: bold;"));
    m_poolLabel->setToolTip(tr("p95 query %1 ms · p95 acquire %2 ms · %3 calls · %4 failures · %5 retries")
                                .arg(metrics.queryLatency.p95Ms, 0, 'f', 1)
                                .arg(metrics.acquireWait.p95Ms, 0, 'f', 1)
                                .arg(metrics.calls)
                                .arg(metrics.failures)
                                .arg(metrics.retries));
}

void MainWindow::showDatabaseReady(const ops::services::DatabaseStatus& status)
{
    m_databaseLabel->setStyleSheet(QString());
    m_databaseLabel->setText(status.summary());
    showTransportSecurity(status);
}

QString MainWindow::transportSecurityText() const
{
    return m_transportLabel->text();
}

void MainWindow::showTransportSecurity(const ops::services::DatabaseStatus& status)
{
    using ops::services::TransportSecurity;
    const QString protocol = status.tls.protocol;
    const QString cipher = status.tls.cipher;
    QString text;
    QString toolTip;
    QString style;
    switch (status.transport) {
    case TransportSecurity::Local:
        break;  // nothing crosses the network: no note
    case TransportSecurity::Verified:
        text = tr("TLS %1 · server verified").arg(protocol);
        toolTip = tr("Encrypted with %1 (%2). The server's certificate and host name were verified (sslmode=verify-full).")
                      .arg(protocol, cipher);
        style = QStringLiteral("color: #1b5e20;");
        break;
    case TransportSecurity::HostNotVerified:
        text = tr("TLS %1 · host name not verified").arg(protocol);
        toolTip = tr("Encrypted with %1 (%2), and the certificate is signed by your CA, but its host name is not checked "
                     "(sslmode=verify-ca): any server with a certificate from that CA could stand in. Set "
                     "sslmode=verify-full.").arg(protocol, cipher);
        style = QStringLiteral("color: #8a5a00;");
        break;
    case TransportSecurity::NotVerified:
        text = tr("TLS %1 · server not verified").arg(protocol);
        toolTip = tr("Encrypted with %1 (%2), but the server's certificate is not checked: a machine in the middle could "
                     "impersonate it. Set sslmode=verify-full and a CA file.").arg(protocol, cipher);
        style = QStringLiteral("color: #8a5a00;");
        break;
    case TransportSecurity::Cleartext:
        text = tr("Connected to %1 without TLS: passwords and data cross the network in clear; set sslmode=verify-full")
                   .arg(status.host);
        toolTip = tr("The database is on another machine and this connection is not encrypted. Set sslmode=verify-full "
                     "and the server's CA file in the connection settings.");
        style = QStringLiteral("color: #b00020; font-weight: bold;");
        break;
    }
    m_transportLabel->setText(text);
    m_transportLabel->setToolTip(ops::widgets::plainToolTip(toolTip));
    m_transportLabel->setStyleSheet(style);
    m_transportLabel->setVisible(!text.isEmpty());
}

void MainWindow::showDatabaseFailed(const ops::services::Error& error)
{
    m_databaseLabel->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_databaseLabel->setText(tr("Database unavailable: %1").arg(error.message));
    m_databaseLabel->setToolTip(ops::widgets::plainToolTip(error.detail));  // the server's words
}

ops::services::Result<QStringList> MainWindow::saveScreenshots(const QString& directory)
{
    using ops::services::Error;
    using ops::services::ErrorKind;
    if (!QDir().mkpath(directory))
        return Error::make(ErrorKind::Io, tr("cannot create %1").arg(directory));
    QStringList written;
    const int current = m_tabs->currentIndex();
    // Fixed file names in Tab order: a tab's text is translated and carries counts ("Sandbox (3 new)").
    static const char* const fileNames[] = {"health", "sandbox", "deployments", "standup"};
    for (int index = 0; index < m_tabs->count() && index < int(std::size(fileNames)); ++index) {
        m_tabs->setCurrentIndex(index);
        const QString file = QDir(directory).filePath(QLatin1String(fileNames[index]) + QStringLiteral(".png"));
        if (!grab().save(file))
            return Error::make(ErrorKind::Io, tr("cannot write %1").arg(file));
        written << file;
    }
    m_tabs->setCurrentIndex(current);
    return written;
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    event->accept();
}

} // namespace ops::app
