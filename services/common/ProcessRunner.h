// SPDX-License-Identifier: MIT
#pragma once

// ProcessRunner: runs a program (no shell) with a deadline and collects its output, or starts one
// detached in its own session. Built on posix_spawn rather than QProcess: it needs no event loop,
// and ThreadSanitizer follows posix_spawn but loses track of every mutex after QProcess's clone()
// (Qt 6.4's forkfd), which made the pool's concurrency tests unverifiable.
// Blocking (run): call from a worker thread. Any thread.

#include "common/Result.h"

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <atomic>
#include <chrono>
#include <functional>

namespace ops::services {

struct ProcessResult {
    int exitCode = -1;   // -1 when killed by a signal or by the deadline
    bool timedOut = false;
    bool cancelled = false;  // stopped because ProcessOptions::cancel became true
    QByteArray output;   // stdout and stderr, interleaved
};

struct ProcessOptions {
    QString workingDirectory = QStringLiteral("/");
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    std::chrono::milliseconds timeout{60000};
    QByteArray input;  // written to stdin, then stdin is closed
    // Called on the calling thread with each line of output as it arrives (without its "\n" or
    // "\r\n"; a last line without one when the output ends). The whole output is still in the
    // result.
    std::function<void(const QByteArray& line)> onLine;
    // Polled about every 100 ms while the program runs; when it becomes true the program is
    // killed and the result says cancelled. Owned by the caller, must outlive run().
    const std::atomic<bool>* cancel = nullptr;
    // Start the program in a process group of its own and kill the whole group at the deadline or
    // on cancel, so a script's children (a `sleep`, a deploy CLI) stop with it.
    bool killProcessGroup = false;
};

class ProcessRunner final {
public:
    // Error only when the program could not be started; a non-zero exit is a ProcessResult.
    static Result<ProcessResult> run(const QString& program, const QStringList& arguments,
                                     const ProcessOptions& options = {});
    // Starts `program` in a new session, not waited for; returns its pid.
    static Result<qint64> startDetached(const QString& program, const QStringList& arguments,
                                        const ProcessOptions& options = {});
};

} // namespace ops::services
