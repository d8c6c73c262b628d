// SPDX-License-Identifier: MIT
#include "sandbox/PolicyProposalDialog.h"

#include <QClipboard>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace ops::widgets {

using ops::services::sandbox::PolicyChange;

PolicyProposalDialog::PolicyProposalDialog(PolicyChange change, QString loadedSettingsPath, QWidget* parent)
    : QDialog(parent), m_change(std::move(change)), m_loadedPath(std::move(loadedSettingsPath))
{
    setWindowTitle(tr("Proposed sandbox policy change"));
    resize(720, 480);
    auto* layout = new QVBoxLayout(this);
    auto* summary = new QLabel(m_change.summary + tr("\nNothing is changed until someone applies this by hand."), this);
    summary->setTextFormat(Qt::PlainText);  // holds a target from the log
    summary->setWordWrap(true);
    layout->addWidget(summary);
    m_diff = new QPlainTextEdit(m_change.diff, this);
    m_diff->setReadOnly(true);
    m_diff->setAccessibleName(tr("Proposed change"));
    m_diff->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_diff->setLineWrapMode(QPlainTextEdit::NoWrap);
    layout->addWidget(m_diff, 1);
    m_message = new QLabel(this);
    m_message->setTextFormat(Qt::PlainText);
    layout->addWidget(m_message);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto* copy = buttons->addButton(tr("Copy diff"), QDialogButtonBox::ActionRole);
    auto* save = buttons->addButton(tr("Save proposed settings as..."), QDialogButtonBox::ActionRole);
    copy->setEnabled(!m_change.diff.isEmpty());
    save->setEnabled(!m_change.diff.isEmpty());
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(copy, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_change.diff);
        m_message->setText(tr("Diff copied."));
    });
    connect(save, &QPushButton::clicked, this, [this] {
        const QString suggested = m_loadedPath.isEmpty() ? QStringLiteral("settings.proposed.json")
                                                         : QFileInfo(m_loadedPath).dir().filePath(QStringLiteral("settings.proposed.json"));
        const QString path = QFileDialog::getSaveFileName(this, tr("Save proposed settings"), suggested);
        if (path.isEmpty())
            return;
        m_message->setText(tr("Saving..."));
        QtConcurrent::run(&PolicyProposalDialog::saveProposal, m_change, m_loadedPath, path)
            .then(this, [this, path](const QString& error) {
                m_message->setText(error.isEmpty() ? tr("Proposed settings saved to %1").arg(path) : error);
            });
    });
}

QString PolicyProposalDialog::diffText() const
{
    return m_diff->toPlainText();
}

QString PolicyProposalDialog::saveProposal(const PolicyChange& change, const QString& loadedPath, const QString& path)
{
    const QString target = QFileInfo(path).canonicalFilePath();  // resolves "..", symlinks; empty: a new file
    if (!loadedPath.isEmpty() && !target.isEmpty() && target == QFileInfo(loadedPath).canonicalFilePath())
        return tr("Refused: that is the loaded settings file. Save the proposal under a new name and review it.");
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(change.proposedSettings) != change.proposedSettings.size()
        || !file.commit())
        return tr("Cannot write %1: %2").arg(path, file.errorString());
    return {};
}

} // namespace ops::widgets
