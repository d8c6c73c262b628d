// SPDX-License-Identifier: MIT
#pragma once

// AlertHistoryView: the Health tab's alert history with an Acknowledge button. Reloads when
// NOTIFY 'ops_health_alert' says something changed (debounced), so every console sees alerts the
// collector raised elsewhere; newAlert() is emitted for each alert that appeared since the last
// load (the app shows it as a tray notification). A refused acknowledgement (a viewer) is shown,
// nothing else changes.

#include "db/ConnectionOptions.h"
#include "health/AlertStore.h"

#include <QWidget>

#include <memory>

class QLabel;
class QPushButton;
class QTableView;
class QTimer;

namespace ops::services {
class Listener;
}

namespace ops::widgets {

class AlertModel;

class AlertHistoryView final : public QWidget {
    Q_OBJECT
public:
    // `directOptions` with an empty database: no live updates (reload() by hand).
    AlertHistoryView(ops::services::Pool& pool, qint64 projectId, const ops::services::ConnectionOptions& directOptions,
                     QWidget* parent = nullptr);
    ~AlertHistoryView() override;

    void reload();
    void acknowledgeSelected();
    void stopLiveUpdates();
    AlertModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QString message() const;

signals:
    void loaded();
    void newAlert(const QString& title, const QString& message);

private:
    ops::services::AlertStore m_store;
    std::unique_ptr<ops::services::Listener> m_listener;
    AlertModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    QPushButton* m_acknowledge = nullptr;
    QLabel* m_message = nullptr;
    QTimer* m_debounce = nullptr;
    qint64 m_newestSeen = -1;  // -1 before the first load: what is there at start is not "new"
    bool m_loading = false;
    bool m_reloadAgain = false;
};

} // namespace ops::widgets
