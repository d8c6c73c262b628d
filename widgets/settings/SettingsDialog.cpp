// SPDX-License-Identifier: MIT
#include "settings/SettingsDialog.h"

#include "settings/ConnectionsPage.h"
#include "settings/DeployPage.h"
#include "settings/MonitorsPage.h"
#include "settings/ProblemLabel.h"
#include "settings/RetentionPage.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QCoreApplication>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

#include <memory>

namespace ops::widgets {

namespace {

// The thresholds already have an editor next to the charts they colour (Health tab > Thresholds):
// this page leads there instead of keeping a second one.
class ThresholdsPage final : public SettingsPage {
    // No Q_OBJECT (no signals of its own): its own translation context all the same.
    Q_DECLARE_TR_FUNCTIONS(ThresholdsPage)
public:
    explicit ThresholdsPage(SettingsDialog* dialog) : SettingsPage(dialog)
    {
        auto* layout = new QVBoxLayout(this);
        auto* text = new QLabel(tr("Thresholds (p95 latency, error rate, uptime, ...) are edited next to the charts "
                                   "they colour, in the Health tab's Thresholds view, per project."), this);
        text->setTextFormat(Qt::PlainText);
        text->setWordWrap(true);
        auto* open = new QPushButton(tr("Open the &threshold editor"), this);
        layout->addWidget(text);
        layout->addWidget(open);
        layout->addStretch();
        connect(open, &QPushButton::clicked, dialog, &SettingsDialog::thresholdsRequested);
    }
    QString title() const override { return tr("Thresholds"); }
    bool isValid() const override { return true; }
    void apply(std::function<void(const QString&)> done) override { done(QString()); }
};

} // namespace

SettingsDialog::SettingsDialog(QSettings& settings, ops::services::SecretStore& secrets, ops::services::Pool* pool,
                               const QString& projectSlug, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Settings"));
    auto* layout = new QVBoxLayout(this);
    auto* columns = new QHBoxLayout;
    m_navigation = new QListWidget(this);
    m_navigation->setAccessibleName(tr("Settings pages"));
    m_navigation->setMaximumWidth(200);
    m_stack = new QStackedWidget(this);
    columns->addWidget(m_navigation);
    columns->addWidget(m_stack, 1);
    layout->addLayout(columns);
    m_error = new ProblemLabel(this);
    layout->addWidget(m_error);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Apply | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_apply = buttons->button(QDialogButtonBox::Apply);
    layout->addWidget(buttons);

    m_connections = new ConnectionsPage(settings, secrets, this);
    m_monitors = new MonitorsPage(pool, projectSlug, this);
    m_deploy = new DeployPage(settings, secrets, this);
    m_retention = new RetentionPage(pool, projectSlug, this);
    m_pages = {m_connections, m_monitors, m_deploy, new ThresholdsPage(this), m_retention};
    for (SettingsPage* page : m_pages) {
        m_navigation->addItem(page->title());
        m_stack->addWidget(page);
        connect(page, &SettingsPage::validityChanged, this, &SettingsDialog::updateButtons);
    }
    connect(m_navigation, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);
    m_navigation->setCurrentRow(0);

    connect(buttons, &QDialogButtonBox::accepted, this, [this] { applyAll(true); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_apply, &QPushButton::clicked, this, [this] { applyAll(false); });
    updateButtons();
    resize(820, 560);
}

QString SettingsDialog::errorText() const
{
    return m_error->text();
}

void SettingsDialog::showPage(const QString& title)
{
    for (std::size_t i = 0; i < m_pages.size(); ++i) {
        if (m_pages[i]->title() == title)
            m_navigation->setCurrentRow(int(i));
    }
}

void SettingsDialog::updateButtons()
{
    bool valid = true;
    for (std::size_t i = 0; i < m_pages.size(); ++i) {
        // A page with a problem is marked in the list, so the reason is one click away.
        const bool pageValid = m_pages[i]->isValid();
        m_navigation->item(int(i))->setText(pageValid ? m_pages[i]->title() : tr("%1 (needs attention)").arg(m_pages[i]->title()));
        valid = valid && pageValid;
    }
    m_ok->setEnabled(valid && m_pending == 0);
    m_apply->setEnabled(valid && m_pending == 0);
}

void SettingsDialog::applyAll(bool closeWhenDone)
{
    if (m_pending > 0)
        return;
    m_error->setProblem(QString());
    m_pending = int(m_pages.size());
    updateButtons();
    auto errors = std::make_shared<QStringList>();
    for (SettingsPage* page : m_pages) {
        page->apply([this, page, errors, closeWhenDone](const QString& error) {
            if (!error.isEmpty())
                *errors << tr("%1: %2").arg(page->title(), error);
            if (--m_pending > 0)
                return;
            m_error->setProblem(errors->join(QLatin1Char('\n')));
            updateButtons();
            emit applied(errors->isEmpty());
            if (errors->isEmpty() && closeWhenDone)
                accept();
        });
    }
}

} // namespace ops::widgets
