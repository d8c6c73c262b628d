// SPDX-License-Identifier: MIT
#include "deploy/CommandDeployProvider.h"

#include "common/ProcessRunner.h"
#include "deploy/HttpDeployProvider.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ops::services {

QStringList CommandDeployProvider::expand(const QStringList& templ, const QString& project, const QString& deployment,
                                          const QString& reason)
{
    QStringList arguments;
    for (QString argument : templ) {
        // One pass per placeholder over the template text only: a value containing "{reason}"
        // is not expanded again, and never splits into several arguments.
        QString expanded;
        for (int i = 0; i < argument.size();) {
            if (argument.mid(i, 12) == QLatin1String("{deployment}")) { expanded += deployment; i += 12; }
            else if (argument.mid(i, 8) == QLatin1String("{reason}")) { expanded += reason; i += 8; }
            else if (argument.mid(i, 9) == QLatin1String("{project}")) { expanded += project; i += 9; }
            else { expanded += argument[i]; ++i; }
        }
        arguments << expanded;
    }
    return arguments;
}

Result<QByteArray> CommandDeployProvider::runTemplate(const QString& what, const QStringList& templ,
                                                      const QString& deployment, const QString& reason)
{
    if (templ.isEmpty())
        return Error::make(ErrorKind::InvalidInput, QStringLiteral("%1: no command configured").arg(what));
    const QStringList arguments = expand(templ, m_config.project, deployment, reason);
    ProcessOptions options;
    options.workingDirectory = m_config.workingDirectory;
    options.timeout = m_config.timeout;
    options.killProcessGroup = true;
    options.cancel = &m_cancel;
    if (m_output)
        options.onLine = [this](const QByteArray& line) { m_output(QString::fromUtf8(line)); };
    m_cancel = false;  // a cancel belongs to the call it was meant for
    auto result = ProcessRunner::run(arguments.first(), arguments.mid(1), options);
    if (!result)
        return Error::make(ErrorKind::Io, QStringLiteral("%1: cannot start %2: %3").arg(what, arguments.first(), result.error().message));
    const QString tail = QString::fromUtf8(result->output.right(300)).trimmed();
    if (result->cancelled)
        return Error::make(ErrorKind::Io, QStringLiteral("%1: cancelled by the operator; %2 was stopped%3")
                                              .arg(what, arguments.first(), tail.isEmpty() ? QString() : QStringLiteral(": ") + tail));
    if (result->timedOut)
        return Error::make(ErrorKind::Timeout, QStringLiteral("%1: %2 did not finish within %3 ms and was stopped%4")
                                                   .arg(what, arguments.first()).arg(m_config.timeout.count())
                                                   .arg(tail.isEmpty() ? QString() : QStringLiteral(": ") + tail));
    if (result->exitCode != 0)
        return Error::make(ErrorKind::Io, QStringLiteral("%1: %2 exited with %3%4")
                                              .arg(what, arguments.first()).arg(result->exitCode)
                                              .arg(tail.isEmpty() ? QString() : QStringLiteral(": ") + tail));
    return result->output;
}

Result<QList<ProviderDeployment>> CommandDeployProvider::listDeployments()
{
    auto output = runTemplate(QStringLiteral("list deployments"), m_config.listTemplate, {}, {});
    if (!output)
        return output.error();
    auto document = jsonOrError(QStringLiteral("list deployments"), HttpResponse{200, "application/json", *output, {}});
    if (!document)
        return document.error();
    QList<ProviderDeployment> list;
    for (const QJsonValue& value : document->object().value(QStringLiteral("deployments")).toArray()) {
        const QJsonObject o = value.toObject();
        ProviderDeployment d;
        d.id = o.value(QStringLiteral("uid")).toString();
        d.version = o.value(QStringLiteral("meta")).toObject().value(QStringLiteral("version")).toString(d.id);
        d.url = o.value(QStringLiteral("url")).toString();
        d.state = o.value(QStringLiteral("state")).toString();
        d.checks = o.value(QStringLiteral("checksConclusion")).toString() == QLatin1String("succeeded") ? QStringLiteral("passed")
                                                                                                        : QStringLiteral("unknown");
        d.created = QDateTime::fromMSecsSinceEpoch(qint64(o.value(QStringLiteral("created")).toDouble()), Qt::UTC);
        if (!d.id.isEmpty())
            list.append(d);
    }
    return list;
}

Result<ProviderStatus> CommandDeployProvider::status()
{
    auto output = runTemplate(QStringLiteral("read status"), m_config.statusTemplate, {}, {});
    if (!output)
        return output.error();
    auto document = jsonOrError(QStringLiteral("read status"), HttpResponse{200, "application/json", *output, {}});
    if (!document)
        return document.error();
    const QJsonObject production = document->object().value(QStringLiteral("targets")).toObject()
                                       .value(QStringLiteral("production")).toObject();
    return ProviderStatus{production.value(QStringLiteral("id")).toString(production.value(QStringLiteral("uid")).toString()),
                          document->object().value(QStringLiteral("rollbackPinned")).toBool()};
}

Result<void> CommandDeployProvider::rollback(const QString& deploymentId, const QString& reason)
{
    auto output = runTemplate(QStringLiteral("rollback to %1").arg(deploymentId), m_config.rollbackTemplate, deploymentId, reason);
    if (!output)
        return output.error();
    return {};
}

Result<void> CommandDeployProvider::promote(const QString& deploymentId)
{
    auto output = runTemplate(QStringLiteral("promote %1").arg(deploymentId), m_config.promoteTemplate, deploymentId, {});
    if (!output)
        return output.error();
    return {};
}

} // namespace ops::services
