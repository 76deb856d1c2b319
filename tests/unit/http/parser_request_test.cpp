// Request parsing, table-driven: input bytes -> messages, bodies, flags or error. Every case is
// also parsed split at every offset and byte by byte (parse_all_ways).
#include <gtest/gtest.h>

#include "parser_test_util.hpp"

namespace l7::http::testing {
namespace {

struct request_case {
  const char* name;
  std::string input;
  std::error_code error = {};
  std::vector<std::string> bodies = {};  // bodies of the complete messages, in order
  std::string flags = "";                // expected flags of the first message, if not empty
  bool lenient = false;
};

const std::string host = "Host: example.com\r\n";

std::vector<request_case> request_cases() {
  return {
      {"simple get", "GET / HTTP/1.1\r\n" + host + "\r\n", {}, {""}, "keep-alive "},
      {"content-length body", "POST /f HTTP/1.1\r\n" + host + "Content-Length: 5\r\n\r\nhello",
       {}, {"hello"}, "cl=5 keep-alive "},
      {"zero content-length", "POST / HTTP/1.1\r\n" + host + "Content-Length: 0\r\n\r\n", {},
       {""}},
      {"chunked with extensions and trailers",
       "POST /u HTTP/1.1\r\n" + host +
           "Transfer-Encoding: chunked\r\n\r\n"
           "5;a=b;c=\"q\\\"x\"\r\nhello\r\n6 ; d\r\n world\r\n0\r\nX-Sum: 1\r\n\r\n",
       {}, {"hello world"}, "chunked keep-alive "},
      {"chunk ext quoted-string with comma", "POST / HTTP/1.1\r\n" + host +
           "Transfer-Encoding: chunked\r\n\r\n1;n=\"a,b\"\r\nx\r\n0\r\n\r\n", {}, {"x"}},
      {"chunk size upper-case hex and leading zeros", "POST / HTTP/1.1\r\n" + host +
           "Transfer-Encoding: Chunked\r\n\r\n000A\r\n0123456789\r\n0\r\n\r\n", {},
       {"0123456789"}},
      {"pipelined",
       "GET /a HTTP/1.1\r\n" + host + "\r\nPOST /b HTTP/1.1\r\n" + host +
           "Content-Length: 3\r\n\r\nabcGET /c HTTP/1.1\r\n" + host + "\r\n",
       {}, {"", "abc", ""}},
      {"leading empty lines ignored", "\r\n\r\nGET / HTTP/1.1\r\n" + host + "\r\n", {}, {""}},
      {"too many leading empty lines", "\r\n\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n\r\n",
       error::bad_request_line},
      {"http/1.0 without host closes", "GET / HTTP/1.0\r\n\r\n", {}, {""}, "-"},
      {"http/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", {}, {""},
       "keep-alive "},
      {"http/1.1 connection close", "GET / HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n",
       {}, {""}, "-"},
      {"connection list with close", "GET / HTTP/1.1\r\n" + host +
           "Connection: foo, Close\r\n\r\n", {}, {""}, "-"},
      {"http/1.2 is 1.1", "GET / HTTP/1.2\r\n" + host + "\r\n", {}, {""}},
      {"http/2.0", "GET / HTTP/2.0\r\n" + host + "\r\n", error::unsupported_version},
      {"http/0.9 simple request", "GET /\r\n\r\n", error::unsupported_version},
      {"lower-case version", "GET / http/1.1\r\n" + host + "\r\n", error::bad_version},
      {"version with extra digit", "GET / HTTP/1.10\r\n" + host + "\r\n", error::bad_version},
      {"no spaces", "GET\r\n\r\n", error::bad_request_line},
      {"double space", "GET  / HTTP/1.1\r\n" + host + "\r\n", error::bad_target},
      {"double space lenient", "GET  / HTTP/1.1\r\n" + host + "\r\n", {}, {""}, "", true},
      {"bad method", "G(T / HTTP/1.1\r\n" + host + "\r\n", error::bad_method},
      // A line that cannot start a method fails on its first byte (no wait for a line end).
      {"empty method", " / HTTP/1.1\r\n" + host + "\r\n", error::bad_request_line},
      {"tls hello on the plain port", std::string("\x16\x03\x01\x02\x00\x01\x00", 7),
       error::bad_request_line},
      {"control char in target", "GET /a\x01 HTTP/1.1\r\n" + host + "\r\n", error::bad_target},
      {"non-ascii target", "GET /\xc3\xa9 HTTP/1.1\r\n" + host + "\r\n", error::bad_target},
      {"relative target", "GET a/b HTTP/1.1\r\n" + host + "\r\n", error::bad_target},
      {"absolute-form", "GET http://example.com/x?y HTTP/1.1\r\n" + host + "\r\n", {}, {""}},
      {"asterisk-form", "OPTIONS * HTTP/1.1\r\n" + host + "\r\n", {}, {""}},
      {"asterisk with GET", "GET * HTTP/1.1\r\n" + host + "\r\n", error::bad_target},
      {"connect authority-form", "CONNECT example.com:443 HTTP/1.1\r\n" + host + "\r\nTLS",
       {}, {""}, "keep-alive upgrade "},
      {"connect origin-form", "CONNECT /x HTTP/1.1\r\n" + host + "\r\n", error::bad_target},
      {"missing host", "GET / HTTP/1.1\r\n\r\n", error::missing_host},
      {"two hosts", "GET / HTTP/1.1\r\n" + host + host + "\r\n", error::missing_host},
      {"two hosts http/1.0", "GET / HTTP/1.0\r\n" + host + host + "\r\n", error::missing_host},
      {"host with port and ipv6", "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", {}, {""}},
      {"empty host", "GET / HTTP/1.1\r\nHost:\r\n\r\n", {}, {""}},
      {"host with space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", error::missing_host},
      {"host with slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", error::missing_host},
      {"host with userinfo", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", error::missing_host},
      {"missing host lenient", "GET / HTTP/1.1\r\n\r\n", {}, {""}, "", true},
      {"expect 100-continue", "PUT /f HTTP/1.1\r\n" + host +
           "Expect: 100-Continue\r\nContent-Length: 2\r\n\r\nok", {}, {"ok"},
       "cl=2 keep-alive 100-continue "},
      {"expect ignored in http/1.0", "PUT /f HTTP/1.0\r\nExpect: 100-continue\r\n"
           "Content-Length: 2\r\n\r\nok", {}, {"ok"}, "cl=2 "},
      {"websocket upgrade", "GET /ws HTTP/1.1\r\n" + host +
           "Connection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x00", {}, {""},
       "keep-alive upgrade "},
      {"upgrade without connection token", "GET / HTTP/1.1\r\n" + host +
           "Upgrade: websocket\r\n\r\n", {}, {""}, "keep-alive "},
      {"upgrade ignored in http/1.0", "GET / HTTP/1.0\r\nConnection: upgrade\r\n"
           "Upgrade: websocket\r\n\r\n", {}, {""}, "-"},
      {"header without colon", "GET / HTTP/1.1\r\n" + host + "Foo\r\n\r\n",
       error::bad_header_name},
      {"empty header name", "GET / HTTP/1.1\r\n" + host + ": x\r\n\r\n", error::bad_header_name},
      {"header name with slash", "GET / HTTP/1.1\r\n" + host + "A/B: x\r\n\r\n",
       error::bad_header_name},
      {"empty header value", "GET / HTTP/1.1\r\n" + host + "X-Empty:\r\n\r\n", {}, {""}},
      {"obs-text in value", "GET / HTTP/1.1\r\n" + host + "X: caf\xc3\xa9\r\n\r\n", {}, {""}},
      {"DEL in value", "GET / HTTP/1.1\r\n" + host + "X: a\x7f\r\n\r\n", error::bad_header_value},
      {"incomplete", "GET / HTTP/1.1\r\n" + host, error::partial_message},
      {"truncated body", "POST / HTTP/1.1\r\n" + host + "Content-Length: 5\r\n\r\nhel",
       error::partial_message},
      {"bad trailer", "POST / HTTP/1.1\r\n" + host +
           "Transfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer: x\r\n\r\n",
       error::bad_header_name},
      {"trailer obs-fold", "POST / HTTP/1.1\r\n" + host +
           "Transfer-Encoding: chunked\r\n\r\n0\r\nA: x\r\n  y\r\n\r\n", error::obs_fold},
      {"chunk data without CRLF", "POST / HTTP/1.1\r\n" + host +
           "Transfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n", error::bad_chunk},
      {"chunk data with CR only", "POST / HTTP/1.1\r\n" + host +
           "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r0\r\n\r\n", error::bad_chunk},
      {"chunk ext without name", "POST / HTTP/1.1\r\n" + host +
           "Transfer-Encoding: chunked\r\n\r\n1;\r\na\r\n0\r\n\r\n", error::bad_chunk},
      {"chunk ext unterminated quote", "POST / HTTP/1.1\r\n" + host +
           "Transfer-Encoding: chunked\r\n\r\n1;a=\"x\r\na\r\n0\r\n\r\n", error::bad_chunk},
      {"chunk ext empty value", "POST / HTTP/1.1\r\n" + host +
           "Transfer-Encoding: chunked\r\n\r\n1;a=\r\na\r\n0\r\n\r\n", error::bad_chunk},
  };
}

TEST(http_request_parser, table) {
  for (const auto& c : request_cases()) {
    SCOPED_TRACE(c.name);
    const auto t = parse_all_ways(c.input, request_opts(c.lenient));
    EXPECT_EQ(t.error, c.error) << show(t);
    std::vector<std::string> bodies;
    for (const auto& m : t.messages)
      if (m.ended) bodies.push_back(m.body);
    if (!c.error) {
      EXPECT_EQ(bodies, c.bodies) << show(t);
    }
    if (!c.flags.empty() && !t.messages.empty()) {
      EXPECT_EQ(t.messages[0].flags, c.flags == "-" ? "" : c.flags) << show(t);
    }
  }
}

TEST(http_request_parser, head_fields) {
  parser p(role::request);
  std::error_code ec;
  const std::string_view in =
      "GET /p?q=1 HTTP/1.1\r\nHost: example.com\r\nX-A:  spaced value \t\r\nx-a: second\r\n"
      "Accept: */*\r\n\r\n";
  EXPECT_EQ(p.parse(in, ec), in.size());
  ASSERT_FALSE(ec);
  ASSERT_TRUE(std::holds_alternative<head_event>(p.next()));
  const auto& h = p.request();
  EXPECT_EQ(h.method, "GET");
  EXPECT_EQ(h.target, "/p?q=1");
  EXPECT_EQ(h.version, 11);
  ASSERT_EQ(h.headers.size(), 4u);
  EXPECT_EQ(h.headers.get("x-a"), "spaced value");
  EXPECT_EQ(h.headers.count("X-A"), 2u);
  EXPECT_EQ(p.parse(std::string_view{}, ec), 0u);
  EXPECT_TRUE(std::holds_alternative<end_event>(p.next()));
  EXPECT_TRUE(p.done());
}

TEST(http_request_parser, consumes_nothing_until_head_is_complete) {
  parser p(role::request);
  std::error_code ec;
  const std::string in = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  for (std::size_t n = 1; n < in.size(); ++n) {
    EXPECT_EQ(p.parse(std::string_view(in).substr(0, n), ec), 0u);
    EXPECT_FALSE(ec);
    EXPECT_TRUE(std::holds_alternative<need_more>(p.next()));
  }
  EXPECT_EQ(p.parse(in, ec), in.size());
  EXPECT_TRUE(std::holds_alternative<head_event>(p.next()));
}

TEST(http_request_parser, data_events_span_the_available_input) {
  parser p(role::request);
  std::error_code ec;
  const std::string in = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456";
  const auto head_len = p.parse(in, ec);
  ASSERT_TRUE(std::holds_alternative<head_event>(p.next()));
  const auto rest = std::string_view(in).substr(head_len);
  EXPECT_EQ(p.parse(rest, ec), 7u);
  const auto ev = p.next();
  ASSERT_TRUE(std::holds_alternative<data_event>(ev));
  const auto bytes = std::get<data_event>(ev).bytes;
  EXPECT_EQ(static_cast<const void*>(bytes.data()), static_cast<const void*>(rest.data()));
  EXPECT_EQ(bytes.size(), 7u);
  EXPECT_EQ(p.parse(std::string_view("789extra"), ec), 3u);
  EXPECT_TRUE(std::holds_alternative<data_event>(p.next()));
  EXPECT_EQ(p.parse(std::string_view("extra"), ec), 0u);
  EXPECT_TRUE(std::holds_alternative<end_event>(p.next()));
}

TEST(http_request_parser, pending_event_blocks_parse) {
  parser p(role::request);
  std::error_code ec;
  const std::string in = "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n";
  const auto n = p.parse(in, ec);
  EXPECT_EQ(p.parse(std::string_view(in).substr(n), ec), 0u);  // head not taken yet
  EXPECT_TRUE(std::holds_alternative<head_event>(p.next()));
}

TEST(http_request_parser, error_is_sticky_until_reset) {
  parser p(role::request);
  std::error_code ec;
  p.parse(std::string_view("BAD\r\n\r\n"), ec);
  EXPECT_EQ(ec, error::bad_request_line);
  p.parse(std::string_view("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), ec);
  EXPECT_EQ(ec, error::bad_request_line);
  p.reset();
  p.parse(std::string_view("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), ec);
  EXPECT_FALSE(ec);
  EXPECT_TRUE(std::holds_alternative<head_event>(p.next()));
}

TEST(http_request_parser, reset_leaves_nothing_of_the_last_message) {
  // A kept-alive connection's parser is reset between requests: no header, framing or state
  // of the first request may leak into the second (reset() reuses the storage).
  parser p(role::request);
  std::error_code ec;
  const std::string_view first =
      "POST /upload?x=1 HTTP/1.1\r\nHost: first.example\r\nContent-Length: 3\r\n"
      "Expect: 100-continue\r\nConnection: keep-alive\r\nX-Only-First: yes\r\n\r\nabc";
  auto n = p.parse(first, ec);
  ASSERT_FALSE(ec);
  ASSERT_TRUE(std::holds_alternative<head_event>(p.next()));
  EXPECT_TRUE(p.expect_continue());
  p.parse(first.substr(n), ec);
  p.next();
  p.parse(std::string_view(), ec);
  ASSERT_TRUE(std::holds_alternative<end_event>(p.next()));
  p.reset();
  EXPECT_FALSE(p.done());
  p.parse(std::string_view("GET / HTTP/1.0\r\nHost: b\r\n\r\n"), ec);
  ASSERT_FALSE(ec);
  ASSERT_TRUE(std::holds_alternative<head_event>(p.next()));
  const auto& r = p.request();
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/");
  EXPECT_EQ(r.version, 10);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers.get("host"), "b");
  EXPECT_FALSE(r.headers.get("x-only-first"));
  EXPECT_FALSE(p.content_length());
  EXPECT_FALSE(p.expect_continue());
  EXPECT_FALSE(p.keep_alive()) << "HTTP/1.0 without keep-alive";
  EXPECT_FALSE(p.chunked());
  p.parse(std::string_view(), ec);
  EXPECT_TRUE(std::holds_alternative<end_event>(p.next()));
  EXPECT_TRUE(p.done());
}

TEST(http_request_parser, caller_dropping_bytes_restarts_the_scan) {
  parser p(role::request);
  std::error_code ec;
  p.parse(std::string_view("GET / HTTP/1.1\r\nHo"), ec);
  p.parse(std::string_view("GET"), ec);  // fewer bytes than before: a misuse, handled safely
  const std::string_view in = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  EXPECT_EQ(p.parse(in, ec), in.size());
  EXPECT_FALSE(ec);
  EXPECT_TRUE(std::holds_alternative<head_event>(p.next()));
}

TEST(http_request_parser, finish_between_messages_is_clean) {
  parser p(role::request);
  std::error_code ec;
  p.finish(ec);
  EXPECT_FALSE(ec);
  p.parse(std::string_view("\r\n"), ec);
  p.finish(ec);
  EXPECT_FALSE(ec);
  p.reset();
  p.parse(std::string_view("GE"), ec);
  p.finish(ec);
  EXPECT_EQ(ec, error::partial_message);
}

}  // namespace
}  // namespace l7::http::testing
