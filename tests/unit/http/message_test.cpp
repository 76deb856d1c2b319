// fields, reason phrases, the error category, and serializer round trips.
#include <gtest/gtest.h>

#include "http/codec/error.hpp"
#include "http/codec/grammar.hpp"
#include "http/codec/message.hpp"
#include "http/codec/serializer.hpp"
#include "parser_test_util.hpp"

namespace l7::http::testing {
namespace {

TEST(http_fields, add_get_count_case_insensitive) {
  fields f;
  f.add("Content-Type", "text/plain");
  f.add("X-A", "1");
  f.add("x-a", "2");
  EXPECT_EQ(f.get("content-type"), "text/plain");
  EXPECT_EQ(f.get("X-A"), "1");
  EXPECT_EQ(f.count("X-a"), 2u);
  EXPECT_FALSE(f.get("missing"));
  f.set("X-A", "3");
  EXPECT_EQ(f.count("x-a"), 1u);
  EXPECT_EQ(f.get("x-a"), "3");
  EXPECT_EQ(f.begin()[1].name, "X-A");  // position kept
  f.set("New", "v");
  EXPECT_EQ(f.size(), 3u);
  f.erase("content-TYPE");
  EXPECT_EQ(f.size(), 2u);
  f.clear();
  EXPECT_TRUE(f.empty());
}

TEST(http_fields, clear_keeps_storage_and_nothing_else) {
  fields f;
  f.add("Host", "a-host-name-longer-than-sso.example");
  f.add("Accept", "*/*");
  f.add("X-Drop", "1");
  f.clear();
  EXPECT_TRUE(f.empty());
  EXPECT_EQ(f.begin(), f.end());
  EXPECT_FALSE(f.get("host")) << "a cleared field is gone";
  EXPECT_EQ(f.count("accept"), 0u);
  f.add("Host", "b");
  EXPECT_EQ(f.size(), 1u);
  EXPECT_EQ(f.get("host"), "b");
  EXPECT_FALSE(f.get("x-drop"));
  // set() and erase() see only the fields in use, not the spare storage behind them.
  f.set("Accept", "text/html");
  f.set("X-Drop", "2");
  EXPECT_EQ(f.size(), 3u);
  f.erase("accept");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f.begin()[0].name, "Host");
  EXPECT_EQ(f.begin()[1].value, "2");
  // Copies hold the fields in use only.
  fields copy = f;
  EXPECT_EQ(copy.size(), 2u);
  f.clear();
  fields assigned;
  assigned.add("Z", "z");
  assigned = copy;
  ASSERT_EQ(assigned.size(), 2u);
  EXPECT_EQ(assigned.get("x-drop"), "2");
  fields moved = std::move(assigned);
  EXPECT_EQ(moved.size(), 2u);
}

TEST(http_fields, has_token) {
  fields f;
  f.add("Connection", "keep-alive , Upgrade");
  f.add("connection", "X-Foo");
  EXPECT_TRUE(f.has_token("Connection", "upgrade"));
  EXPECT_TRUE(f.has_token("connection", "KEEP-ALIVE"));
  EXPECT_TRUE(f.has_token("Connection", "x-foo"));
  EXPECT_FALSE(f.has_token("Connection", "close"));
  EXPECT_FALSE(f.has_token("Connection", "keep"));
  EXPECT_FALSE(f.has_token("Upgrade", "upgrade"));
}

TEST(http_fields, reason_phrases) {
  EXPECT_EQ(reason_phrase(200), "OK");
  EXPECT_EQ(reason_phrase(404), "Not Found");
  EXPECT_EQ(reason_phrase(413), "Content Too Large");
  EXPECT_EQ(reason_phrase(799), "Unknown");
}

TEST(http_error, category_and_status) {
  const std::error_code ec = error::headers_too_large;
  EXPECT_STREQ(ec.category().name(), "l7.http");
  EXPECT_EQ(ec.message(), "header section too large");
  EXPECT_EQ(status_for(error::bad_chunk), 400);
  EXPECT_EQ(status_for(error::request_line_too_long), 414);
  EXPECT_EQ(status_for(error::too_many_headers), 431);
  EXPECT_EQ(status_for(error::body_too_large), 413);
  EXPECT_EQ(status_for(error::unknown_transfer_coding), 501);
  EXPECT_EQ(status_for(error::unsupported_version), 505);
  EXPECT_EQ(status_for(std::make_error_code(std::errc::io_error)), 400);
  for (int e = 1; e <= static_cast<int>(error::missing_host); ++e)
    EXPECT_NE(make_error_code(static_cast<error>(e)).message(), "unknown l7.http error");
}

TEST(http_grammar, tokens_and_values) {
  EXPECT_TRUE(is_token("Content-Type"));
  EXPECT_TRUE(is_token("!#$%&'*+-.^_`|~09azAZ"));
  EXPECT_FALSE(is_token(""));
  EXPECT_FALSE(is_token("a b"));
  EXPECT_FALSE(is_token("a:b"));
  EXPECT_TRUE(is_field_value("text/html; q=0.5\t\xff"));
  EXPECT_FALSE(is_field_value(std::string("a\0b", 3)));
  EXPECT_FALSE(is_field_value("a\r\nb"));
}

TEST(http_serializer, request) {
  request_head h;
  h.method = "POST";
  h.target = "/upload?x=1";
  h.headers.add("Host", "example.com");
  h.headers.add("Transfer-Encoding", "chunked");
  std::string out;
  serialize(h, out);
  write_chunk(std::string_view("hello"), out);
  write_chunk(std::string_view(""), out);
  write_chunk(as_bytes(std::string_view(std::string(26, 'z'))), out);
  fields trailers;
  trailers.add("X-Checksum", "abc");
  write_last_chunk(trailers, out);
  EXPECT_EQ(out,
            "POST /upload?x=1 HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n"
            "5\r\nhello\r\n1a\r\n" + std::string(26, 'z') + "\r\n0\r\nX-Checksum: abc\r\n\r\n");
  const auto t = parse_all_ways(out, request_opts());
  ASSERT_FALSE(t.error);
  ASSERT_EQ(t.messages.size(), 1u);
  EXPECT_EQ(t.messages[0].head, "POST /upload?x=1 11\nHost: example.com\nTransfer-Encoding: chunked\n");
  EXPECT_EQ(t.messages[0].body, "hello" + std::string(26, 'z'));
  EXPECT_EQ(t.messages[0].trailers, "X-Checksum: abc\n");
}

TEST(http_serializer, response_round_trip) {
  response_head h;
  h.status = 404;
  h.version = 10;
  h.headers.add("Content-Length", "4");
  std::string out;
  serialize(h, out);
  EXPECT_EQ(out, "HTTP/1.0 404 Not Found\r\nContent-Length: 4\r\n\r\n");
  out += "gone";
  const auto t = parse_all_ways(out, response_opts());
  ASSERT_EQ(t.messages.size(), 1u);
  EXPECT_EQ(t.messages[0].head, "404 Not Found 10\nContent-Length: 4\n");
  EXPECT_EQ(t.messages[0].body, "gone");
  h.reason = "Custom";
  h.status = 299;
  out.clear();
  serialize(h, out);
  EXPECT_EQ(out, "HTTP/1.0 299 Custom\r\nContent-Length: 4\r\n\r\n");
}

TEST(http_serializer, parse_serialize_parse) {
  const std::string in = "PUT /a%20b HTTP/1.1\r\nHost: h\r\nX-Y: z w\r\nContent-Length: 0\r\n\r\n";
  parser p(role::request);
  std::error_code ec;
  p.parse(in, ec);
  ASSERT_TRUE(std::holds_alternative<head_event>(p.next()));
  std::string out;
  serialize(p.request(), out);
  EXPECT_EQ(out, in);
}

}  // namespace
}  // namespace l7::http::testing
