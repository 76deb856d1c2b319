// The WebSocket service in a real http::server::service on 127.0.0.1 (port 0), driven by our
// client library on the same event loop: echo with and without compression, chat rooms,
// pub/sub, send() backpressure and slow-consumer closing, cross-thread sends through a handle,
// and the keepalive that closes a peer which never answers pings.
#include <gtest/gtest.h>

#include <thread>

#include "core/bytes.hpp"
#include "http/server/service.hpp"
#include "net/tls.hpp"
#include "unit/app/temp_dir.hpp"
#include "websocket/client/client.hpp"
#include "websocket/server/service.hpp"

namespace l7::websocket::server {
namespace {

using client::received;
using namespace std::chrono_literals;

// Sends as much as it can on open and records what send() said.
struct flood_app : application {
  std::vector<send_result> results;
  void on_open(connection& c) override {
    std::string block(1024, 'x');
    for (int i = 0; i < 200; ++i) results.push_back(c.send_text(block));
  }
  void on_message(connection&, const message_event&) override {}
};

// Keeps a handle to every connection so that other threads can send to it.
struct handle_app : application {
  std::mutex mu;
  std::vector<handle> handles;
  void on_open(connection& c) override {
    std::lock_guard lock(mu);
    handles.emplace_back(c);
  }
  void on_message(connection&, const message_event&) override {}
};

class WebSocketServer : public ::testing::Test {
 protected:
  void start(settings s = {}, bool tls = false) {
    http::server::settings hs;
    hs.root = root_.path();
    hs.access_log = false;
    http_ = std::make_unique<http::server::service>(hs);
    ws_ = std::make_unique<service>(s);
    ws_->add_routes(http_->routes());
    http_->routes().add({"GET"}, "/flood", [this](http::server::exchange& ex) { return ws_->serve(ex, flood_); });
    http_->routes().add({"GET"}, "/handles", [this](http::server::exchange& ex) { return ws_->serve(ex, handles_); });
    net::tcp::acceptor acceptor(worker_.context(), {asio::ip::make_address("127.0.0.1"), 0});
    port_ = acceptor.local_endpoint().port();
    std::shared_ptr<asio::ssl::context> ctx;
    if (tls) ctx = net::make_server_context(net::ensure_self_signed(root_.path() / "tls"));
    tls_ = tls;
    http_->serve(worker_, std::move(acceptor), tls ? "https" : "http", ctx, 0);
  }

  std::string url(std::string_view path) const {
    return (tls_ ? "wss://127.0.0.1:" : "ws://127.0.0.1:") + std::to_string(port_) + std::string(path);
  }

  // Runs `fn` on the worker's loop until it finishes (at most 20 s).
  template <typename Fn>
  void run(Fn fn) {
    auto& io = worker_.context();
    bool done = false;
    asio::co_spawn(io, fn(), [&](std::exception_ptr e) {
      done = true;
      io.stop();
      if (e) std::rethrow_exception(e);
    });
    asio::steady_timer guard(io, 20s);
    guard.async_wait([&](std::error_code e) {
      if (!e) io.stop();
    });
    io.restart();
    io.run();
    ASSERT_TRUE(done) << "did not finish within 20 s";
  }

  net::awaitable<std::shared_ptr<client::connection>> open(std::string path, bool deflate = false) {
    client::options o;
    o.url = url(path);
    o.deflate = deflate;
    o.insecure = tls_;
    auto r = co_await client::connection::connect(o);
    EXPECT_FALSE(r.ec) << r.what << ": " << r.ec.message();
    co_return r.conn;
  }

  test::temp_dir root_;
  flood_app flood_;
  handle_app handles_;
  std::unique_ptr<http::server::service> http_;
  std::unique_ptr<service> ws_;
  net::worker worker_{0};  // after the services: destroyed first, with the sessions it runs
  std::uint16_t port_ = 0;
  bool tls_ = false;
};

TEST_F(WebSocketServer, EchoesWithAndWithoutCompression) {
  start();
  run([&]() -> net::awaitable<void> {
    for (bool deflate : {false, true}) {
      auto c = co_await open("/ws/echo", deflate);
      if (!c) co_return;
      EXPECT_EQ(c->deflate(), deflate);
      std::string big(300000, 'q');
      c->send_text("héllo");
      c->send(opcode::binary, as_bytes(big), 4096);  // fragmented
      auto a = co_await c->receive();
      EXPECT_EQ(a.what, received::kind::message);
      EXPECT_EQ(a.op, opcode::text);
      EXPECT_EQ(a.payload, "héllo");
      auto b = co_await c->receive();
      EXPECT_EQ(b.op, opcode::binary);
      EXPECT_EQ(b.payload, big);
      c->close(1000, "bye");
      auto z = co_await c->receive();
      EXPECT_EQ(z.what, received::kind::closed);
      EXPECT_EQ(z.code, 1000);
    }
  });
}

TEST_F(WebSocketServer, ChatRoomsAndPubSub) {
  start();
  run([&]() -> net::awaitable<void> {
    auto a = co_await open("/ws/chat/r1");
    auto b = co_await open("/ws/chat?room=r1");
    auto other = co_await open("/ws/chat/r2");
    if (!a || !b || !other) co_return;
    a->send_text("to r1");
    auto ra = co_await a->receive();
    auto rb = co_await b->receive();
    EXPECT_EQ(ra.payload, "to r1");
    EXPECT_EQ(rb.payload, "to r1");
    other->send_text("to r2");
    auto ro = co_await other->receive();
    EXPECT_EQ(ro.payload, "to r2");  // r1 did not get it: the next thing a sees is its own

    auto sub = co_await open("/ws/pubsub");
    auto pub = co_await open("/ws/pubsub");
    if (!sub || !pub) co_return;
    sub->send_text(R"({"subscribe":"s/+/t"})");
    EXPECT_EQ((co_await sub->receive()).payload, R"({"subscribed":"s/+/t"})");
    pub->send_text(R"({"publish":"s/k/t","data":[1,2]})");
    EXPECT_EQ((co_await pub->receive()).payload, R"({"published":"s/k/t","receivers":1})");
    EXPECT_EQ((co_await sub->receive()).payload, R"({"data":[1,2],"topic":"s/k/t"})");
    pub->send_text(R"({"publish":"s/#"})");
    EXPECT_EQ((co_await pub->receive()).payload, R"({"error":"invalid topic name"})");
    pub->send_text("not json");
    EXPECT_EQ((co_await pub->receive()).payload, R"({"error":"not a JSON object"})");
    a->send_text("again");
    EXPECT_EQ((co_await a->receive()).payload, "again");
    for (auto* c : {&a, &b, &other, &sub, &pub}) (*c)->close(1000, "");
  });
}

TEST_F(WebSocketServer, SendReportsBackpressureThenDropsAndClosesSlowConsumer) {
  settings s;
  s.send_buffer = 16 * 1024;
  s.max_send_queue = 64 * 1024;
  start(s);
  run([&]() -> net::awaitable<void> {
    auto c = co_await open("/flood");
    if (!c) co_return;
    std::size_t messages = 0;
    received last;
    for (;;) {
      last = co_await c->receive();
      if (last.what != received::kind::message) break;
      ++messages;
    }
    EXPECT_EQ(last.what, received::kind::closed);
    EXPECT_EQ(last.code, 1013);
    // Everything before the drop was delivered (frames are queued whole), nothing after it.
    auto queued = std::count(flood_.results.begin(), flood_.results.end(), send_result::queued);
    auto pressured = std::count(flood_.results.begin(), flood_.results.end(), send_result::backpressured);
    auto dropped = std::count(flood_.results.begin(), flood_.results.end(), send_result::dropped);
    EXPECT_GE(queued, 14);
    EXPECT_LE(queued, 16);
    EXPECT_GT(pressured, 0);
    EXPECT_EQ(flood_.results[static_cast<std::size_t>(queued + pressured)], send_result::dropped);
    EXPECT_EQ(queued + pressured + dropped, 200);
    EXPECT_LE(messages, static_cast<std::size_t>(queued + pressured));
  });
}

TEST_F(WebSocketServer, HandleSendsFromAnotherThread) {
  start();
  run([&]() -> net::awaitable<void> {
    auto c = co_await open("/handles");
    if (!c) co_return;
    std::vector<handle> hs;
    {
      std::lock_guard lock(handles_.mu);
      hs = handles_.handles;
    }
    EXPECT_EQ(hs.size(), 1u);
    if (hs.empty()) co_return;
    std::thread t([h = hs[0]] {
      for (int i = 0; i < 100; ++i)
        h.send(opcode::text, std::make_shared<const std::string>("m" + std::to_string(i)));
    });
    for (int i = 0; i < 100; ++i) {
      auto r = co_await c->receive();
      EXPECT_EQ(r.payload, "m" + std::to_string(i));  // in order
    }
    t.join();
    c->close(1000, "");
  });
}

TEST_F(WebSocketServer, KeepaliveClosesSilentPeerButNotAnsweringOne) {
  settings s;
  s.ping_interval = 100ms;
  s.pong_timeout = 200ms;
  start(s);
  run([&]() -> net::awaitable<void> {
    // Our client answers pings while it waits in receive().
    auto alive = co_await open("/ws/echo");
    if (!alive) co_return;
    // A raw peer that completes the handshake and then never reads or answers.
    net::tcp::socket raw(worker_.context());
    co_await raw.async_connect({asio::ip::make_address("127.0.0.1"), port_}, net::use_tuple);
    std::string req = "GET /ws/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    co_await asio::async_write(raw, asio::buffer(req), net::use_tuple);
    auto started = std::chrono::steady_clock::now();
    // Keep `alive` busy receiving for a while: the pings it gets are answered.
    asio::steady_timer later(worker_.context(), 700ms);
    later.async_wait([alive](std::error_code) { alive->send_text("still here"); });
    auto r = co_await alive->receive();
    EXPECT_EQ(r.payload, "still here");
    // The silent peer: 101, then pings, then EOF once pong_timeout passed.
    std::string got;
    char buf[1024];
    for (;;) {
      auto [ec, n] = co_await raw.async_read_some(asio::buffer(buf), net::use_tuple);
      got.append(buf, n);
      if (ec) break;
    }
    auto took = std::chrono::steady_clock::now() - started;
    EXPECT_NE(got.find("101 Switching Protocols"), std::string::npos);
    EXPECT_NE(got.find("\x89\x00", 0, 2), std::string::npos);  // an empty ping
    EXPECT_LT(took, 5s);
    alive->close(1000, "");
  });
}

// Over TLS a read is always in flight while the peer is quiet. The keepalive tick that frees an
// idle connection's memory must not free the buffer that read writes into (CI caught this as a
// null-buffer header decode after a pong).
TEST_F(WebSocketServer, IdleMemoryReleaseLeavesAnInFlightReadAlone) {
  settings s;
  s.ping_interval = 50ms;
  s.pong_timeout = 2s;
  start(s, true);
  run([&]() -> net::awaitable<void> {
    auto c = co_await open("/ws/echo");
    if (!c) co_return;
    asio::steady_timer later(worker_.context(), 400ms);  // several pings and pongs first
    later.async_wait([c](std::error_code) { c->send_text("after the pings"); });
    auto r = co_await c->receive();
    EXPECT_EQ(r.what, received::kind::message);
    EXPECT_EQ(r.payload, "after the pings");
    c->send_text("and once more");
    r = co_await c->receive();
    EXPECT_EQ(r.payload, "and once more");
    c->close(1000, "");
  });
}

TEST_F(WebSocketServer, PlainGetGets426AndBadVersionIsRefused) {
  start();
  run([&]() -> net::awaitable<void> {
    for (auto [req, want] : {std::pair{std::string("GET /ws/echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                                       std::string("HTTP/1.1 426")},
                             std::pair{std::string("GET /ws/echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                                                   "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                                   "Sec-WebSocket-Version: 8\r\n\r\n"),
                                       std::string("HTTP/1.1 426")}}) {
      net::tcp::socket raw(worker_.context());
      co_await raw.async_connect({asio::ip::make_address("127.0.0.1"), port_}, net::use_tuple);
      co_await asio::async_write(raw, asio::buffer(req), net::use_tuple);
      std::string got;
      char buf[2048];
      while (got.find("\r\n\r\n") == std::string::npos) {
        auto [ec, n] = co_await raw.async_read_some(asio::buffer(buf), net::use_tuple);
        got.append(buf, n);
        if (ec) break;
      }
      EXPECT_EQ(got.substr(0, want.size()), want) << got;
      EXPECT_NE(got.find("Sec-WebSocket-Version: 13"), std::string::npos) << got;
    }
  });
}

}  // namespace
}  // namespace l7::websocket::server
