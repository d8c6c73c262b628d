// SPDX-License-Identifier: MIT
#pragma once

// CommandDeployProvider: a provider made of command templates from the settings, for example
// rollback = ["vercel", "rollback", "{deployment}", "--yes"] or a project's own script. Each
// template is an argument list: placeholders ({deployment}, {reason}, {project}) are replaced
// inside single arguments and the program is started directly (ProcessRunner, posix_spawn), never
// through a shell, so data can never become a command. Its output goes to the output listener line
// by line as it arrives; a deadline or cancel() kills it (and its children); the exit code
// decides; the output's tail goes into the error.
// listDeployments/status run their templates and expect the Vercel JSON shape on stdout.

#include "deploy/DeployProvider.h"

#include <QStringList>

#include <atomic>
#include <chrono>
#include <functional>

namespace ops::services {

class CommandDeployProvider final : public DeployProvider {
public:
    struct Config {
        QString project;
        QStringList listTemplate;      // prints {"deployments": [...]} (Vercel's list shape)
        QStringList statusTemplate;    // prints {"targets": {"production": {"id": ...}}, "rollbackPinned": b}
        QStringList rollbackTemplate;
        QStringList promoteTemplate;
        QString workingDirectory = QStringLiteral("/");
        std::chrono::milliseconds timeout{120000};
    };

    explicit CommandDeployProvider(Config config) : m_config(std::move(config)) {}

    QString name() const override { return QStringLiteral("command"); }
    Result<QList<ProviderDeployment>> listDeployments() override;
    Result<ProviderStatus> status() override;
    Result<void> rollback(const QString& deploymentId, const QString& reason) override;
    Result<void> promote(const QString& deploymentId) override;

    void setOutputListener(std::function<void(const QString& line)> listener) override { m_output = std::move(listener); }
    bool canCancel() const override { return true; }
    // Stops the command running now (the next one starts normally).
    void cancel() override { m_cancel = true; }

    // The argument list a template becomes (exposed for tests).
    static QStringList expand(const QStringList& templ, const QString& project, const QString& deployment,
                              const QString& reason);

private:
    Result<QByteArray> runTemplate(const QString& what, const QStringList& templ, const QString& deployment,
                                   const QString& reason);

    Config m_config;
    std::function<void(const QString& line)> m_output;
    std::atomic<bool> m_cancel{false};
};

} // namespace ops::services
