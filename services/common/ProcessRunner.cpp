// SPDX-License-Identifier: MIT
#include "common/ProcessRunner.h"

#include <QFile>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ops::services {

namespace {

// Keeps the argv/envp byte arrays alive for posix_spawn.
struct CStrings {
    explicit CStrings(const QStringList& strings)
    {
        for (const QString& s : strings)
            storage.push_back(QFile::encodeName(s));
        for (QByteArray& s : storage)
            pointers.push_back(s.data());
        pointers.push_back(nullptr);
    }
    std::vector<QByteArray> storage;
    std::vector<char*> pointers;
};

struct SpawnAttributes {
    SpawnAttributes()
    {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attributes);
    }
    ~SpawnAttributes()
    {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
    }
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
};

Result<pid_t> spawn(const QString& program, const QStringList& arguments, const ProcessOptions& options,
                    SpawnAttributes& spawnAttributes, short flags)
{
    // Default signal handling in the child (the console may ignore SIGPIPE, tests may block signals).
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&spawnAttributes.attributes, &defaults);
    posix_spawnattr_setsigmask(&spawnAttributes.attributes, &none);
    posix_spawnattr_setflags(&spawnAttributes.attributes, short(flags | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK));
    posix_spawn_file_actions_addchdir_np(&spawnAttributes.actions,
                                         QFile::encodeName(options.workingDirectory).constData());

    CStrings argv(QStringList{program} + arguments);
    CStrings envp(options.environment.toStringList());
    pid_t pid = -1;
    const int failed = posix_spawnp(&pid, QFile::encodeName(program).constData(), &spawnAttributes.actions,
                                    &spawnAttributes.attributes, argv.pointers.data(), envp.pointers.data());
    if (failed != 0)
        return Error::make(ErrorKind::Io, QStringLiteral("cannot start %1: %2").arg(program, QString::fromLocal8Bit(std::strerror(failed))));
    return pid;
}

} // namespace

Result<ProcessResult> ProcessRunner::run(const QString& program, const QStringList& arguments,
                                         const ProcessOptions& options)
{
    int outputPipe[2];
    int inputPipe[2];
    if (::pipe2(outputPipe, O_CLOEXEC) != 0)
        return Error::make(ErrorKind::Io, QStringLiteral("pipe failed"));
    if (::pipe2(inputPipe, O_CLOEXEC) != 0) {
        ::close(outputPipe[0]);
        ::close(outputPipe[1]);
        return Error::make(ErrorKind::Io, QStringLiteral("pipe failed"));
    }
    SpawnAttributes attributes;
    posix_spawn_file_actions_adddup2(&attributes.actions, inputPipe[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&attributes.actions, outputPipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&attributes.actions, outputPipe[1], STDERR_FILENO);
    if (options.killProcessGroup)
        posix_spawnattr_setpgroup(&attributes.attributes, 0);  // its own group, id = its pid
    auto pid = spawn(program, arguments, options, attributes, options.killProcessGroup ? POSIX_SPAWN_SETPGROUP : 0);
    ::close(outputPipe[1]);
    ::close(inputPipe[0]);
    if (!pid) {
        ::close(outputPipe[0]);
        ::close(inputPipe[1]);
        return pid.error();
    }
    // The input is small (a line or two): a blocking write before reading cannot deadlock.
    if (!options.input.isEmpty())
        (void)!::write(inputPipe[1], options.input.constData(), size_t(options.input.size()));
    ::close(inputPipe[1]);

    ProcessResult result;
    const pid_t target = options.killProcessGroup ? -pid.value() : pid.value();  // negative: the group
    const auto deadline = std::chrono::steady_clock::now() + options.timeout;
    const int pollStepMs = options.cancel ? 100 : 1000;
    QByteArray partialLine;  // output after the last '\n', for onLine
    auto deliverLines = [&](const char* data, ssize_t size) {
        if (!options.onLine)
            return;
        partialLine.append(data, size);
        qsizetype newline;
        while ((newline = partialLine.indexOf('\n')) >= 0) {
            const bool crlf = newline > 0 && partialLine.at(newline - 1) == '\r';
            options.onLine(partialLine.left(crlf ? newline - 1 : newline));
            partialLine.remove(0, newline + 1);
        }
    };
    char buffer[8192];
    bool open = true;
    while (open) {
        if (options.cancel && options.cancel->load()) {
            result.cancelled = true;
            ::kill(target, SIGKILL);
            break;
        }
        const auto remaining =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (remaining <= 0) {
            result.timedOut = true;
            ::kill(target, SIGKILL);
            break;
        }
        pollfd fd{outputPipe[0], POLLIN, 0};
        const int ready = ::poll(&fd, 1, int(std::min<qint64>(remaining, pollStepMs)));
        if (ready < 0 && errno != EINTR)
            break;
        if (ready > 0) {
            const ssize_t n = ::read(outputPipe[0], buffer, sizeof buffer);
            if (n > 0) {
                result.output.append(buffer, n);
                deliverLines(buffer, n);
            } else if (n == 0 || errno != EINTR) {
                open = false;  // the child and everything it started closed the pipe
            }
        }
    }
    if (options.onLine && !partialLine.isEmpty())
        options.onLine(partialLine);
    ::close(outputPipe[0]);
    // A daemon the child started (pg_ctl's postmaster) may keep no pipe open; the child itself
    // has exited or is about to. Wait for it within what is left of the deadline.
    int status = 0;
    while (true) {
        const pid_t done = ::waitpid(pid.value(), &status, WNOHANG);
        if (done == pid.value())
            break;
        if (done < 0 && errno != EINTR)
            return result;
        if (std::chrono::steady_clock::now() > deadline && !result.timedOut && !result.cancelled) {
            result.timedOut = true;
            ::kill(target, SIGKILL);
        }
        ::usleep(2000);
    }
    if (!result.timedOut && !result.cancelled && WIFEXITED(status))
        result.exitCode = WEXITSTATUS(status);
    return result;
}

Result<qint64> ProcessRunner::startDetached(const QString& program, const QStringList& arguments,
                                            const ProcessOptions& options)
{
    SpawnAttributes attributes;
    posix_spawn_file_actions_addopen(&attributes.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&attributes.actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&attributes.actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    auto pid = spawn(program, arguments, options, attributes, POSIX_SPAWN_SETSID);
    if (!pid)
        return pid.error();
    return qint64(pid.value());
}

} // namespace ops::services
