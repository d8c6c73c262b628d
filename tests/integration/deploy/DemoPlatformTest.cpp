// SPDX-License-Identifier: MIT
// The demo platform over real loopback HTTP: health follows the live version, the Vercel-shaped
// API checks the token, rollback pins and promote unpins, failures are injected as configured.
#include "demo/DemoPlatform.h"
#include "deploy/HttpClient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <gtest/gtest.h>

using namespace ops::services;
using namespace std::chrono_literals;

namespace {

class DemoPlatformTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(m_platform.start().ok()); }

    HttpResponse call(const QByteArray& method, const QString& pathAndQuery, bool withToken = true,
                      std::chrono::milliseconds timeout = 5000ms)
    {
        HttpRequest request;
        request.method = method;
        request.url = QUrl(m_platform.baseUrl() + pathAndQuery);
        request.timeout = timeout;
        if (withToken)
            request.headers.append(qMakePair(QByteArray("Authorization"), QByteArray("Bearer demo-token")));
        auto response = HttpClient::send(request);
        EXPECT_TRUE(response.ok()) << (response.ok() ? "" : response.error().toString().toStdString());
        return response.ok() ? response.value() : HttpResponse{};
    }

    static QJsonObject object(const HttpResponse& response) { return QJsonDocument::fromJson(response.body).object(); }

    DemoPlatform m_platform;
};

} // namespace

TEST_F(DemoPlatformTest, HealthIsUnhealthyOnTheBadVersionAndHealthyAfterRollback)
{
    ASSERT_EQ(m_platform.liveVersion(), QStringLiteral("v4"));
    auto health = object(call("GET", QStringLiteral("/api/health"), false));
    EXPECT_EQ(health.value(QStringLiteral("status")).toString(), QStringLiteral("unhealthy"));
    EXPECT_EQ(health.value(QStringLiteral("circuitState")).toString(), QStringLiteral("OPEN"));
    EXPECT_EQ(health.value(QStringLiteral("version")).toString(), QStringLiteral("v4"));
    EXPECT_GT(health.value(QStringLiteral("errorRate")).toDouble(), 0.1);
    EXPECT_EQ(health.value(QStringLiteral("pool")).toObject().value(QStringLiteral("total")).toInt(), 10);

    const auto rollback = call("POST", QStringLiteral("/v1/projects/prj_demo/rollback/dpl_demo_v3?description=bad%20v4"));
    EXPECT_EQ(rollback.status, 201);
    EXPECT_TRUE(m_platform.pinned());
    health = object(call("GET", QStringLiteral("/api/health"), false));
    EXPECT_EQ(health.value(QStringLiteral("status")).toString(), QStringLiteral("healthy"));
    EXPECT_EQ(health.value(QStringLiteral("version")).toString(), QStringLiteral("v3"));
    EXPECT_LT(health.value(QStringLiteral("errorRate")).toDouble(), 0.01);

    // Pinned: a new build does not go live until someone promotes.
    const QString v5 = m_platform.deploy(QStringLiteral("v5"));
    EXPECT_EQ(m_platform.liveVersion(), QStringLiteral("v3"));
    EXPECT_EQ(call("POST", QStringLiteral("/v10/projects/prj_demo/promote/") + v5).status, 201);
    EXPECT_EQ(m_platform.liveVersion(), QStringLiteral("v5"));
    EXPECT_FALSE(m_platform.pinned());
}

TEST_F(DemoPlatformTest, DegradeAndRestore)
{
    call("POST", QStringLiteral("/v1/projects/prj_demo/rollback/dpl_demo_v3"));
    EXPECT_EQ(call("POST", QStringLiteral("/demo/degrade"), false).status, 200);
    EXPECT_EQ(object(call("GET", QStringLiteral("/api/health"), false)).value(QStringLiteral("status")).toString(),
              QStringLiteral("degraded"));
    call("POST", QStringLiteral("/demo/restore"), false);
    EXPECT_EQ(object(call("GET", QStringLiteral("/api/health"), false)).value(QStringLiteral("status")).toString(),
              QStringLiteral("healthy"));
}

TEST_F(DemoPlatformTest, DeploymentsListNewestFirstAndTokenRequired)
{
    EXPECT_EQ(call("GET", QStringLiteral("/v6/deployments?projectId=prj_demo"), false).status, 403);
    EXPECT_EQ(call("GET", QStringLiteral("/v6/deployments?projectId=prj_other")).status, 404);
    const auto list = call("GET", QStringLiteral("/v6/deployments?projectId=prj_demo&target=production"));
    ASSERT_EQ(list.status, 200);
    const QJsonArray deployments = object(list).value(QStringLiteral("deployments")).toArray();
    ASSERT_EQ(deployments.size(), 4) << "the preview build is not a production deployment";
    const auto previews = call("GET", QStringLiteral("/v6/deployments?projectId=prj_demo&target=preview"));
    ASSERT_EQ(object(previews).value(QStringLiteral("deployments")).toArray().size(), 1);
    EXPECT_EQ(object(call("GET", QStringLiteral("/v6/deployments?projectId=prj_demo"))).value(QStringLiteral("deployments"))
                  .toArray().size(), 5);
    EXPECT_EQ(deployments[0].toObject().value(QStringLiteral("uid")).toString(), QStringLiteral("dpl_demo_v4"));
    EXPECT_GT(deployments[0].toObject().value(QStringLiteral("created")).toDouble(),
              deployments[1].toObject().value(QStringLiteral("created")).toDouble());
    EXPECT_EQ(call("POST", QStringLiteral("/v1/projects/prj_demo/rollback/dpl_nope")).status, 404);
    EXPECT_EQ(m_platform.liveVersion(), QStringLiteral("v4"));
}

TEST_F(DemoPlatformTest, ApiRoutesAnswerWithLatency)
{
    call("POST", QStringLiteral("/v1/projects/prj_demo/rollback/dpl_demo_v2"));
    const auto contacts = call("GET", QStringLiteral("/api/contacts"), false);
    EXPECT_EQ(contacts.status, 200);
    EXPECT_GE(contacts.elapsed.count(), 15);
    EXPECT_EQ(object(contacts).value(QStringLiteral("contacts")).toArray().size(), 3);
    EXPECT_EQ(call("GET", QStringLiteral("/api/campaigns"), false).status, 200);
}

TEST_F(DemoPlatformTest, InjectedProviderFailures)
{
    m_platform.setProviderFailure(DemoPlatform::ProviderFailure::Http500);
    EXPECT_EQ(call("GET", QStringLiteral("/v6/deployments?projectId=prj_demo")).status, 500);
    m_platform.setProviderFailure(DemoPlatform::ProviderFailure::NonJson);
    const auto html = call("GET", QStringLiteral("/v6/deployments?projectId=prj_demo"));
    EXPECT_TRUE(html.body.startsWith("<html>"));
    m_platform.setProviderFailure(DemoPlatform::ProviderFailure::Hang);
    HttpRequest request;
    request.url = QUrl(m_platform.baseUrl() + QStringLiteral("/v6/deployments?projectId=prj_demo"));
    request.headers.append(qMakePair(QByteArray("Authorization"), QByteArray("Bearer demo-token")));
    request.timeout = 300ms;
    auto hung = HttpClient::send(request);
    ASSERT_FALSE(hung.ok());
    EXPECT_EQ(hung.error().kind, ErrorKind::Timeout);
}
