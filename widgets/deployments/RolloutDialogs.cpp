// SPDX-License-Identifier: MIT
#include "deployments/RolloutDialogs.h"

#include <QCheckBox>
#include <QCoreApplication>
#include <QDateTimeEdit>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace ops::widgets {

using namespace ops::services;

namespace {

QLabel* plainLabel(const QString& text, QWidget* parent, const QString& style = {})
{
    auto* label = new QLabel(text, parent);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    if (!style.isEmpty())
        label->setStyleSheet(style);
    return label;
}

} // namespace

bool confirmRollout(QWidget* parent, const RolloutPlan& plan, bool mayOverrideGate, QString* reason, QString* gateOverride)
{
    QDialog dialog(parent);
    dialog.setWindowTitle(plan.sentence());
    auto* form = new QFormLayout(&dialog);
    form->addRow(plainLabel(plan.sentence() + QLatin1Char('?'), &dialog, QStringLiteral("font-weight: bold")));
    if (!plan.migrationWarning.isEmpty())
        form->addRow(plainLabel(QCoreApplication::translate("RolloutDialogs", "Warning: %1").arg(plan.migrationWarning), &dialog, QStringLiteral("color: #b00020")));
    auto* reasonEdit = new QLineEdit(&dialog);
    reasonEdit->setPlaceholderText(QCoreApplication::translate("RolloutDialogs", "optional; sent to the provider and recorded"));
    form->addRow(QCoreApplication::translate("RolloutDialogs", "&Reason:"), reasonEdit);
    QLineEdit* overrideEdit = nullptr;
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    if (!plan.gateBlock.isEmpty()) {
        form->addRow(plainLabel(QCoreApplication::translate("RolloutDialogs", "The promotion gate refuses: %1.").arg(plan.gateBlock), &dialog,
                                QStringLiteral("color: #b00020")));
        if (mayOverrideGate) {
            overrideEdit = new QLineEdit(&dialog);
            overrideEdit->setPlaceholderText(QCoreApplication::translate("RolloutDialogs", "required to override; recorded and audited"));
            form->addRow(QCoreApplication::translate("RolloutDialogs", "&Override because:"), overrideEdit);
            buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
            QObject::connect(overrideEdit, &QLineEdit::textChanged, buttons, [buttons](const QString& text) {
                buttons->button(QDialogButtonBox::Ok)->setEnabled(!text.trimmed().isEmpty());
            });
        } else {
            form->addRow(plainLabel(QCoreApplication::translate("RolloutDialogs", "Only an approver may override it: the database will refuse this promotion."), &dialog));
        }
    }
    form->addRow(buttons);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    *reason = reasonEdit->text().trimmed();
    *gateOverride = overrideEdit ? overrideEdit->text().trimmed() : QString();
    return true;
}

bool askLock(QWidget* parent, const QString& environment, QString* reason, QDateTime* until)
{
    QDialog dialog(parent);
    dialog.setWindowTitle(QCoreApplication::translate("RolloutDialogs", "Lock %1").arg(environment));
    auto* form = new QFormLayout(&dialog);
    form->addRow(plainLabel(QCoreApplication::translate("RolloutDialogs", "A locked %1 refuses deploys and promotions; a rollback is always allowed.").arg(environment), &dialog));
    auto* reasonEdit = new QLineEdit(&dialog);
    reasonEdit->setPlaceholderText(QCoreApplication::translate("RolloutDialogs", "required: why (everyone sees it)"));
    form->addRow(QCoreApplication::translate("RolloutDialogs", "&Why:"), reasonEdit);
    auto* hasEnd = new QCheckBox(QCoreApplication::translate("RolloutDialogs", "&Until"), &dialog);
    auto* end = new QDateTimeEdit(QDateTime::currentDateTimeUtc().addSecs(2 * 3600), &dialog);
    end->setTimeSpec(Qt::UTC);
    end->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
    end->setEnabled(false);
    end->setAccessibleName(QCoreApplication::translate("RolloutDialogs", "Locked until"));
    QObject::connect(hasEnd, &QCheckBox::toggled, end, &QWidget::setEnabled);
    form->addRow(hasEnd, end);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    QObject::connect(reasonEdit, &QLineEdit::textChanged, buttons, [buttons](const QString& text) {
        buttons->button(QDialogButtonBox::Ok)->setEnabled(!text.trimmed().isEmpty());
    });
    form->addRow(buttons);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    *reason = reasonEdit->text().trimmed();
    *until = hasEnd->isChecked() ? end->dateTime() : QDateTime();
    return true;
}

} // namespace ops::widgets
