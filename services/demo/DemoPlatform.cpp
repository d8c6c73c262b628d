// SPDX-License-Identifier: MIT
#include "demo/DemoPlatform.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QRegularExpression>
#include <QUrlQuery>

#include <memory>

namespace ops::services {

namespace {

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

QByteArray json(const QJsonObject& object) { return QJsonDocument(object).toJson(QJsonDocument::Compact); }

QByteArray vercelError(const QString& code, const QString& message)
{
    return json(QJsonObject{{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), code},
                                                                   {QStringLiteral("message"), message}}}});
}

} // namespace

DemoPlatform::DemoPlatform() : DemoPlatform(Config{}) {}

DemoPlatform::DemoPlatform(Config config) : m_config(std::move(config))
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (int i = 1; i <= m_config.versions; ++i) {
        const QString version = QStringLiteral("v%1").arg(i);
        m_deployments.push_back({QStringLiteral("dpl_demo_v%1").arg(i), version,
                                 QStringLiteral("%1").arg(0xabc000 + i, 7, 16, QLatin1Char('0')),
                                 now - qint64(m_config.versions - i + 1) * 3600 * 1000});
    }
    m_live = int(m_deployments.size()) - 1;
    if (!m_config.previewVersion.isEmpty())
        m_deployments.push_back({QStringLiteral("dpl_demo_%1_preview").arg(m_config.previewVersion), m_config.previewVersion,
                                 QStringLiteral("abd0001"), now - 10 * 60 * 1000, QStringLiteral("preview")});
    for (int i = 0; i < int(m_deployments.size()); ++i)
        if (m_deployments[i].version == m_config.liveVersion)
            m_live = i;
    m_thread.setObjectName(QStringLiteral("demo-platform"));
}

DemoPlatform::~DemoPlatform() { stop(); }

Result<void> DemoPlatform::start()
{
    if (m_server)
        return {};
    // The server listens here, then moves to m_thread before it starts: the thread's start and
    // join are the only hand-offs (a blocking queued call would hide them from ThreadSanitizer,
    // which cannot see inside Qt's semaphores), and callers may block on it from anywhere.
    auto server = std::make_unique<QTcpServer>();
    if (!server->listen(QHostAddress::LocalHost, m_config.port))
        return Error::make(ErrorKind::Io, QStringLiteral("demo platform cannot listen on 127.0.0.1:%1: %2")
                                              .arg(m_config.port).arg(server->errorString()));
    m_server = server.release();
    m_port = m_server->serverPort();
    // The demo thread uses its own copy of the pointer: m_server belongs to the caller's thread
    // (stop() clears it after QThread::wait(), which is no hand-off TSan can see).
    QObject::connect(m_server, &QTcpServer::newConnection, m_server, [this, server = m_server] {
        while (QTcpSocket* socket = server->nextPendingConnection())
            onConnection(socket);
    });
    // Sockets are children of the server: deleting it on its thread closes every connection, hung
    // ones too.
    QObject::connect(&m_thread, &QThread::finished, m_server, &QObject::deleteLater);
    m_server->moveToThread(&m_thread);
    m_started = QDateTime::currentDateTimeUtc();
    m_thread.start();
    return {};
}

void DemoPlatform::stop()
{
    if (!m_thread.isRunning())
        return;
    m_thread.quit();
    m_thread.wait();  // the server was deleted on its thread as it finished
    m_server = nullptr;
}

QString DemoPlatform::liveVersion() const
{
    std::lock_guard lock(m_mutex);
    return m_live >= 0 ? m_deployments[m_live].version : QString();
}

QString DemoPlatform::liveDeploymentId() const
{
    std::lock_guard lock(m_mutex);
    return m_live >= 0 ? m_deployments[m_live].id : QString();
}

bool DemoPlatform::pinned() const
{
    std::lock_guard lock(m_mutex);
    return m_pinned;
}

void DemoPlatform::setDegraded(bool degraded)
{
    std::lock_guard lock(m_mutex);
    m_degraded = degraded;
}

QDateTime DemoPlatform::migrationAppliedAt() const
{
    std::lock_guard lock(m_mutex);
    return migrationAppliedAtLocked();
}

QDateTime DemoPlatform::migrationAppliedAtLocked() const
{
    for (const Deployment& d : m_deployments)
        if (d.version == m_config.migrationBeforeVersion && d.target == QLatin1String("production"))
            return QDateTime::fromMSecsSinceEpoch(d.createdMs - 5 * 60 * 1000, Qt::UTC);
    return {};
}

QString DemoPlatform::deploy(const QString& version, const QString& target)
{
    std::lock_guard lock(m_mutex);
    Deployment d{QStringLiteral("dpl_demo_%1_%2").arg(version).arg(m_deployments.size() + 1), version,
                 QStringLiteral("%1").arg(QRandomGenerator::global()->generate() & 0xfffffff, 7, 16, QLatin1Char('0')),
                 QDateTime::currentMSecsSinceEpoch(), target};
    m_deployments.push_back(d);
    // Preview builds never go live; after a rollback production builds do not either, until
    // someone promotes.
    if (target == QLatin1String("production") && !m_pinned)
        m_live = int(m_deployments.size()) - 1;
    return d.id;
}

void DemoPlatform::setProviderFailure(ProviderFailure failure)
{
    std::lock_guard lock(m_mutex);
    m_failure = failure;
}

int DemoPlatform::findLocked(const QString& id) const
{
    for (int i = 0; i < int(m_deployments.size()); ++i)
        if (m_deployments[i].id == id)
            return i;
    return -1;
}

void DemoPlatform::onConnection(QTcpSocket* socket)
{
    // The socket is already a child of the server (nextPendingConnection), which deletes it.
    auto buffer = std::make_shared<QByteArray>();
    QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
        buffer->append(socket->readAll());
        const int headerEnd = int(buffer->indexOf("\r\n\r\n"));
        if (headerEnd < 0) {
            if (buffer->size() > 64 * 1024)
                socket->abort();
            return;
        }
        const QList<QByteArray> lines = buffer->left(headerEnd).split('\n');
        const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
        Request request;
        request.method = first.value(0);
        const QByteArray target = first.value(1);
        const int q = int(target.indexOf('?'));
        request.path = q < 0 ? target : target.left(q);
        request.query = q < 0 ? QByteArray() : target.mid(q + 1);
        qsizetype length = 0;
        for (int i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines[i].trimmed();
            const int colon = int(line.indexOf(':'));
            if (colon < 0)
                continue;
            const QByteArray key = line.left(colon).trimmed().toLower();
            const QByteArray value = line.mid(colon + 1).trimmed();
            if (key == "content-length")
                length = value.toLongLong();
            else if (key == "authorization")
                request.authorization = value;
        }
        if (buffer->size() < headerEnd + 4 + length)
            return;  // wait for the rest of the body
        request.body = buffer->mid(headerEnd + 4, length);
        QObject::disconnect(socket, &QTcpSocket::readyRead, nullptr, nullptr);
        ++m_requests;
        const Response response = route(request);
        if (response.hang)
            return;  // never answers; closed when the client gives up or the server stops
        auto send = [socket, response] {
            QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status)
                + "\r\nContent-Type: " + response.contentType
                + "\r\nContent-Length: " + QByteArray::number(response.body.size())
                + "\r\nConnection: close\r\n\r\n" + response.body;
            socket->write(out);
            socket->disconnectFromHost();
        };
        if (response.delayMs > 0)
            QTimer::singleShot(response.delayMs, socket, send);
        else
            send();
    });
}

DemoPlatform::Response DemoPlatform::route(const Request& request)
{
    if (request.method == "GET" && request.path == "/api/health")
        return health();
    if (request.method == "GET" && (request.path == "/api/contacts" || request.path == "/api/campaigns"))
        return sample(request.path.mid(5));
    if (request.method == "POST" && (request.path == "/demo/degrade" || request.path == "/demo/restore")) {
        setDegraded(request.path == "/demo/degrade");
        return {200, json({{QStringLiteral("degraded"), request.path == "/demo/degrade"}})};
    }
    if (request.method == "POST" && request.path == "/demo/deploy") {
        const QUrlQuery query(QString::fromUtf8(request.query));
        const QString version = query.queryItemValue(QStringLiteral("version"));
        const QString target = query.hasQueryItem(QStringLiteral("target")) ? query.queryItemValue(QStringLiteral("target"))
                                                                            : QStringLiteral("production");
        if (!version.contains(QRegularExpression(QStringLiteral("^v[0-9]{1,6}$"))))
            return {400, vercelError(QStringLiteral("bad_request"), QStringLiteral("version must look like v5"))};
        if (target != QLatin1String("production") && target != QLatin1String("preview"))
            return {400, vercelError(QStringLiteral("bad_request"), QStringLiteral("target must be production or preview"))};
        return {201, json({{QStringLiteral("id"), deploy(version, target)}})};
    }
    if (request.path.startsWith("/v6/") || request.path.startsWith("/v1/") || request.path.startsWith("/v9/")
        || request.path.startsWith("/v10/"))
        return provider(request);
    return {404, vercelError(QStringLiteral("not_found"), QStringLiteral("no such route"))};
}

DemoPlatform::Response DemoPlatform::health() const
{
    std::lock_guard lock(m_mutex);
    const QString version = m_live >= 0 ? m_deployments[m_live].version : QString();
    const bool bad = version == m_config.badVersion;
    QString status = QStringLiteral("healthy"), circuit = QStringLiteral("CLOSED");
    double errorRate = 0.001;
    int idle = 8, waiting = 0;
    if (bad) {
        status = QStringLiteral("unhealthy");
        circuit = QStringLiteral("OPEN");
        errorRate = 0.37;
        idle = 0;
        waiting = 14;
    } else if (m_degraded) {
        status = QStringLiteral("degraded");
        circuit = QStringLiteral("HALF_OPEN");
        errorRate = 0.06;
        idle = 1;
        waiting = 3;
    }
    QJsonObject body{{QStringLiteral("status"), status},
                     {QStringLiteral("circuitState"), circuit},
                     {QStringLiteral("version"), version},
                     {QStringLiteral("uptimeSeconds"), m_started.secsTo(QDateTime::currentDateTimeUtc())},
                     {QStringLiteral("pool"), QJsonObject{{QStringLiteral("total"), 10},
                                                         {QStringLiteral("idle"), idle},
                                                         {QStringLiteral("waiting"), waiting}}},
                     {QStringLiteral("errorRate"), errorRate}};
    if (const QDateTime migrated = migrationAppliedAtLocked(); migrated.isValid())
        body.insert(QStringLiteral("schema"), QJsonObject{{QStringLiteral("newestMigration"), m_config.migrationName},
                                                          {QStringLiteral("appliedAt"), migrated.toString(Qt::ISODateWithMs)}});
    return {bad ? 503 : 200, json(body)};
}

DemoPlatform::Response DemoPlatform::sample(const QByteArray& what)
{
    bool bad = false, degraded = false;
    {
        std::lock_guard lock(m_mutex);
        bad = m_live >= 0 && m_deployments[m_live].version == m_config.badVersion;
        degraded = m_degraded;
    }
    auto* random = QRandomGenerator::global();
    const int latency = 20 + int(random->bounded(40)) + (degraded ? 200 : 0) + (bad ? 400 : 0);
    if (bad && random->bounded(100) < 37)
        return {500, vercelError(QStringLiteral("internal"), QStringLiteral("upstream timed out")), "application/json", latency};
    QJsonArray items;
    for (int i = 1; i <= 3; ++i)
        items.append(QJsonObject{{QStringLiteral("id"), i},
                                 {QStringLiteral("name"), QStringLiteral("%1 %2").arg(QString::fromUtf8(what)).arg(i)}});
    return {200, json({{QString::fromUtf8(what), items}}), "application/json", latency};
}

QJsonObject DemoPlatform::deploymentJson(const Deployment& d) const
{
    return {{QStringLiteral("uid"), d.id},
            {QStringLiteral("name"), QStringLiteral("demo")},
            {QStringLiteral("url"), QStringLiteral("demo-%1.vercel.app").arg(d.version)},
            {QStringLiteral("created"), d.createdMs},
            {QStringLiteral("state"), QStringLiteral("READY")},
            {QStringLiteral("readyState"), QStringLiteral("READY")},
            {QStringLiteral("target"), d.target},
            {QStringLiteral("checksConclusion"), QStringLiteral("succeeded")},
            {QStringLiteral("creator"), QJsonObject{{QStringLiteral("username"), QStringLiteral("ci-bot")}}},
            {QStringLiteral("meta"), QJsonObject{{QStringLiteral("githubCommitSha"), d.commit},
                                                 {QStringLiteral("version"), d.version}}}};
}

DemoPlatform::Response DemoPlatform::provider(const Request& request)
{
    if (request.authorization != "Bearer " + m_config.token.toUtf8())
        return {403, vercelError(QStringLiteral("forbidden"), QStringLiteral("Not authorized"))};
    ProviderFailure failure;
    {
        std::lock_guard lock(m_mutex);
        failure = m_failure;
    }
    const bool write = request.method == "POST";
    const int delay = write ? m_providerDelayMs.load() : 0;  // only rollbacks and promotions are slow
    if (write && request.path.contains("/rollback/")) {
        m_lastRollbackNs = std::chrono::steady_clock::now().time_since_epoch().count();
        ++m_rollbackCalls;
    }
    if (write && request.path.contains("/promote/")) {
        m_lastPromoteNs = std::chrono::steady_clock::now().time_since_epoch().count();
        ++m_promoteCalls;
    }
    switch (failure) {
    case ProviderFailure::Http500:
        return {500, vercelError(QStringLiteral("internal_server_error"), QStringLiteral("An unexpected internal error occurred")), "application/json", delay};
    case ProviderFailure::Hang:
        return {0, {}, {}, 0, true};
    case ProviderFailure::NonJson:
        return {502, "<html><body>502 Bad Gateway</body></html>", "text/html", delay};
    case ProviderFailure::None:
        break;
    }

    const QUrlQuery query(QString::fromUtf8(request.query));
    const QList<QByteArray> parts = request.path.split('/');  // "", v1, projects, {id}, rollback, {dpl}
    std::lock_guard lock(m_mutex);
    if (request.method == "GET" && request.path == "/v6/deployments") {
        if (query.queryItemValue(QStringLiteral("projectId")) != m_config.projectId)
            return {404, vercelError(QStringLiteral("not_found"), QStringLiteral("Project not found")), "application/json", delay};
        const QString target = query.queryItemValue(QStringLiteral("target"));
        QJsonArray list;
        for (auto it = m_deployments.rbegin(); it != m_deployments.rend(); ++it)  // newest first, like Vercel
            if (target.isEmpty() || it->target == target)
                list.append(deploymentJson(*it));
        return {200, json({{QStringLiteral("deployments"), list},
                           {QStringLiteral("pagination"), QJsonObject{{QStringLiteral("count"), list.size()},
                                                                      {QStringLiteral("next"), QJsonValue::Null}}}}),
                "application/json", delay};
    }
    if (parts.size() >= 4 && parts[2] == "projects" && QString::fromUtf8(parts[3]) != m_config.projectId)
        return {404, vercelError(QStringLiteral("not_found"), QStringLiteral("Project not found")), "application/json", delay};
    if (request.method == "GET" && parts.size() == 4 && parts[1] == "v9" && parts[2] == "projects") {
        const Deployment& live = m_deployments[m_live];
        return {200, json({{QStringLiteral("id"), m_config.projectId},
                           {QStringLiteral("name"), QStringLiteral("demo")},
                           {QStringLiteral("targets"), QJsonObject{{QStringLiteral("production"), deploymentJson(live)}}},
                           {QStringLiteral("rollbackPinned"), m_pinned}}),
                "application/json", delay};
    }
    if (write && parts.size() == 6 && parts[2] == "projects"
        && ((parts[1] == "v1" && parts[4] == "rollback") || (parts[1] == "v10" && parts[4] == "promote"))) {
        const int index = findLocked(QString::fromUtf8(parts[5]));
        if (index < 0)
            return {404, vercelError(QStringLiteral("not_found"), QStringLiteral("Deployment not found")), "application/json", delay};
        m_live = index;
        m_deployments[index].target = QStringLiteral("production");  // a promoted preview build is production now
        m_pinned = parts[4] == "rollback";
        return {201, "{}", "application/json", delay};
    }
    return {404, vercelError(QStringLiteral("not_found"), QStringLiteral("no such route")), "application/json", delay};
}

} // namespace ops::services
