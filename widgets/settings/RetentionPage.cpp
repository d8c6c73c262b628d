// SPDX-License-Identifier: MIT
#include "settings/RetentionPage.h"

#include "settings/ProblemLabel.h"

#include "db/Pool.h"
#include "db/Projects.h"
#include "db/SettingsValidator.h"

#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>

namespace ops::widgets {

using namespace ops::services;

RetentionPage::RetentionPage(Pool* pool, const QString& projectSlug, QWidget* parent)
    : SettingsPage(parent), m_pool(pool), m_projectSlug(projectSlug)
{
    auto* form = new QFormLayout(this);
    m_raw = new QSpinBox(this);
    m_rollup = new QSpinBox(this);
    for (QSpinBox* box : {m_raw, m_rollup}) {
        box->setRange(0, 99999);  // out-of-range values get a reason instead of being clamped silently
        box->setSuffix(tr(" days"));
        box->setEnabled(false);   // until the current values are read
        connect(box, &QSpinBox::valueChanged, this, &RetentionPage::revalidate);
    }
    m_problem = new ProblemLabel(this);
    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    form->addRow(tr("Keep &raw samples:"), m_raw);
    form->addRow(tr("Keep &rollups (charts of long ranges):"), m_rollup);
    form->addRow(QString(), m_problem);
    form->addRow(m_status);
    if (!m_pool) {
        m_status->setText(tr("Retention is kept in the database: it can be changed once it is connected."));
        return;
    }
    m_status->setText(tr("Changing retention needs the admin role."));
    m_pool->withClientAsync(QStringLiteral("GET /settings/retention"), [slug = m_projectSlug](Connection& c)
                                -> Result<RetentionSettings> {
        auto project = projectIdBySlug(c, slug);
        if (!project)
            return project.error();
        return readRetention(c, *project);
    }).then(this, [this](Result<RetentionSettings> retention) {
        if (!retention) {
            m_status->setText(retention.error().message);
            return;
        }
        m_loaded = *retention;
        m_raw->setValue(retention->rawDays);
        m_rollup->setValue(retention->rollupDays);
        m_raw->setEnabled(true);
        m_rollup->setEnabled(true);
        emit retentionLoaded();
    });
}

void RetentionPage::revalidate()
{
    m_problem->setProblem(m_loaded ? SettingsValidator::retention(m_raw->value(), m_rollup->value()) : QString());
    emit validityChanged();
}

bool RetentionPage::isValid() const
{
    return m_problem->problem().isEmpty();
}

void RetentionPage::apply(std::function<void(const QString& error)> done)
{
    const RetentionSettings wanted{m_raw->value(), m_rollup->value()};
    if (!m_pool || !m_loaded || (wanted.rawDays == m_loaded->rawDays && wanted.rollupDays == m_loaded->rollupDays)) {
        done(QString());
        return;
    }
    m_pool->inTransactionAsync(QStringLiteral("PUT /settings/retention"), [slug = m_projectSlug, wanted](Connection& c) -> Result<void> {
        auto project = projectIdBySlug(c, slug);
        if (!project)
            return project.error();
        return saveRetention(c, *project, wanted);
    }).then(this, [this, wanted, done = std::move(done)](Result<void> saved) {
        if (!saved) {
            m_status->setText(saved.error().message);
            done(saved.error().message);
            return;
        }
        m_loaded = wanted;
        m_status->setText(tr("Retention saved."));
        done(QString());
    });
}

} // namespace ops::widgets
