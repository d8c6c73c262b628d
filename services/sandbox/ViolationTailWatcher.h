// SPDX-License-Identifier: MIT
#pragma once

// ViolationTailWatcher: follows log files live for the GUI. Once a second it runs one bounded
// ViolationTailer::poll() per followed file on a worker thread (never the GUI thread; at most one
// poll per file at a time, so each tailer is used by one thread at a time) and reports the step.
// Exactly-once across restarts comes from the tailer's stored position: following the same path
// again after a restart resumes where the last committed batch ended.

#include "db/Pool.h"
#include "sandbox/ViolationTailer.h"

#include <QFuture>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <map>
#include <memory>

namespace ops::services::sandbox {

class ViolationTailWatcher final : public QObject {
    Q_OBJECT
public:
    ViolationTailWatcher(Pool* pool, qint64 projectId, QObject* parent = nullptr,
                         std::chrono::milliseconds interval = std::chrono::seconds(1));
    ~ViolationTailWatcher() override;  // waits for running polls (each is bounded)

    void follow(const QString& path);  // no effect when already followed
    void unfollow(const QString& path);
    QStringList followed() const;

signals:
    void polled(const QString& path, const ops::services::sandbox::TailStep& step);
    void failed(const QString& path, const QString& message);

private:
    struct Followed {
        std::shared_ptr<ViolationTailer> tailer;  // shared with the running poll, which may outlive unfollow()
        bool busy = false;
    };
    void pollAll();

    Pool* m_pool;
    qint64 m_projectId;
    QTimer m_timer;
    std::map<QString, Followed> m_files;
    // Polls still running (also of files unfollowed meanwhile): the destructor waits for them, as
    // they use the pool, which may be gone right after this watcher.
    QList<QFuture<Result<TailStep>>> m_running;
};

} // namespace ops::services::sandbox
