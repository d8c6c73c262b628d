// SPDX-License-Identifier: MIT
#include "sandbox/ViolationTailWatcher.h"

#include <QFuture>
#include <QtConcurrent/QtConcurrentRun>

namespace ops::services::sandbox {

namespace {
constexpr qint64 MaxLinesPerPoll = 20000;  // keeps one poll short; the next second goes on
}

ViolationTailWatcher::ViolationTailWatcher(Pool* pool, qint64 projectId, QObject* parent,
                                           std::chrono::milliseconds interval)
    : QObject(parent), m_pool(pool), m_projectId(projectId)
{
    m_timer.setInterval(interval);
    connect(&m_timer, &QTimer::timeout, this, &ViolationTailWatcher::pollAll);
}

ViolationTailWatcher::~ViolationTailWatcher()
{
    for (QFuture<Result<TailStep>>& running : m_running)
        running.waitForFinished();
}

void ViolationTailWatcher::follow(const QString& path)
{
    if (m_files.count(path) || !m_pool)
        return;
    m_files[path].tailer = std::make_shared<ViolationTailer>(*m_pool, m_projectId, path, 5000, MaxLinesPerPoll);
    if (!m_timer.isActive())
        m_timer.start();
    pollAll();
}

void ViolationTailWatcher::unfollow(const QString& path)
{
    m_files.erase(path);
    if (m_files.empty())
        m_timer.stop();
}

QStringList ViolationTailWatcher::followed() const
{
    QStringList paths;
    for (const auto& entry : m_files)
        paths << entry.first;
    return paths;
}

void ViolationTailWatcher::pollAll()
{
    m_running.removeIf([](const QFuture<Result<TailStep>>& running) { return running.isFinished(); });
    // Over a copy of the paths: a poll that is already done reports at once, and a slot may unfollow.
    for (const QString& path : followed()) {
        auto found = m_files.find(path);
        if (found == m_files.end() || found->second.busy)
            continue;
        found->second.busy = true;
        std::shared_ptr<ViolationTailer> tailer = found->second.tailer;
        QFuture<Result<TailStep>> running = QtConcurrent::run([tailer] { return tailer->poll(); });
        m_running.append(running);
        running.then(this, [this, path, tailer](Result<TailStep> step) {
            auto it = m_files.find(path);
            if (it == m_files.end() || it->second.tailer != tailer)
                return;  // unfollowed meanwhile
            it->second.busy = false;
            if (step)
                emit polled(path, step.value());
            else
                emit failed(path, step.error().toString());
        });
    }
}

} // namespace ops::services::sandbox
