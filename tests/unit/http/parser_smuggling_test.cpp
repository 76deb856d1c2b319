// Request smuggling and framing ambiguity (RFC 9112 §6, §7.1, §11.2): every case is an error
// in strict mode; lenient (analyzer) mode follows the documented fallback where there is one.
#include <gtest/gtest.h>

#include "parser_test_util.hpp"

namespace l7::http::testing {
namespace {

struct smuggling_case {
  const char* name;
  std::string fields;                       // header lines after Host
  std::string body;                         // bytes after the head
  std::error_code strict;                   // error in strict mode
  std::optional<std::string> lenient_body;  // body in lenient mode; nullopt: an error
  std::error_code lenient_error = {};       // that error when it is not `strict`
};

std::vector<smuggling_case> smuggling_cases() {
  const std::string chunked_body = "5\r\nhello\r\n0\r\n\r\n";
  return {
      {"CL and TE", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", chunked_body,
       error::content_length_and_chunked, "hello"},
      {"TE and CL", "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", chunked_body,
       error::content_length_and_chunked, "hello"},
      {"TE chunked, chunked", "Transfer-Encoding: chunked, chunked\r\n", chunked_body,
       error::bad_transfer_encoding, std::nullopt},
      {"TE chunked twice", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
       chunked_body, error::bad_transfer_encoding, std::nullopt},
      {"TE xchunked", "Transfer-Encoding: xchunked\r\n", chunked_body,
       error::bad_transfer_encoding, std::nullopt},
      {"TE chunked then gzip", "Transfer-Encoding: chunked, gzip\r\n", chunked_body,
       error::bad_transfer_encoding, std::nullopt},
      {"TE gzip then chunked", "Transfer-Encoding: gzip, chunked\r\n", chunked_body,
       error::unknown_transfer_coding, std::nullopt},
      {"TE identity", "Transfer-Encoding: identity\r\n", chunked_body,
       error::bad_transfer_encoding, std::nullopt},
      {"TE empty", "Transfer-Encoding: \r\n", chunked_body, error::bad_transfer_encoding,
       std::nullopt},
      {"TE with space before colon", "Transfer-Encoding : chunked\r\n", chunked_body,
       error::bad_header_name, "hello"},
      {"TE obs-fold", "Transfer-Encoding:\r\n chunked\r\n", chunked_body, error::obs_fold,
       "hello"},
      {"TE with vertical tab", "Transfer-Encoding: \x0b" "chunked\r\n", chunked_body,
       error::bad_header_value, std::nullopt, error::bad_transfer_encoding},
      {"CL with plus sign", "Content-Length: +5\r\n", "hello", error::bad_content_length,
       std::nullopt},
      {"CL negative", "Content-Length: -5\r\n", "hello", error::bad_content_length,
       std::nullopt},
      {"CL hex", "Content-Length: 0x5\r\n", "hello", error::bad_content_length, std::nullopt},
      {"CL inner space", "Content-Length: 5 5\r\n", "hello", error::bad_content_length,
       std::nullopt},
      {"CL empty", "Content-Length:\r\n", "hello", error::bad_content_length, std::nullopt},
      {"CL overflow", "Content-Length: 184467440737095516160\r\n", "hello",
       error::bad_content_length, std::nullopt},
      {"CL differing duplicates", "Content-Length: 5\r\nContent-Length: 6\r\n", "hello",
       error::bad_content_length, std::nullopt},
      {"CL differing list", "Content-Length: 5, 6\r\n", "hello", error::bad_content_length,
       std::nullopt},
      {"CL identical list", "Content-Length: 5, 5\r\n", "hello", {}, "hello"},
      {"CL identical lines", "Content-Length: 5\r\nContent-Length: 5\r\n", "hello", {}, "hello"},
      {"CL with OWS", "Content-Length:  5 \r\n", "hello", {}, "hello"},
      {"CL space before colon", "Content-Length : 5\r\n", "hello", error::bad_header_name,
       "hello"},
      {"obs-fold", "X-A: 1\r\n  2\r\nContent-Length: 5\r\n", "hello", error::obs_fold, "hello"},
      {"bare LF", "Content-Length: 5\n", "hello", error::bare_lf, "hello"},
      {"bare CR", "X-A: 1\r2\r\nContent-Length: 5\r\n", "hello", error::bad_header_value,
       "hello"},
      {"NUL in value", std::string("X-A: a\0b\r\nContent-Length: 5\r\n", 29), "hello",
       error::bad_header_value, "hello"},
      {"chunk size overflow", "Transfer-Encoding: chunked\r\n",
       "10000000000000005\r\nhello\r\n0\r\n\r\n", error::bad_chunk, std::nullopt},
      {"chunk size 2^63", "Transfer-Encoding: chunked\r\n",
       "8000000000000000\r\nhello\r\n0\r\n\r\n", error::bad_chunk, std::nullopt},
      {"chunk size leading space", "Transfer-Encoding: chunked\r\n",
       " 5\r\nhello\r\n0\r\n\r\n", error::bad_chunk, std::nullopt},
      {"chunk size 0x prefix", "Transfer-Encoding: chunked\r\n",
       "0x5\r\nhello\r\n0\r\n\r\n", error::bad_chunk, std::nullopt},
      {"chunk size negative", "Transfer-Encoding: chunked\r\n",
       "-5\r\nhello\r\n0\r\n\r\n", error::bad_chunk, std::nullopt},
      {"chunk size empty", "Transfer-Encoding: chunked\r\n", "\r\nhello\r\n0\r\n\r\n",
       error::bad_chunk, std::nullopt},
      {"chunk size trailing space", "Transfer-Encoding: chunked\r\n",
       "5 \r\nhello\r\n0\r\n\r\n", error::bad_chunk, "hello"},
      {"chunk line bare LF", "Transfer-Encoding: chunked\r\n", "5\nhello\r\n0\r\n\r\n",
       error::bad_chunk, "hello"},
      {"chunk data bare LF", "Transfer-Encoding: chunked\r\n", "5\r\nhello\n0\r\n\r\n",
       error::bad_chunk, "hello"},
      {"last chunk bare LF", "Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\n\n",
       error::bad_chunk, "hello"},
      {"trailer bare LF", "Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\nA: b\n\r\n",
       error::bare_lf, "hello"},
  };
}

std::string request_with(const smuggling_case& c) {
  return "POST /x HTTP/1.1\r\nHost: a\r\n" + c.fields + "\r\n" + c.body;
}

TEST(http_smuggling, strict) {
  for (const auto& c : smuggling_cases()) {
    SCOPED_TRACE(c.name);
    const auto t = parse_all_ways(request_with(c), request_opts(false));
    EXPECT_EQ(t.error, c.strict) << show(t);
    if (!c.strict) {
      ASSERT_EQ(t.messages.size(), 1u) << show(t);
      EXPECT_EQ(t.messages[0].body, *c.lenient_body);
    }
  }
}

TEST(http_smuggling, lenient) {
  for (const auto& c : smuggling_cases()) {
    SCOPED_TRACE(c.name);
    const auto t = parse_all_ways(request_with(c), request_opts(true));
    if (!c.lenient_body) {
      EXPECT_EQ(t.error, c.lenient_error ? c.lenient_error : c.strict) << show(t);
      continue;
    }
    EXPECT_FALSE(t.error) << show(t);
    ASSERT_EQ(t.messages.size(), 1u) << show(t);
    EXPECT_TRUE(t.messages[0].ended);
    EXPECT_EQ(t.messages[0].body, *c.lenient_body);
  }
}

TEST(http_smuggling, lenient_cl_te_closes_connection) {
  const auto t = parse_all_ways(
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
      "1\r\nx\r\n0\r\n\r\n",
      request_opts(true));
  ASSERT_EQ(t.messages.size(), 1u);
  EXPECT_EQ(t.messages[0].flags, "chunked ");  // CL dropped, no keep-alive
}

TEST(http_smuggling, lenient_obs_fold_joins_with_space) {
  const auto t = parse_all_ways("GET / HTTP/1.1\r\nHost: a\r\nX-A: one\r\n two\r\n\t three\r\n\r\n",
                                request_opts(true));
  ASSERT_EQ(t.messages.size(), 1u);
  EXPECT_EQ(t.messages[0].head, "GET / 11\nHost: a\nX-A: one two three\n");
}

TEST(http_smuggling, http10_transfer_encoding) {
  const std::string in = "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n";
  EXPECT_EQ(parse_all_ways(in, request_opts(false)).error, error::bad_transfer_encoding);
  const auto t = parse_all_ways(in, request_opts(true));
  ASSERT_EQ(t.messages.size(), 1u);
  EXPECT_EQ(t.messages[0].body, "x");
  EXPECT_EQ(t.messages[0].flags, "chunked ");
}

TEST(http_smuggling, pipelined_request_after_chunked_is_separate) {
  const auto t = parse_all_ways(
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n0\r\n\r\nGET /second HTTP/1.1\r\nHost: a\r\n\r\n",
      request_opts());
  ASSERT_EQ(t.messages.size(), 2u);
  EXPECT_EQ(t.messages[1].head, "GET /second 11\nHost: a\n");
}

}  // namespace
}  // namespace l7::http::testing
