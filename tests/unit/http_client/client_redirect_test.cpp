// Redirects (RFC 9110 §15.4): the pure follow_redirect() rules, then chains and loops
// against a scripted server.
#include <gtest/gtest.h>

#include "core/bytes.hpp"
#include "http/client/error.hpp"
#include "http/client/redirect.hpp"
#include "client_test_server.hpp"

namespace l7::http::client::test {
namespace {

request post_with_body(std::string_view u) {
  auto req = make_request(u, "POST");
  req.body = std::make_shared<body_source>(body_source::from_string("a=1"));
  req.headers.add("Content-Type", "application/x-www-form-urlencoded");
  req.headers.add("Authorization", "Bearer t");
  return req;
}

TEST(HttpClientRedirect, StatusesThatRedirect) {
  for (int s : {301, 302, 303, 307, 308}) EXPECT_TRUE(is_redirect(s)) << s;
  for (int s : {200, 300, 304, 305, 306, 400}) EXPECT_FALSE(is_redirect(s)) << s;
}

TEST(HttpClientRedirect, SeeOtherTurnsPostIntoGetWithoutContent) {
  auto req = post_with_body("http://a.test/form?x=1");
  ASSERT_FALSE(follow_redirect(req, 303, "done"));
  EXPECT_EQ(req.method, "GET");
  EXPECT_FALSE(req.body);
  EXPECT_FALSE(req.headers.get("Content-Type"));
  EXPECT_EQ(req.headers.get("Authorization").value_or(""), "Bearer t");  // same origin
  EXPECT_EQ(req.target.target, "/done");
}

TEST(HttpClientRedirect, MovedAndFoundTurnPostIntoGet) {
  for (int s : {301, 302}) {
    auto req = post_with_body("http://a.test/form");
    ASSERT_FALSE(follow_redirect(req, s, "/new"));
    EXPECT_EQ(req.method, "GET") << s;
    EXPECT_FALSE(req.body) << s;
  }
  auto put = make_request("http://a.test/x", "PUT");
  ASSERT_FALSE(follow_redirect(put, 301, "/y"));
  EXPECT_EQ(put.method, "PUT");
}

TEST(HttpClientRedirect, TemporaryAndPermanentKeepMethodAndBody) {
  for (int s : {307, 308}) {
    auto req = post_with_body("http://a.test/form");
    ASSERT_FALSE(follow_redirect(req, s, "/again"));
    EXPECT_EQ(req.method, "POST") << s;
    EXPECT_TRUE(req.body) << s;
    EXPECT_TRUE(req.headers.get("Content-Type")) << s;
  }
}

TEST(HttpClientRedirect, HeadStaysHeadOn303) {
  auto req = make_request("http://a.test/x", "HEAD");
  ASSERT_FALSE(follow_redirect(req, 303, "/y"));
  EXPECT_EQ(req.method, "HEAD");
}

TEST(HttpClientRedirect, OtherOriginDropsCredentials) {
  auto req = post_with_body("http://user:pw@a.test/form");
  req.headers.add("Cookie", "s=1");
  ASSERT_FALSE(follow_redirect(req, 307, "https://b.test:8443/x#frag"));
  EXPECT_FALSE(req.headers.get("Authorization"));
  EXPECT_FALSE(req.headers.get("Cookie"));
  EXPECT_FALSE(req.target.has_userinfo);
  EXPECT_EQ(req.target.origin(), "https://b.test:8443");
  EXPECT_EQ(req.target.target, "/x");
}

TEST(HttpClientRedirect, SameOriginKeepsUrlCredentials) {
  auto req = make_request("http://user:pw@a.test/a/b");
  ASSERT_FALSE(follow_redirect(req, 302, "../c?q"));
  EXPECT_TRUE(req.target.has_userinfo);
  EXPECT_EQ(req.target.target, "/c?q");
}

TEST(HttpClientRedirect, StrayBytesInLocationAreEncoded) {
  auto req = make_request("http://a.test/");
  ASSERT_FALSE(follow_redirect(req, 302, "/a b/\xc3\xa9"));
  EXPECT_EQ(req.target.target, "/a%20b/%C3%A9");
}

TEST(HttpClientRedirect, UnusableLocationIsAnError) {
  auto req = make_request("http://a.test/");
  EXPECT_EQ(follow_redirect(req, 302, "ftp://a.test/file"), make_error_code(error::bad_redirect_location));
  EXPECT_EQ(req.target.host, "a.test");
}

struct chain_result {
  result r;
  std::string body;
  std::vector<std::string> seen;  // "METHOD target body"
};

// /a -302-> /b -301-> absolute /c -303-> /d (200), /loop -> /loop, /keep -307-> /kept.
test_server::handler chain_server(std::vector<std::string>& seen, std::uint16_t& port) {
  return [&seen, &port](server_conn& c, int) -> net::awaitable<void> {
    for (;;) {
      auto rq = co_await c.read_request();
      if (!rq) co_return;
      const auto& t = rq->head.target;
      seen.push_back(rq->head.method + " " + t + " " + rq->body);
      std::string location;
      int status = 200;
      if (t == "/a") status = 302, location = "/b";
      else if (t == "/b") status = 301, location = "http://127.0.0.1:" + std::to_string(port) + "/c";
      else if (t == "/c") status = 303, location = "d";
      else if (t == "/loop") status = 302, location = "/loop";
      else if (t == "/keep") status = 307, location = "/kept";
      std::string body = status == 200 ? "final" : "moved";
      std::string head = "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\n";
      if (!location.empty()) head += "Location: " + location + "\r\n";
      co_await c.send(head + "\r\n" + body);
    }
  };
}

chain_result follow(std::string_view path, std::string method, int max_redirects) {
  asio::io_context io;
  chain_result out;
  std::uint16_t port = 0;
  test_server srv(io, chain_server(out.seen, port));
  port = srv.port();
  options o;
  o.follow_redirects = true;
  o.max_redirects = max_redirects;
  client cl(o);
  auto req = make_request(srv.url(path), std::move(method));
  if (req.method == "POST") req.body = std::make_shared<body_source>(body_source::from_string("b=2"));
  callbacks cb;
  cb.body = [&](std::span<const std::byte> b) {
    out.body.append(as_chars(b));
    return std::error_code{};
  };
  run_client(io, [&]() -> net::awaitable<void> { out.r = co_await cl.fetch(req, cb); });
  EXPECT_EQ(srv.connections(), 1);  // every hop on the same kept-alive connection
  return out;
}

TEST(HttpClientRedirect, ChainIsFollowed) {
  const auto out = follow("/a", "POST", 10);
  ASSERT_FALSE(out.r.ec) << out.r.message();
  EXPECT_EQ(out.r.redirects, 3);
  EXPECT_EQ(out.body, "final");  // redirect bodies are not delivered
  EXPECT_TRUE(out.r.url.ends_with("/d")) << out.r.url;
  EXPECT_EQ(out.seen, (std::vector<std::string>{"POST /a b=2", "GET /b ", "GET /c ", "GET /d "}));
}

TEST(HttpClientRedirect, TemporaryRedirectResendsTheBody) {
  const auto out = follow("/keep", "POST", 10);
  ASSERT_FALSE(out.r.ec) << out.r.message();
  EXPECT_EQ(out.seen, (std::vector<std::string>{"POST /keep b=2", "POST /kept b=2"}));
}

TEST(HttpClientRedirect, LoopStopsAtTheLimit) {
  const auto out = follow("/loop", "GET", 3);
  EXPECT_EQ(out.r.ec, make_error_code(error::too_many_redirects));
  EXPECT_EQ(out.r.where, stage::redirect);
  EXPECT_EQ(out.r.redirects, 3);
  EXPECT_EQ(out.seen.size(), 4u);
  EXPECT_EQ(out.r.message(), "redirect #4 to /loop: too many redirects");
}

TEST(HttpClientRedirect, NotFollowedWithoutTheOption) {
  asio::io_context io;
  std::vector<std::string> seen;
  std::uint16_t port = 0;
  test_server srv(io, chain_server(seen, port));
  client cl({});
  result r;
  run_client(io, [&]() -> net::awaitable<void> { r = co_await cl.fetch(make_request(srv.url("/a")), {}); });
  ASSERT_FALSE(r.ec);
  EXPECT_EQ(r.head.status, 302);
  EXPECT_EQ(r.redirects, 0);
}

}  // namespace
}  // namespace l7::http::client::test
