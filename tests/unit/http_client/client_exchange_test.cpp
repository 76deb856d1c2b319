// client::fetch() against scripted servers: body framings, persistence and reuse, 1xx and
// 100-continue, the retry on a connection closed while idle, and failures.
#include <gtest/gtest.h>

#include "core/bytes.hpp"
#include "http/client/error.hpp"
#include "client_test_server.hpp"

namespace l7::http::client::test {
namespace {

using namespace std::chrono_literals;

// Fetch state shared by a test and its callbacks.
struct capture {
  std::string body;
  std::vector<int> statuses;  // every response head, interim ones included
  std::vector<std::string> info;

  callbacks make() {
    callbacks cb;
    cb.info = [this](std::string_view line) { info.emplace_back(line); };
    cb.response = [this](const response_head& h, response_kind) {
      statuses.push_back(h.status);
      return std::error_code{};
    };
    cb.body = [this](std::span<const std::byte> b) {
      body.append(as_chars(b));
      return std::error_code{};
    };
    return cb;
  }
  bool said(std::string_view prefix) const {
    for (const auto& line : info)
      if (line.starts_with(prefix)) return true;
    return false;
  }
};

// Answers every request on a connection with `response`, until the client closes.
test_server::handler answer_all(std::string response) {
  return [response](server_conn& c, int) -> net::awaitable<void> {
    for (;;) {
      auto rq = co_await c.read_request();
      if (!rq) co_return;
      co_await c.send(response);
    }
  };
}

result fetch_once(asio::io_context& io, client& cl, request req, capture& cap) {
  result r;
  run_client(io, [&]() -> net::awaitable<void> { r = co_await cl.fetch(req, cap.make()); });
  return r;
}

TEST(HttpClientExchange, ContentLengthBody) {
  asio::io_context io;
  test_server srv(io, answer_all("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"));
  client cl({});
  capture cap;
  const auto r = fetch_once(io, cl, make_request(srv.url("/x")), cap);
  ASSERT_FALSE(r.ec) << r.message();
  EXPECT_EQ(r.head.status, 200);
  EXPECT_EQ(cap.body, "hello");
  EXPECT_EQ(r.body_bytes, 5u);
  EXPECT_TRUE(cap.said("Connected to 127.0.0.1 (127.0.0.1) port"));
  EXPECT_TRUE(cap.said("Connection #0 to host 127.0.0.1 left intact"));
}

TEST(HttpClientExchange, ChunkedBodyWithTrailers) {
  asio::io_context io;
  test_server srv(io, answer_all("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                 "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Sum: 1\r\n\r\n"));
  client cl({});
  capture cap;
  const auto r = fetch_once(io, cl, make_request(srv.url("/")), cap);
  ASSERT_FALSE(r.ec) << r.message();
  EXPECT_EQ(cap.body, "hello world");
}

TEST(HttpClientExchange, CloseDelimitedBodyIsNotReused) {
  asio::io_context io;
  test_server srv(io, [](server_conn& c, int) -> net::awaitable<void> {
    auto first = co_await c.read_request();
    if (!first) co_return;
    co_await c.send("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end");
    c.close();
  });
  client cl({});
  capture cap;
  auto r = fetch_once(io, cl, make_request(srv.url("/")), cap);
  ASSERT_FALSE(r.ec) << r.message();
  EXPECT_EQ(cap.body, "until the end");
  EXPECT_TRUE(cap.said("Closing connection #0"));
  cap.body.clear();
  r = fetch_once(io, cl, make_request(srv.url("/")), cap);
  ASSERT_FALSE(r.ec) << r.message();
  EXPECT_EQ(srv.connections(), 2);
}

TEST(HttpClientExchange, KeepAliveReusesTheConnection) {
  asio::io_context io;
  test_server srv(io, answer_all("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
  client cl({});
  capture cap;
  run_client(io, [&]() -> net::awaitable<void> {
    for (int i = 0; i < 3; ++i) {
      auto r = co_await cl.fetch(make_request(srv.url("/n")), cap.make());
      EXPECT_FALSE(r.ec) << r.message();
    }
  });
  EXPECT_EQ(cap.body, "okokok");
  EXPECT_EQ(srv.connections(), 1);
  EXPECT_TRUE(cap.said("Re-using existing connection #0 with host 127.0.0.1"));
}

TEST(HttpClientExchange, HeadAnd204And304HaveNoBody) {
  asio::io_context io;
  test_server srv(io, [](server_conn& c, int) -> net::awaitable<void> {
    for (;;) {
      auto rq = co_await c.read_request();
      if (!rq) co_return;
      if (rq->head.method == "HEAD") co_await c.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
      else if (rq->head.target == "/204") co_await c.send("HTTP/1.1 204 No Content\r\n\r\n");
      else co_await c.send("HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n");
    }
  });
  client cl({});
  capture cap;
  run_client(io, [&]() -> net::awaitable<void> {
    for (auto [method, path] : {std::pair{"HEAD", "/"}, {"GET", "/204"}, {"GET", "/304"}}) {
      auto r = co_await cl.fetch(make_request(srv.url(path), method), cap.make());
      EXPECT_FALSE(r.ec) << r.message();
    }
  });
  EXPECT_EQ(cap.statuses, (std::vector<int>{200, 204, 304}));
  EXPECT_EQ(cap.body, "");
  EXPECT_EQ(srv.connections(), 1);
}

TEST(HttpClientExchange, InterimResponsesAreSkipped) {
  asio::io_context io;
  test_server srv(io, answer_all("HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
                                 "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"));
  client cl({});
  capture cap;
  const auto r = fetch_once(io, cl, make_request(srv.url("/")), cap);
  ASSERT_FALSE(r.ec) << r.message();
  EXPECT_EQ(cap.statuses, (std::vector<int>{103, 200}));
  EXPECT_EQ(cap.body, "x");
}

TEST(HttpClientExchange, ExpectContinueWaitsFor100) {
  asio::io_context io;
  std::string got;
  test_server srv(io, [&](server_conn& c, int) -> net::awaitable<void> {
    auto head = co_await c.read_head();
    if (!head) co_return;
    EXPECT_EQ(head->headers.get("Expect").value_or(""), "100-continue");
    co_await c.send("HTTP/1.1 100 Continue\r\n\r\n");
    got = co_await c.read_body();
    co_await c.send("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
  });
  options o;
  o.continue_timeout = 5s;  // the test fails by timing out if 100 is ignored
  client cl(o);
  capture cap;
  auto req = make_request(srv.url("/up"), "PUT");
  req.body = std::make_shared<body_source>(body_source::from_string("payload"));
  req.expect_continue = true;
  const auto r = fetch_once(io, cl, req, cap);
  ASSERT_FALSE(r.ec) << r.message();
  EXPECT_EQ(got, "payload");
  EXPECT_EQ(cap.statuses, (std::vector<int>{100, 201}));
}

TEST(HttpClientExchange, ExpectContinueRefusedSkipsTheBody) {
  asio::io_context io;
  test_server srv(io, [&](server_conn& c, int) -> net::awaitable<void> {
    auto head = co_await c.read_head();
    if (!head) co_return;
    co_await c.send("HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\n\r\n");
  });
  options o;
  o.continue_timeout = 5s;
  client cl(o);
  capture cap;
  auto req = make_request(srv.url("/up"), "POST");
  req.body = std::make_shared<body_source>(body_source::from_string(std::string(4096, 'x')));
  req.expect_continue = true;
  const auto r = fetch_once(io, cl, req, cap);
  ASSERT_FALSE(r.ec) << r.message();
  EXPECT_EQ(r.head.status, 413);
  EXPECT_TRUE(cap.said("Closing connection #0"));  // the server never read the body
}

TEST(HttpClientExchange, ExpectContinueTimeoutSendsTheBodyAnyway) {
  asio::io_context io;
  std::string got;
  test_server srv(io, [&](server_conn& c, int) -> net::awaitable<void> {
    auto head = co_await c.read_head();
    if (!head) co_return;
    got = co_await c.read_body();  // an HTTP/1.0-minded server: no 100 Continue
    co_await c.send("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  });
  options o;
  o.continue_timeout = 50ms;
  client cl(o);
  capture cap;
  auto req = make_request(srv.url("/up"), "POST");
  req.body = std::make_shared<body_source>(body_source::from_string("late"));
  req.expect_continue = true;
  const auto r = fetch_once(io, cl, req, cap);
  ASSERT_FALSE(r.ec) << r.message();
  EXPECT_EQ(got, "late");
}

TEST(HttpClientExchange, ChunkedUpload) {
  asio::io_context io;
  received seen;
  test_server srv(io, [&](server_conn& c, int) -> net::awaitable<void> {
    auto rq = co_await c.read_request();
    if (!rq) co_return;
    seen = *rq;
    co_await c.send("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  });
  client cl({});
  capture cap;
  auto req = make_request(srv.url("/up"), "POST");
  req.body = std::make_shared<body_source>(body_source::from_string(std::string(100000, 'z')));
  req.chunked = true;
  const auto r = fetch_once(io, cl, req, cap);
  ASSERT_FALSE(r.ec) << r.message();
  EXPECT_EQ(seen.head.headers.get("Transfer-Encoding").value_or(""), "chunked");
  EXPECT_FALSE(seen.head.headers.get("Content-Length"));
  EXPECT_EQ(seen.body, std::string(100000, 'z'));
}

// The server answers the first request, then closes when the second arrives: RFC 9112
// §9.3.1 lets the client resend an idempotent request on a new connection.
test_server::handler close_on_second_request() {
  return [](server_conn& c, int n) -> net::awaitable<void> {
    auto first = co_await c.read_request();
    if (!first) co_return;
    co_await c.send("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + std::to_string(n));
    if (n == 0) {
      auto second = co_await c.read_request();
      c.close();
      co_return;
    }
    for (;;) {
      auto rq = co_await c.read_request();
      if (!rq) co_return;
      co_await c.send("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + std::to_string(n));
    }
  };
}

TEST(HttpClientExchange, IdempotentRequestIsRetriedOnce) {
  asio::io_context io;
  test_server srv(io, close_on_second_request());
  client cl({});
  capture cap;
  result second;
  run_client(io, [&]() -> net::awaitable<void> {
    (void)co_await cl.fetch(make_request(srv.url("/")), cap.make());
    second = co_await cl.fetch(make_request(srv.url("/")), cap.make());
  });
  ASSERT_FALSE(second.ec) << second.message();
  EXPECT_EQ(cap.body, "01");
  EXPECT_TRUE(cap.said("Connection #0 died before a response; retrying"));
  EXPECT_EQ(srv.connections(), 2);
}

TEST(HttpClientExchange, PostIsNotRetried) {
  asio::io_context io;
  test_server srv(io, close_on_second_request());
  client cl({});
  capture cap;
  result second;
  run_client(io, [&]() -> net::awaitable<void> {
    (void)co_await cl.fetch(make_request(srv.url("/")), cap.make());
    second = co_await cl.fetch(make_request(srv.url("/"), "POST"), cap.make());
  });
  EXPECT_EQ(second.ec, make_error_code(error::closed_before_response));
  EXPECT_EQ(second.where, stage::receive);
}

TEST(HttpClientExchange, IdleConnectionClosedByServerIsReplaced) {
  asio::io_context io;
  test_server srv(io, [](server_conn& c, int) -> net::awaitable<void> {
    auto first = co_await c.read_request();
    if (!first) co_return;
    co_await c.send("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    c.close();  // keep-alive advertised, then an idle timeout
  });
  client cl({});
  capture cap;
  run_client(io, [&]() -> net::awaitable<void> {
    const auto one = co_await cl.fetch(make_request(srv.url("/")), cap.make());
    EXPECT_FALSE(one.ec);
    asio::steady_timer t(co_await asio::this_coro::executor, 50ms);
    co_await t.async_wait(asio::use_awaitable);
    const auto two = co_await cl.fetch(make_request(srv.url("/")), cap.make());
    EXPECT_FALSE(two.ec);
  });
  EXPECT_TRUE(cap.said("Connection #0 was closed by the server"));
  EXPECT_EQ(srv.connections(), 2);
}

TEST(HttpClientExchange, ConnectRefused) {
  asio::io_context io;
  std::uint16_t port = 0;
  {
    net::tcp::acceptor a(io, net::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    port = a.local_endpoint().port();
  }
  client cl({});
  capture cap;
  const auto r = fetch_once(io, cl, make_request("http://127.0.0.1:" + std::to_string(port) + "/"), cap);
  EXPECT_EQ(r.where, stage::connect);
  EXPECT_EQ(r.message(), "connect to 127.0.0.1:" + std::to_string(port) + ": Connection refused");
}

TEST(HttpClientExchange, MaxTimeAbortsAStalledResponse) {
  asio::io_context io;
  test_server srv(io, [](server_conn& c, int) -> net::awaitable<void> {
    auto first = co_await c.read_request();
    if (!first) co_return;
    co_await c.send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    auto next = co_await c.read_request();  // never answers the rest
  });
  options o;
  o.max_time = 100ms;
  client cl(o);
  capture cap;
  const auto r = fetch_once(io, cl, make_request(srv.url("/")), cap);
  EXPECT_EQ(r.ec, make_error_code(error::timed_out));
  EXPECT_EQ(r.where, stage::receive);
  EXPECT_EQ(cap.body, "abc");
}

TEST(HttpClientExchange, TruncatedBodyIsAnError) {
  asio::io_context io;
  test_server srv(io, [](server_conn& c, int) -> net::awaitable<void> {
    auto first = co_await c.read_request();
    if (!first) co_return;
    co_await c.send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    c.close();
  });
  client cl({});
  capture cap;
  const auto r = fetch_once(io, cl, make_request(srv.url("/")), cap);
  EXPECT_EQ(r.ec, make_error_code(http::error::partial_message));
  EXPECT_EQ(r.where, stage::receive);
}

TEST(HttpClientExchange, SinkErrorAbortsAndClosesTheConnection) {
  asio::io_context io;
  test_server srv(io, answer_all("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"));
  client cl({});
  capture cap;
  auto cb = cap.make();
  cb.body = [](std::span<const std::byte>) { return std::make_error_code(std::errc::no_space_on_device); };
  result r;
  run_client(io, [&]() -> net::awaitable<void> { r = co_await cl.fetch(make_request(srv.url("/")), cb); });
  EXPECT_EQ(r.ec, std::make_error_code(std::errc::no_space_on_device));
  EXPECT_EQ(r.where, stage::sink);
  EXPECT_TRUE(cap.said("Closing connection #0"));
}

}  // namespace
}  // namespace l7::http::client::test
