// SPDX-License-Identifier: MIT
// Which rule of the sandbox settings decided an event, and the "allow this domain" diff.
#include "sandbox/SandboxPolicy.h"

#include <gtest/gtest.h>

using namespace ops::services::sandbox;

namespace {

SandboxPolicy policy()
{
    auto loaded = SandboxPolicy::load(QStringLiteral(OPS_TEST_DATA "/sandbox/settings.json"),
                                      QStringLiteral("/home/dev"), QStringLiteral("/home/dev/app"));
    EXPECT_TRUE(loaded.ok()) << (loaded ? std::string() : loaded.error().toString().toStdString());
    return loaded.value();
}

ViolationEvent event(ViolationKind kind, const QString& target, const QString& agent = QStringLiteral("node(1)"))
{
    ViolationEvent e;
    e.kind = kind;
    e.target = target;
    e.agent = agent;
    return e;
}

} // namespace

TEST(SandboxPolicy, NetworkDeniedUnlessAllowedAndExplicitDenyWins)
{
    const SandboxPolicy p = policy();
    PolicyVerdict v = p.explain(event(ViolationKind::Network, QStringLiteral("evil.example.com:443")));
    EXPECT_EQ(v.decision, Decision::Blocked);
    EXPECT_EQ(v.rule, QStringLiteral("network: evil.example.com is not in allowedDomains"));
    v = p.explain(event(ViolationKind::Network, QStringLiteral("registry.npmjs.org:443")));
    EXPECT_EQ(v.decision, Decision::Allowed);
    EXPECT_EQ(v.rule, QStringLiteral("network.allowedDomains: *.npmjs.org"));
    v = p.explain(event(ViolationKind::Network, QStringLiteral("npmjs.org:443")));  // the apex is not a subdomain
    EXPECT_EQ(v.decision, Decision::Blocked);
    v = p.explain(event(ViolationKind::Network, QStringLiteral("API.example.com:443")));  // allowed AND denied
    EXPECT_EQ(v.decision, Decision::Blocked);
    EXPECT_EQ(v.rule, QStringLiteral("network.deniedDomains: api.example.com"));
    v = p.explain(event(ViolationKind::Network, QStringLiteral("x.pastebin.com:80")));
    EXPECT_EQ(v.rule, QStringLiteral("network.deniedDomains: *.pastebin.com"));
}

TEST(SandboxPolicy, ReadsAllowedUnlessDeniedWritesDeniedUnlessAllowed)
{
    const SandboxPolicy p = policy();
    PolicyVerdict v = p.explain(event(ViolationKind::Secret, QStringLiteral("/home/dev/.ssh/id_rsa")));
    EXPECT_EQ(v.decision, Decision::Blocked);
    EXPECT_EQ(v.rule, QStringLiteral("filesystem.denyRead: ~/.ssh"));
    // allowRead inside a denied directory does not override the deny: an explicit deny wins.
    v = p.explain(event(ViolationKind::FileRead, QStringLiteral("/home/dev/.ssh/known_hosts")));
    EXPECT_EQ(v.decision, Decision::Blocked);
    v = p.explain(event(ViolationKind::Secret, QStringLiteral("/home/dev/app/web/.env.local")));
    EXPECT_EQ(v.rule, QStringLiteral("filesystem.denyRead: **/.env*"));
    v = p.explain(event(ViolationKind::FileRead, QStringLiteral("/etc/hosts")));
    EXPECT_EQ(v.decision, Decision::Allowed);

    v = p.explain(event(ViolationKind::FileWrite, QStringLiteral("/home/dev/app/src/main.ts")));
    EXPECT_EQ(v.decision, Decision::Allowed);
    EXPECT_EQ(v.rule, QStringLiteral("filesystem.allowWrite: ."));
    v = p.explain(event(ViolationKind::FileWrite, QStringLiteral("/home/dev/app/.git/hooks/pre-commit")));
    EXPECT_EQ(v.decision, Decision::Blocked);
    EXPECT_EQ(v.rule, QStringLiteral("filesystem.denyWrite: .git/hooks"));
    v = p.explain(event(ViolationKind::FileWrite, QStringLiteral("/home/dev/.bashrc")));
    EXPECT_EQ(v.decision, Decision::Blocked);
    EXPECT_EQ(v.rule, QStringLiteral("filesystem: writes are denied unless in allowWrite"));
    v = p.explain(event(ViolationKind::FileWrite, QStringLiteral("/home/dev/app/../.bashrc")));  // no escape by ..
    EXPECT_EQ(v.decision, Decision::Blocked);
}

TEST(SandboxPolicy, IgnoreViolationsPerCommand)
{
    const SandboxPolicy p = policy();
    PolicyVerdict v = p.explain(event(ViolationKind::FileRead, QStringLiteral("/usr/share/zoneinfo/UTC")));
    EXPECT_TRUE(v.ignored);
    EXPECT_EQ(v.ignoredBy, QStringLiteral("ignoreViolations[\"*\"]: /usr/share/zoneinfo"));
    EXPECT_TRUE(p.explain(event(ViolationKind::FileRead, QStringLiteral("/etc/gitconfig"), QStringLiteral("git(5)"))).ignored);
    EXPECT_FALSE(p.explain(event(ViolationKind::FileRead, QStringLiteral("/etc/gitconfig"), QStringLiteral("cat(5)"))).ignored);
}

TEST(SandboxPolicy, AllowThisDomainIsAProposedDiffNeverAnEdit)
{
    const SandboxPolicy p = policy();
    const QString diff = p.proposeAllowDomain(QStringLiteral("api.example.com"));
    EXPECT_TRUE(diff.startsWith(QStringLiteral("--- a/settings.json\n+++ b/settings.json\n"))) << diff.toStdString();
    EXPECT_TRUE(diff.contains(QStringLiteral("\n-            \"api.example.com\",\n"))) << diff.toStdString();  // leaves deniedDomains
    const QString newDomain = p.proposeAllowDomain(QStringLiteral("evil.example.com"));
    EXPECT_TRUE(newDomain.contains(QStringLiteral("+            \"evil.example.com\""))) << newDomain.toStdString();
    EXPECT_TRUE(p.proposeAllowDomain(QStringLiteral("github.com")).isEmpty());  // already allowed
}

TEST(SandboxPolicy, MalformedSettingsAreRefusedWithAMessage)
{
    auto bad = SandboxPolicy::fromJson(R"({"network":{"allowedDomains":"github.com"}})", QStringLiteral("/h"), QStringLiteral("/p"));
    ASSERT_FALSE(bad.ok());
    EXPECT_TRUE(bad.error().message.contains(QStringLiteral("network.allowedDomains")));
    EXPECT_FALSE(SandboxPolicy::fromJson("not json", QStringLiteral("/h"), QStringLiteral("/p")).ok());
}

TEST(SandboxPolicy, ProposalsForWritesReadsAndOtherKinds)
{
    const SandboxPolicy p = policy();
    // A write under an explicit denyWrite: "." already allows it, so only the deny entry goes.
    const PolicyChange write = p.proposeAllow(event(ViolationKind::FileWrite, QStringLiteral("/home/dev/app/.git/hooks/pre-commit")));
    EXPECT_FALSE(write.diff.contains(QStringLiteral("+            \"/home/dev/app/.git/hooks/pre-commit\""))) << write.diff.toStdString();
    EXPECT_TRUE(write.diff.contains(QStringLiteral("-            \".git/hooks\""))) << write.diff.toStdString();
    // A write outside every allowWrite entry: added.
    const PolicyChange outside = p.proposeAllow(event(ViolationKind::FileWrite, QStringLiteral("/var/cache/app")));
    EXPECT_TRUE(outside.diff.contains(QStringLiteral("+            \"/var/cache/app\""))) << outside.diff.toStdString();
    // The proposed file is valid settings that now allow it.
    auto after = SandboxPolicy::fromJson(write.proposedSettings, QStringLiteral("/home/dev"), QStringLiteral("/home/dev/app"));
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->explain(event(ViolationKind::FileWrite, QStringLiteral("/home/dev/app/.git/hooks/pre-commit"))).decision,
              Decision::Allowed);

    // A denied read of a secret: only removing the deny allows it, and the summary says what else that allows.
    const PolicyChange read = p.proposeAllow(event(ViolationKind::Secret, QStringLiteral("/home/dev/.ssh/id_rsa")));
    EXPECT_TRUE(read.diff.contains(QStringLiteral("-            \"~/.ssh\""))) << read.diff.toStdString();
    EXPECT_TRUE(read.summary.contains(QStringLiteral("every other path"))) << read.summary.toStdString();

    // A network target with a port: the host is proposed, not host:port.
    const PolicyChange net = p.proposeAllow(event(ViolationKind::Network, QStringLiteral("Evil.Example.com:443")));
    EXPECT_TRUE(net.diff.contains(QStringLiteral("+            \"evil.example.com\""))) << net.diff.toStdString();

    // Nothing in the settings file decides a process event: nothing proposed.
    const PolicyChange process = p.proposeAllow(event(ViolationKind::Process, QStringLiteral("/usr/bin/nc")));
    EXPECT_TRUE(process.diff.isEmpty());
    EXPECT_FALSE(process.summary.isEmpty());
    // Already allowed: empty diff.
    EXPECT_TRUE(p.proposeAllow(event(ViolationKind::FileWrite, QStringLiteral("/tmp/x"))).diff.isEmpty());
}
