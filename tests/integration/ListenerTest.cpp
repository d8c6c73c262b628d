// SPDX-License-Identifier: MIT
#include "TestCluster.h"

#include "db/Listener.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QHostAddress>
#include <QTcpServer>
#include <QTimer>

#include <gtest/gtest.h>

#include <functional>
#include <vector>

using namespace ops::services;
using namespace std::chrono_literals;
using ops::testing::TestCluster;

namespace {

// Runs the event loop until `condition` holds or `timeout` passes.
bool waitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout)
{
    if (condition())
        return true;
    QEventLoop loop;
    QTimer poll;
    poll.setInterval(10);
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (condition())
            loop.quit();
    });
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    poll.start();
    deadline.start(timeout);
    loop.exec();
    return condition();
}

// Runs the event loop for `duration`, for "nothing more arrives" checks.
void spin(std::chrono::milliseconds duration)
{
    waitUntil([] { return false; }, duration);
}

struct Received {
    QString channel;
    QString payload;
    int senderPid = 0;
};

// Records everything a Listener emits, in order.
struct Recorder {
    explicit Recorder(Listener& listener)
    {
        QObject::connect(&listener, &Listener::notification, &listener,
                         [this](const QString& channel, const QString& payload, int pid) {
                             received.push_back({channel, payload, pid});
                         });
        QObject::connect(&listener, &Listener::connected, &listener, [this] { events << QStringLiteral("connected"); });
        QObject::connect(&listener, &Listener::disconnected, &listener, [this](const Error& reason) {
            events << QStringLiteral("disconnected");
            errors.push_back(reason);
        });
    }
    int count(const QString& event) const { return int(events.count(event)); }

    std::vector<Received> received;
    QStringList events;
    std::vector<Error> errors;
};

class ListenerTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto database = TestCluster::shared().createDatabase(TestCluster::Schema::Empty);
        ASSERT_TRUE(database.ok()) << database.error().toString().toStdString();
        m_options = database.value();
        openSender();
    }

    void openSender()
    {
        auto sender = Connection::open(m_options, 10s);
        ASSERT_TRUE(sender.ok()) << sender.error().toString().toStdString();
        m_sender = std::move(sender.value());
    }

    void notify(const QString& channel, const QString& payload)
    {
        auto sent = m_sender->exec(QStringLiteral("SELECT pg_notify($1, $2)"), {channel, payload});
        ASSERT_TRUE(sent.ok()) << sent.error().toString().toStdString();
    }

    // Backends of listeners (they name themselves in application_name) on this test's database.
    qint64 listenerBackends()
    {
        auto counted = m_sender->exec(QStringLiteral("SELECT count(*) FROM pg_stat_activity "
                                                     "WHERE datname = $1 AND application_name = 'ops-console listener'"),
                                      {m_options.database()});
        EXPECT_TRUE(counted.ok());
        return counted.ok() ? counted->toInt64(0, 0) : -1;
    }

    ConnectionOptions m_options;
    std::unique_ptr<Connection> m_sender;
};

} // namespace

TEST(ListenerChannels, OnlyPlainLowerCaseIdentifiersAreValid)
{
    EXPECT_TRUE(Listener::isValidChannel(QStringLiteral("ops_alerts")));
    EXPECT_TRUE(Listener::isValidChannel(QStringLiteral("_private2")));
    EXPECT_TRUE(Listener::isValidChannel(QString(63, QLatin1Char('a'))));
    EXPECT_FALSE(Listener::isValidChannel(QString(64, QLatin1Char('a'))));  // PostgreSQL would truncate it
    EXPECT_FALSE(Listener::isValidChannel(QString()));
    EXPECT_FALSE(Listener::isValidChannel(QStringLiteral("Ops")));
    EXPECT_FALSE(Listener::isValidChannel(QStringLiteral("1st")));
    EXPECT_FALSE(Listener::isValidChannel(QStringLiteral("a-b")));
    EXPECT_FALSE(Listener::isValidChannel(QStringLiteral("ops\n")));  // $ alone would accept this
    EXPECT_FALSE(Listener::isValidChannel(QStringLiteral("x\"; DROP TABLE t; --")));
    EXPECT_FALSE(Listener::isValidChannel(QStringLiteral("ünï")));
}

TEST(ListenerBackoff, DoublesFrom200MsUpTo10Seconds)
{
    EXPECT_EQ(Listener::backoffCeiling(0), 200ms);
    EXPECT_EQ(Listener::backoffCeiling(1), 400ms);
    EXPECT_EQ(Listener::backoffCeiling(2), 800ms);
    EXPECT_EQ(Listener::backoffCeiling(5), 6400ms);
    EXPECT_EQ(Listener::backoffCeiling(6), 10000ms);
    EXPECT_EQ(Listener::backoffCeiling(1000), 10000ms);
}

TEST_F(ListenerTest, DeliversChannelPayloadAndSenderPidVerbatim)
{
    Listener listener(m_options, {QStringLiteral("ops_alerts"), QStringLiteral("ops_deploys")});
    Recorder recorder(listener);
    listener.start();
    // start() only launched the work: connecting happens on a worker, the hand-over on this loop.
    EXPECT_FALSE(listener.isConnected());
    ASSERT_TRUE(waitUntil([&] { return listener.isConnected(); }, 10s));
    EXPECT_EQ(recorder.events, QStringList{QStringLiteral("connected")});

    const QString markup = QStringLiteral("<b class=\"x\">it's \"quoted\" & <i>done</i></b>\n\ttab ünïcødé ✓ 🚀 back\\slash '' %s $1");
    notify(QStringLiteral("ops_alerts"), QStringLiteral("plain"));
    notify(QStringLiteral("ops_deploys"), markup);
    notify(QStringLiteral("ops_alerts"), QString());
    ASSERT_TRUE(waitUntil([&] { return recorder.received.size() >= 3; }, 10s));
    ASSERT_EQ(recorder.received.size(), 3u);
    EXPECT_EQ(recorder.received[0].channel, QStringLiteral("ops_alerts"));
    EXPECT_EQ(recorder.received[0].payload, QStringLiteral("plain"));
    EXPECT_EQ(recorder.received[1].channel, QStringLiteral("ops_deploys"));
    EXPECT_EQ(recorder.received[1].payload, markup);
    EXPECT_EQ(recorder.received[2].channel, QStringLiteral("ops_alerts"));
    EXPECT_TRUE(recorder.received[2].payload.isEmpty());
    for (const Received& one : recorder.received)
        EXPECT_EQ(one.senderPid, m_sender->backendPid());
    EXPECT_TRUE(recorder.errors.empty());
}

TEST_F(ListenerTest, ChannelsNotListenedToAreNotDelivered)
{
    Listener listener(m_options, {QStringLiteral("ops_wanted")});
    Recorder recorder(listener);
    listener.start();
    ASSERT_TRUE(waitUntil([&] { return listener.isConnected(); }, 10s));

    notify(QStringLiteral("ops_unwanted"), QStringLiteral("not for us"));
    notify(QStringLiteral("ops_wanted_not"), QStringLiteral("not for us either"));
    notify(QStringLiteral("ops_wanted"), QStringLiteral("marker"));
    // The server delivers one sender's notifications in commit order: once the marker is here,
    // anything sent before it would have arrived already.
    ASSERT_TRUE(waitUntil([&] { return !recorder.received.empty(); }, 10s));
    spin(100ms);
    ASSERT_EQ(recorder.received.size(), 1u);
    EXPECT_EQ(recorder.received[0].channel, QStringLiteral("ops_wanted"));
    EXPECT_EQ(recorder.received[0].payload, QStringLiteral("marker"));
}

TEST_F(ListenerTest, NotificationsOfATransactionArriveAtCommitOnly)
{
    Listener listener(m_options, {QStringLiteral("ops_tx")});
    Recorder recorder(listener);
    listener.start();
    ASSERT_TRUE(waitUntil([&] { return listener.isConnected(); }, 10s));

    ASSERT_TRUE(m_sender->exec(QStringLiteral("BEGIN")).ok());
    notify(QStringLiteral("ops_tx"), QStringLiteral("one"));
    notify(QStringLiteral("ops_tx"), QStringLiteral("two"));
    spin(200ms);
    EXPECT_TRUE(recorder.received.empty());
    ASSERT_TRUE(m_sender->exec(QStringLiteral("COMMIT")).ok());
    ASSERT_TRUE(waitUntil([&] { return recorder.received.size() >= 2; }, 10s));
    EXPECT_EQ(recorder.received[0].payload, QStringLiteral("one"));
    EXPECT_EQ(recorder.received[1].payload, QStringLiteral("two"));
}

TEST_F(ListenerTest, AnInvalidChannelIsRefusedWithoutConnecting)
{
    Listener listener(m_options, {QStringLiteral("ops_fine"), QStringLiteral("Ops-Bad\"; DROP TABLE x; --")});
    Recorder recorder(listener);
    listener.start();
    // Refused synchronously, with an error naming the channel.
    ASSERT_EQ(recorder.events, QStringList{QStringLiteral("disconnected")});
    EXPECT_EQ(recorder.errors[0].kind, ErrorKind::InvalidInput);
    EXPECT_TRUE(recorder.errors[0].message.contains(QLatin1String("Ops-Bad"))) << recorder.errors[0].message.toStdString();
    spin(300ms);
    EXPECT_FALSE(listener.isConnected());
    EXPECT_EQ(recorder.events, QStringList{QStringLiteral("disconnected")});
    EXPECT_EQ(listenerBackends(), 0);

    Listener empty(m_options, {});
    Recorder emptyRecorder(empty);
    empty.start();
    ASSERT_EQ(emptyRecorder.errors.size(), 1u);
    EXPECT_EQ(emptyRecorder.errors[0].kind, ErrorKind::InvalidInput);
}

TEST_F(ListenerTest, ReconnectsAndListensAgainAfterAServerRestart)
{
    Listener listener(m_options, {QStringLiteral("ops_restart")});
    Recorder recorder(listener);
    listener.start();
    ASSERT_TRUE(waitUntil([&] { return listener.isConnected(); }, 10s));
    notify(QStringLiteral("ops_restart"), QStringLiteral("before"));
    ASSERT_TRUE(waitUntil([&] { return recorder.received.size() == 1; }, 10s));

    m_sender.reset();
    auto stopped = TestCluster::shared().stop();
    ASSERT_TRUE(stopped.ok()) << stopped.error().toString().toStdString();
    auto started = TestCluster::shared().start();
    ASSERT_TRUE(started.ok()) << started.error().toString().toStdString();

    // No intervention: the listener notices, reports, reconnects and LISTENs again by itself.
    ASSERT_TRUE(waitUntil([&] { return recorder.count(QStringLiteral("connected")) == 2; }, 30s))
        << recorder.events.join(QLatin1Char(' ')).toStdString();
    EXPECT_EQ(recorder.events, (QStringList{QStringLiteral("connected"), QStringLiteral("disconnected"),
                                            QStringLiteral("connected")}));
    ASSERT_EQ(recorder.errors.size(), 1u);
    EXPECT_EQ(recorder.errors[0].kind, ErrorKind::Connection) << recorder.errors[0].toString().toStdString();
    EXPECT_TRUE(recorder.errors[0].retryable);
    EXPECT_TRUE(listener.isConnected());

    openSender();
    notify(QStringLiteral("ops_restart"), QStringLiteral("after"));
    ASSERT_TRUE(waitUntil([&] { return recorder.received.size() == 2; }, 10s));
    EXPECT_EQ(recorder.received[1].payload, QStringLiteral("after"));
    EXPECT_EQ(recorder.received[1].senderPid, m_sender->backendPid());
}

TEST_F(ListenerTest, StopEndsDeliveryAndClosesTheConnection)
{
    Listener listener(m_options, {QStringLiteral("ops_stop")});
    Recorder recorder(listener);
    listener.start();
    ASSERT_TRUE(waitUntil([&] { return listener.isConnected(); }, 10s));
    EXPECT_EQ(listenerBackends(), 1);
    notify(QStringLiteral("ops_stop"), QStringLiteral("one"));
    ASSERT_TRUE(waitUntil([&] { return recorder.received.size() == 1; }, 10s));

    listener.stop();
    EXPECT_FALSE(listener.isConnected());
    // The backend exits once it has read our goodbye.
    EXPECT_TRUE(waitUntil([&] { return listenerBackends() == 0; }, 10s));
    notify(QStringLiteral("ops_stop"), QStringLiteral("two"));
    spin(300ms);
    EXPECT_EQ(recorder.received.size(), 1u);
    EXPECT_EQ(recorder.events, QStringList{QStringLiteral("connected")});  // stop() is not a disconnection

    // A stopped listener can start again.
    listener.start();
    ASSERT_TRUE(waitUntil([&] { return listener.isConnected(); }, 10s));
    notify(QStringLiteral("ops_stop"), QStringLiteral("three"));
    ASSERT_TRUE(waitUntil([&] { return recorder.received.size() == 2; }, 10s));
    EXPECT_EQ(recorder.received[1].payload, QStringLiteral("three"));
}

TEST_F(ListenerTest, StopWhileConnectingDropsTheAttempt)
{
    auto listener = std::make_unique<Listener>(m_options, QStringList{QStringLiteral("ops_early")});
    Recorder recorder(*listener);
    listener->start();
    listener->stop();
    spin(300ms);
    EXPECT_TRUE(recorder.events.isEmpty());
    EXPECT_FALSE(listener->isConnected());
    // The worker finishes its attempt and closes the connection on its own thread.
    EXPECT_TRUE(waitUntil([&] { return listenerBackends() == 0; }, 10s));

    // Destroying a listener with an attempt in flight is fine too.
    listener->start();
    listener.reset();
    EXPECT_TRUE(waitUntil([&] { return listenerBackends() == 0; }, 10s));
}

TEST_F(ListenerTest, AnUnresponsiveServerNeverBlocksTheListenersThread)
{
    // Accepts TCP connections (the kernel's backlog) but never answers the startup packet.
    QTcpServer silent;
    ASSERT_TRUE(silent.listen(QHostAddress::LocalHost, 0));
    auto options = ConnectionOptions::fromConnectionString(
        QStringLiteral("host=127.0.0.1 port=%1 dbname=ops user=ops").arg(silent.serverPort()));
    ASSERT_TRUE(options.ok());
    options->connectTimeout = 1s;

    Listener listener(options.value(), {QStringLiteral("ops_silent")});
    Recorder recorder(listener);
    QElapsedTimer clock;
    clock.start();
    listener.start();
    EXPECT_LT(clock.elapsed(), 200);
    ASSERT_TRUE(waitUntil([&] { return !recorder.errors.empty(); }, 10s));
    EXPECT_EQ(recorder.errors[0].kind, ErrorKind::Timeout) << recorder.errors[0].toString().toStdString();
    EXPECT_FALSE(listener.isConnected());
    clock.restart();
    listener.stop();
    EXPECT_LT(clock.elapsed(), 200);
}
