// limits: 414 / 431 / 413 / chunk line, enforced on partial input too, and linear-time
// parsing of large heads fed one byte at a time.
#include <gtest/gtest.h>

#include <chrono>

#include "parser_test_util.hpp"

namespace l7::http::testing {
namespace {

run_options with_limits(limits l, role r = role::request) {
  run_options o;
  o.r = r;
  o.lim = l;
  return o;
}

TEST(http_limits, request_line) {
  limits l;
  l.max_start_line = 20;
  const std::string ok = "GET /123456 HTTP/1.1";  // exactly 20
  ASSERT_EQ(ok.size(), 20u);
  EXPECT_FALSE(parse_all_ways(ok + "\r\nHost: a\r\n\r\n", with_limits(l)).error);
  EXPECT_EQ(parse_all_ways("GET /1234567 HTTP/1.1\r\nHost: a\r\n\r\n", with_limits(l)).error,
            error::request_line_too_long);
  l.lenient = true;
  EXPECT_FALSE(parse_all_ways(ok + "\nHost: a\n\n", with_limits(l)).error);
  EXPECT_EQ(parse_all_ways("GET /1234567 HTTP/1.1\nHost: a\n\n", with_limits(l)).error,
            error::request_line_too_long);
}

TEST(http_limits, request_line_without_terminator) {
  limits l;
  l.max_start_line = 20;
  parser p(role::request, l);
  std::error_code ec;
  p.parse(std::string_view("GET /aaaaaaaaaaaaaaaa"), ec);  // 21 bytes: the last may be a CR
  EXPECT_FALSE(ec);
  p.parse(std::string_view("GET /aaaaaaaaaaaaaaaaa"), ec);  // 22 bytes, no CRLF yet
  EXPECT_EQ(ec, error::request_line_too_long);
  EXPECT_EQ(status_for(ec), 414);
}

TEST(http_limits, status_line) {
  limits l;
  l.max_start_line = 16;
  EXPECT_EQ(parse_all_ways("HTTP/1.1 200 OK, fine\r\n\r\n", with_limits(l, role::response)).error,
            error::bad_status_line);
}

TEST(http_limits, header_bytes) {
  const std::string head = "GET / HTTP/1.1\r\nHost: a\r\nX: 0123456789\r\n\r\n";
  limits l;
  l.max_header_bytes = head.size();
  EXPECT_FALSE(parse_all_ways(head, with_limits(l)).error);
  l.max_header_bytes = head.size() - 1;
  const auto t = parse_all_ways(head, with_limits(l));
  EXPECT_EQ(t.error, error::headers_too_large);
  EXPECT_EQ(status_for(t.error), 431);
  // Without the end of the section: fails as soon as the input exceeds the limit.
  parser p(role::request, l);
  std::error_code ec;
  p.parse(std::string_view(head).substr(0, head.size() - 2), ec);
  EXPECT_FALSE(ec);
  p.parse(std::string(head.size(), 'a'), ec);
  EXPECT_EQ(ec, error::headers_too_large);
}

TEST(http_limits, header_count) {
  limits l;
  l.max_headers = 3;
  EXPECT_FALSE(parse_all_ways("GET / HTTP/1.1\r\nHost: a\r\nB: 1\r\nC: 2\r\n\r\n", with_limits(l))
                   .error);
  const auto t = parse_all_ways("GET / HTTP/1.1\r\nHost: a\r\nB: 1\r\nC: 2\r\nD: 3\r\n\r\n",
                                with_limits(l));
  EXPECT_EQ(t.error, error::too_many_headers);
  EXPECT_EQ(status_for(t.error), 431);
}

TEST(http_limits, trailer_limits) {
  limits l;
  l.max_headers = 1;
  const std::string in = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "0\r\nA: 1\r\nB: 2\r\n\r\n";
  EXPECT_EQ(parse_all_ways(in, with_limits(l)).error, error::too_many_headers);
  l.max_headers = 10;
  l.max_header_bytes = 60;  // the head fits, the trailers do not
  const std::string big = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "0\r\nA: " + std::string(70, 'x') + "\r\n\r\n";
  EXPECT_EQ(parse_all_ways(big, with_limits(l)).error, error::headers_too_large);
}

TEST(http_limits, content_length_body_reports_after_head) {
  limits l;
  l.max_body = 4;
  const auto t = parse_all_ways("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
                                with_limits(l));
  EXPECT_EQ(t.error, error::body_too_large);
  EXPECT_EQ(status_for(t.error), 413);
  ASSERT_EQ(t.messages.size(), 1u);  // the head arrived first
  EXPECT_FALSE(t.messages[0].ended);
  EXPECT_EQ(t.messages[0].body, "");
  EXPECT_FALSE(parse_all_ways("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nhell",
                              with_limits(l))
                   .error);
}

TEST(http_limits, set_max_body_after_head) {
  parser p(role::request);
  std::error_code ec;
  const std::string_view in = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello";
  const auto n = p.parse(in, ec);
  ASSERT_TRUE(std::holds_alternative<head_event>(p.next()));
  p.set_max_body(2);
  p.parse(in.substr(n), ec);
  EXPECT_EQ(ec, error::body_too_large);
}

TEST(http_limits, chunked_body_cumulative) {
  limits l;
  l.max_body = 10;
  const std::string head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
  const auto t = parse_all_ways(head + "6\r\nabcdef\r\n5\r\nghijk\r\n0\r\n\r\n", with_limits(l));
  EXPECT_EQ(t.error, error::body_too_large);
  ASSERT_EQ(t.messages.size(), 1u);
  EXPECT_EQ(t.messages[0].body, "abcdef");
  EXPECT_FALSE(parse_all_ways(head + "6\r\nabcdef\r\n4\r\nghij\r\n0\r\n\r\n", with_limits(l))
                   .error);
}

TEST(http_limits, until_close_body) {
  limits l;
  l.max_body = 4;
  const auto t =
      parse_all_ways("HTTP/1.1 200 OK\r\n\r\nhello", with_limits(l, role::response));
  EXPECT_EQ(t.error, error::body_too_large);
  ASSERT_EQ(t.messages.size(), 1u);
  EXPECT_EQ(t.messages[0].body, "hell");
}

TEST(http_limits, no_body_limit) {
  limits l;
  l.max_body = 0;
  const auto t = parse_all_ways(
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
      "7fffffffffffffff\r\nabc",
      with_limits(l));
  EXPECT_EQ(t.error, error::partial_message);
  EXPECT_EQ(t.messages[0].body, "abc");
}

TEST(http_limits, chunk_line) {
  limits l;
  l.max_chunk_line = 16;
  const std::string head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
  EXPECT_FALSE(parse_all_ways(head + "1;abcdefghijklmn\r\nx\r\n0\r\n\r\n", with_limits(l)).error);
  EXPECT_EQ(parse_all_ways(head + "1;abcdefghijklmno\r\nx\r\n0\r\n\r\n", with_limits(l)).error,
            error::bad_chunk);
  parser p(role::request, l);
  std::error_code ec;
  const std::string in = head + "1;" + std::string(100, 'a');
  const auto n = p.parse(in, ec);
  p.next();
  p.parse(std::string_view(in).substr(n), ec);  // no CRLF yet, already too long
  EXPECT_EQ(ec, error::bad_chunk);
}

TEST(http_limits, large_head_byte_by_byte_is_linear) {
  std::string head = "GET / HTTP/1.1\r\nHost: a\r\n";
  for (int i = 0; head.size() < 60 * 1024; ++i)
    head += "X-Field-" + std::to_string(i) + ": " + std::string(500, 'v') + "\r\n";
  head += "\r\n";
  limits l;
  l.max_headers = 1000;
  const auto start = std::chrono::steady_clock::now();
  const auto t = run_bytewise(head, with_limits(l));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(t.error);
  ASSERT_EQ(t.messages.size(), 1u);
  EXPECT_EQ(t.messages[0].head, run_whole(head, with_limits(l)).messages[0].head);
  // Quadratic rescanning would take billions of steps here; linear takes milliseconds.
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

}  // namespace
}  // namespace l7::http::testing
