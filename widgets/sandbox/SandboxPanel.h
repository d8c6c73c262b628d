// SPDX-License-Identifier: MIT
#pragma once

// SandboxPanel: the Sandbox tab. Filters (applied in the database), the violations table (keyset
// pages, new rows on top via LISTEN ops_sandbox without moving what the user looks at), a detail
// pane showing the raw event as plain text, and bulk acknowledge / resolve (audited in the
// database; a viewer gets the server's refusal as a message).

#include "db/ConnectionOptions.h"
#include "db/Pool.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTableView;

namespace ops::services {
class Listener;
}

namespace ops::widgets {

class ViolationTableModel;

class SandboxPanel final : public QWidget {
    Q_OBJECT
public:
    SandboxPanel(ops::services::Pool* pool, ops::services::ConnectionOptions directOptions,
                 QString projectSlug = QStringLiteral("demo"), QWidget* parent = nullptr);
    ~SandboxPanel() override;

    ViolationTableModel* model() const { return m_model; }
    int newSinceViewed() const { return m_newSinceViewed; }

signals:
    void newSinceViewedChanged(int count);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void start(qint64 projectId);
    void applyFilter();
    void showDetail();
    void setStatus(const QString& status);
    void keepViewStill(int rowsOnTop);

    ops::services::Pool* m_pool;
    ops::services::ConnectionOptions m_directOptions;
    qint64 m_projectId = 0;
    ViolationTableModel* m_model = nullptr;
    ops::services::Listener* m_listener = nullptr;
    QComboBox* m_kind = nullptr;
    QComboBox* m_status = nullptr;
    QComboBox* m_severity = nullptr;
    QLineEdit* m_text = nullptr;
    QTableView* m_table = nullptr;
    QPlainTextEdit* m_detail = nullptr;
    QLabel* m_message = nullptr;
    int m_newSinceViewed = 0;
};

} // namespace ops::widgets
