// SPDX-License-Identifier: MIT
#pragma once

// Listener: LISTEN/NOTIFY on one dedicated direct (session) connection. A transaction pooler
// (PgBouncer, Supavisor in transaction mode) keeps no session state, so LISTEN must never go
// through one: give the Listener the server's own address (DATABASE_URL), not DATABASE_POOLER_URL.
//
// Threads: the Listener lives on the thread that created it (usually the GUI thread) and never
// blocks it on I/O. Connecting and the LISTEN statements run on a worker (QtConcurrent::run under
// a QFutureWatcher); the finished connection is handed to the Listener's thread, where a
// QSocketNotifier on its socket drives non-blocking PQconsumeInput/PQnotifies. No polling.
//
// Errors: a lost connection emits disconnected(reason) once, then the Listener reconnects by
// itself with exponential backoff and jitter (200 ms doubling up to 10 s), LISTENs on every channel
// again and emits connected(). Notifications sent while it was down are lost (that is how NOTIFY
// works): on connected(), consumers re-read whatever they may have missed. A failed first attempt
// after start() also emits disconnected(). Invalid channel names are refused: start() then emits
// disconnected() with an InvalidInput error right away and does not connect.

#include "common/Result.h"
#include "db/ConnectionOptions.h"

#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <chrono>
#include <memory>
#include <optional>

struct pg_result;
class QSocketNotifier;
class QTimer;
template <typename T>
class QFutureWatcher;

namespace ops::services {

class Connection;

class Listener final : public QObject {
    Q_OBJECT
public:
    // `channels`: lower-case identifiers (see isValidChannel); duplicates are ignored.
    Listener(ConnectionOptions directOptions, QStringList channels, QObject* parent = nullptr);
    ~Listener() override;

    // Starts connecting in the background and returns at once. Calling it while started does nothing.
    void start();
    // Stops listening: closes the connection, cancels a pending reconnect, drops an attempt in
    // flight. No signal is emitted and no notification is delivered afterwards. start() again is fine.
    void stop();
    // Connected and LISTENing on every channel.
    bool isConnected() const;
    QStringList channels() const { return m_channels; }

    // ^[a-z_][a-z0-9_]{0,62}$ : a plain lower-case identifier that PostgreSQL does not truncate.
    static bool isValidChannel(const QString& channel);

    // The backoff before reconnect attempt number `attempt` (0-based), jitter excluded:
    // 200 ms, 400 ms, 800 ms ... capped at 10 s. The delay actually used is between half and all of it.
    static std::chrono::milliseconds backoffCeiling(int attempt);

signals:
    void notification(const QString& channel, const QString& payload, int senderPid);
    // (Re)connected and LISTENing: consumers should re-read what they may have missed.
    void connected();
    void disconnected(const ops::services::Error& reason);

private:
    void beginAttempt();
    void attemptFinished();
    void adopt(std::unique_ptr<Connection> connection);
    void readAvailable();
    void connectionLost(const Error& reason);
    void scheduleReconnect();
    void closeConnection();
    static void receiveNotice(void* listener, const pg_result* notice);

    ConnectionOptions m_options;
    QStringList m_channels;
    QSet<QString> m_channelSet;
    std::optional<Error> m_invalidChannels;

    std::unique_ptr<Connection> m_connection;
    std::optional<Error> m_serverGoodbye;              // the FATAL the server sent before closing
    QSocketNotifier* m_notifier = nullptr;             // child; disabled and gone before m_connection closes
    QTimer* m_reconnectTimer = nullptr;                // child
    QFutureWatcher<Result<std::unique_ptr<Connection>>>* m_pending = nullptr;  // the attempt in flight
    quint64 m_generation = 0;    // bumped by stop(): results of older attempts are dropped
    int m_failedAttempts = 0;    // since the last successful connect
    bool m_running = false;
    bool m_reportedDown = false; // disconnected() already emitted for this outage
};

} // namespace ops::services
