// SPDX-License-Identifier: MIT
#pragma once

// PolicyProposalDialog: shows a proposed change of the sandbox settings file ("Allow this domain",
// "allow this path") as a unified diff, as plain text, with Copy and "Save proposed settings as...".
// It never writes the settings file it was loaded from: saving goes to a new file the user names
// (the loaded file's own path is refused), so every policy change is reviewed and applied by a human.

#include "sandbox/SandboxPolicy.h"

#include <QDialog>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace ops::widgets {

class PolicyProposalDialog final : public QDialog {
    Q_OBJECT
public:
    PolicyProposalDialog(ops::services::sandbox::PolicyChange change, QString loadedSettingsPath,
                         QWidget* parent = nullptr);

    QString diffText() const;
    // Writes `change`'s proposed settings to `path`, never over `loadedPath`. Returns an error
    // text, empty on success. Blocking file I/O: the dialog runs it on a worker thread.
    static QString saveProposal(const ops::services::sandbox::PolicyChange& change, const QString& loadedPath,
                                const QString& path);

private:
    ops::services::sandbox::PolicyChange m_change;
    QString m_loadedPath;
    QPlainTextEdit* m_diff = nullptr;
    QLabel* m_message = nullptr;
};

} // namespace ops::widgets
