// Response parsing (RFC 9112 §4, §6.3): bodies by status and request method, interim
// responses, upgrades, bodies delimited by close. Every case also runs split every way.
#include <gtest/gtest.h>

#include "parser_test_util.hpp"

namespace l7::http::testing {
namespace {

struct response_case {
  const char* name;
  std::string input;
  std::string method = "GET";
  std::error_code error = {};
  std::vector<std::string> bodies = {};
  std::string flags = "";  // of the first message; "-" for none
  std::size_t leftover = 0;
  bool lenient = false;
};

std::vector<response_case> response_cases() {
  return {
      {"content-length", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", "GET", {},
       {"abc"}, "cl=3 keep-alive "},
      {"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
       "3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nETag: \"t\"\r\n\r\n", "GET", {}, {"abcde"},
       "chunked keep-alive "},
      {"until close", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it", "GET", {},
       {"all of it"}, "until-close "},
      {"until close empty", "HTTP/1.1 200 OK\r\n\r\n", "GET", {}, {""}, "until-close "},
      {"http/1.0 until close", "HTTP/1.0 200 OK\r\n\r\nold", "GET", {}, {"old"},
       "until-close "},
      {"http/1.0 keep-alive", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n"
       "Content-Length: 1\r\n\r\nx", "GET", {}, {"x"}, "cl=1 keep-alive "},
      {"204 ignores content-length", "HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\n",
       "GET", {}, {""}, "cl=3 keep-alive "},
      {"304 ignores transfer-encoding", "HTTP/1.1 304 Not Modified\r\n"
       "Transfer-Encoding: chunked\r\n\r\n", "GET", {}, {""}, "keep-alive "},
      {"head response", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", "HEAD", {}, {""},
       "cl=100 keep-alive "},
      {"100 continue then final", "HTTP/1.1 100 Continue\r\n\r\n"
       "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "PUT", {}, {"", "ok"}, "keep-alive "},
      {"103 early hints then head", "HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
       "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", "HEAD", {}, {"", ""}},
      {"101 switching protocols", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
       "Connection: Upgrade\r\n\r\n\x81\x02hi", "GET", {}, {""}, "keep-alive upgrade ", 4},
      {"connect 200 is a tunnel", "HTTP/1.1 200 Connection established\r\n\r\nTLS", "CONNECT",
       {}, {""}, "keep-alive upgrade ", 3},
      {"connect 407 has a body", "HTTP/1.1 407 Proxy Auth\r\nContent-Length: 2\r\n\r\nno",
       "CONNECT", {}, {"no"}, "cl=2 keep-alive "},
      {"pipelined", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA"
       "HTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nB", "GET", {}, {"A", "B"}},
      {"empty reason", "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", "GET", {}, {""}},
      {"obs-text reason", "HTTP/1.1 200 \xc3\x93K\r\nContent-Length: 0\r\n\r\n", "GET", {},
       {""}},
      {"missing space after code", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", "GET",
       error::bad_status_line},
      {"missing space after code lenient", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", "GET",
       {}, {""}, "", 0, true},
      {"control char in reason", "HTTP/1.1 200 O\x01K\r\n\r\n", "GET", error::bad_status_line},
      {"status 600", "HTTP/1.1 600 Odd\r\n\r\n", "GET", error::bad_status_line},
      {"status 099", "HTTP/1.1 099 Odd\r\n\r\n", "GET", error::bad_status_line},
      {"two-digit status", "HTTP/1.1 20 OK\r\n\r\n", "GET", error::bad_status_line},
      {"http/2.0", "HTTP/2.0 200 OK\r\n\r\n", "GET", error::unsupported_version},
      {"garbage", "<html>\r\n\r\n", "GET", error::bad_status_line},
      {"leading empty line", "\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "GET",
       error::bad_status_line},
      {"leading empty line lenient", "\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "GET",
       {}, {""}, "", 0, true},
      {"transfer-encoding without chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"
       "zz", "GET", {}, {"zz"}, "until-close "},
      {"chunked not last", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nzz",
       "GET", {}, {"zz"}, "until-close "},
      {"content-length and chunked", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
       "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "GET", error::content_length_and_chunked},
      {"bad content-length", "HTTP/1.1 200 OK\r\nContent-Length: 3x\r\n\r\nabc", "GET",
       error::bad_content_length},
      {"truncated content-length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc", "GET",
       error::partial_message},
      {"truncated chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
       "GET", error::partial_message},
  };
}

TEST(http_response_parser, table) {
  for (const auto& c : response_cases()) {
    SCOPED_TRACE(c.name);
    const auto t = parse_all_ways(c.input, response_opts(c.method, c.lenient));
    EXPECT_EQ(t.error, c.error) << show(t);
    if (c.error) continue;
    std::vector<std::string> bodies;
    for (const auto& m : t.messages) {
      EXPECT_TRUE(m.ended);
      bodies.push_back(m.body);
    }
    EXPECT_EQ(bodies, c.bodies) << show(t);
    EXPECT_EQ(t.leftover, c.leftover);
    if (!c.flags.empty() && !t.messages.empty()) {
      EXPECT_EQ(t.messages[0].flags, c.flags == "-" ? "" : c.flags) << show(t);
    }
  }
}

TEST(http_response_parser, status_line_fields) {
  parser p(role::response);
  std::error_code ec;
  p.parse(std::string_view("HTTP/1.0 404 Not  Found\r\nServer: x\r\n\r\n"), ec);
  ASSERT_FALSE(ec);
  ASSERT_TRUE(std::holds_alternative<head_event>(p.next()));
  EXPECT_EQ(p.response().status, 404);
  EXPECT_EQ(p.response().reason, "Not  Found");
  EXPECT_EQ(p.response().version, 10);
  EXPECT_TRUE(p.body_until_close());
  EXPECT_FALSE(p.keep_alive());
}

TEST(http_response_parser, until_close_ends_on_finish) {
  parser p(role::response);
  std::error_code ec;
  const std::string_view in = "HTTP/1.1 200 OK\r\n\r\nabc";
  const auto n = p.parse(in, ec);
  ASSERT_TRUE(std::holds_alternative<head_event>(p.next()));
  EXPECT_EQ(p.parse(in.substr(n), ec), 3u);
  EXPECT_TRUE(std::holds_alternative<data_event>(p.next()));
  EXPECT_EQ(p.parse(std::string_view{}, ec), 0u);
  EXPECT_TRUE(std::holds_alternative<need_more>(p.next()));
  p.finish(ec);
  EXPECT_FALSE(ec);
  EXPECT_TRUE(std::holds_alternative<end_event>(p.next()));
  EXPECT_TRUE(p.done());
}

TEST(http_response_parser, finish_with_data_event_waiting) {
  parser p(role::response);
  std::error_code ec;
  const std::string_view in = "HTTP/1.1 200 OK\r\n\r\nabc";
  const auto n = p.parse(in, ec);
  p.next();
  p.parse(in.substr(n), ec);  // data event produced, not taken yet
  p.finish(ec);
  EXPECT_FALSE(ec);
  EXPECT_TRUE(std::holds_alternative<data_event>(p.next()));
  EXPECT_EQ(p.parse(std::string_view{}, ec), 0u);
  EXPECT_TRUE(std::holds_alternative<end_event>(p.next()));
}

TEST(http_response_parser, lenient_cl_and_te_closes) {
  const auto t = parse_all_ways("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n"
                                "Transfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
                                response_opts("GET", true));
  ASSERT_EQ(t.messages.size(), 1u);
  EXPECT_EQ(t.messages[0].body, "x");
  EXPECT_EQ(t.messages[0].flags, "chunked ");
}

TEST(http_response_parser, reset_clears_method_except_after_interim) {
  parser p(role::response);
  std::error_code ec;
  p.expect_response_to("HEAD");
  p.parse(std::string_view("HTTP/1.1 100 Continue\r\n\r\n"), ec);
  p.next();
  p.parse(std::string_view{}, ec);
  EXPECT_TRUE(std::holds_alternative<end_event>(p.next()));
  p.reset();
  p.parse(std::string_view("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n"), ec);
  p.next();
  p.parse(std::string_view{}, ec);
  EXPECT_TRUE(std::holds_alternative<end_event>(p.next()));  // still a HEAD response
  p.reset();
  p.parse(std::string_view("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n"), ec);
  p.next();
  p.parse(std::string_view{}, ec);
  EXPECT_TRUE(std::holds_alternative<need_more>(p.next()));  // a body of 9 bytes now
}

TEST(http_response_parser, trailers) {
  const auto t = parse_all_ways(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: A, B\r\n\r\n"
      "1\r\nx\r\n0\r\nA: 1\r\nB:2 \r\n\r\n",
      response_opts());
  ASSERT_EQ(t.messages.size(), 1u);
  EXPECT_EQ(t.messages[0].trailers, "A: 1\nB: 2\n");
}

}  // namespace
}  // namespace l7::http::testing
