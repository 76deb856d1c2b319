// Entity tags and conditional requests (RFC 9110 §8.8.3, §13).
#include <gtest/gtest.h>

#include "http/codec/conditional.hpp"

namespace l7::http {
namespace {

TEST(http_etag, parse) {
  EXPECT_EQ(parse_etag("\"xyzzy\""), (entity_tag{false, "\"xyzzy\""}));
  EXPECT_EQ(parse_etag("W/\"xyzzy\""), (entity_tag{true, "\"xyzzy\""}));
  EXPECT_EQ(parse_etag("\"\""), (entity_tag{false, "\"\""}));
  EXPECT_FALSE(parse_etag("xyzzy"));
  EXPECT_FALSE(parse_etag("w/\"x\""));
  EXPECT_FALSE(parse_etag("\"x"));
  EXPECT_FALSE(parse_etag("\"a\"b\""));
  EXPECT_FALSE(parse_etag("\"a b\""));
  EXPECT_FALSE(parse_etag("\"x\" "));
}

TEST(http_etag, list) {
  const auto l = parse_etag_list("\"xyzzy\", \"r2d2xxxx\", W/\"c3piozzzz\"");
  ASSERT_TRUE(l);
  EXPECT_FALSE(l->any);
  ASSERT_EQ(l->tags.size(), 3u);
  EXPECT_TRUE(l->tags[2].weak);
  EXPECT_TRUE(parse_etag_list(" * ")->any);
  EXPECT_EQ(parse_etag_list("\"a,b\" ,, \"c\"")->tags.size(), 2u);
  EXPECT_FALSE(parse_etag_list(""));
  EXPECT_FALSE(parse_etag_list("\"a\" \"b\""));
  EXPECT_FALSE(parse_etag_list("*, \"a\""));
  EXPECT_FALSE(parse_etag_list("\"a\", b"));
}

// RFC 9110 §8.8.3.2 comparison table.
TEST(http_etag, comparison) {
  const auto w1 = *parse_etag("W/\"1\"");
  const auto w2 = *parse_etag("W/\"2\"");
  const auto s1 = *parse_etag("\"1\"");
  EXPECT_FALSE(strong_match(w1, w1));
  EXPECT_TRUE(weak_match(w1, w1));
  EXPECT_FALSE(strong_match(w1, w2));
  EXPECT_FALSE(weak_match(w1, w2));
  EXPECT_FALSE(strong_match(w1, s1));
  EXPECT_TRUE(weak_match(w1, s1));
  EXPECT_TRUE(strong_match(s1, s1));
  EXPECT_TRUE(weak_match(s1, s1));
}

TEST(http_conditional, if_match) {
  EXPECT_TRUE(if_match("\"a\", \"b\"", "\"b\""));
  EXPECT_FALSE(if_match("W/\"b\"", "\"b\""));  // strong comparison
  EXPECT_FALSE(if_match("\"b\"", "W/\"b\""));
  EXPECT_FALSE(if_match("\"c\"", "\"b\""));
  EXPECT_TRUE(if_match("*", "\"b\""));
  EXPECT_FALSE(if_match("*", "", false));
  EXPECT_FALSE(if_match("\"b\"", ""));
  EXPECT_FALSE(if_match("garbage", "\"b\""));
}

TEST(http_conditional, if_none_match) {
  EXPECT_FALSE(if_none_match("\"a\", \"b\"", "\"b\""));
  EXPECT_FALSE(if_none_match("W/\"b\"", "\"b\""));  // weak comparison
  EXPECT_FALSE(if_none_match("\"b\"", "W/\"b\""));
  EXPECT_TRUE(if_none_match("\"c\"", "\"b\""));
  EXPECT_FALSE(if_none_match("*", "\"b\""));
  EXPECT_TRUE(if_none_match("*", "", false));
  EXPECT_TRUE(if_none_match("\"b\"", ""));
  EXPECT_TRUE(if_none_match("garbage", "\"b\""));
}

TEST(http_conditional, dates) {
  const std::int64_t lm = 784111777;
  EXPECT_FALSE(if_modified_since("Sun, 06 Nov 1994 08:49:37 GMT", lm));
  EXPECT_TRUE(if_modified_since("Sun, 06 Nov 1994 08:49:36 GMT", lm));
  EXPECT_FALSE(if_modified_since("Sun, 06 Nov 1994 08:49:38 GMT", lm));
  EXPECT_TRUE(if_modified_since("not a date", lm));
  EXPECT_TRUE(if_unmodified_since("Sun, 06 Nov 1994 08:49:37 GMT", lm));
  EXPECT_FALSE(if_unmodified_since("Sun, 06 Nov 1994 08:49:36 GMT", lm));
  EXPECT_TRUE(if_unmodified_since("yesterday", lm));
}

TEST(http_conditional, if_range) {
  EXPECT_TRUE(if_range("\"a\"", "\"a\"", std::nullopt));
  EXPECT_FALSE(if_range("W/\"a\"", "W/\"a\"", std::nullopt));
  EXPECT_FALSE(if_range("\"b\"", "\"a\"", std::nullopt));
  EXPECT_TRUE(if_range("Sun, 06 Nov 1994 08:49:37 GMT", "\"a\"", 784111777));
  EXPECT_FALSE(if_range("Sun, 06 Nov 1994 08:49:36 GMT", "\"a\"", 784111777));
  EXPECT_FALSE(if_range("Sun, 06 Nov 1994 08:49:37 GMT", "\"a\"", std::nullopt));
  EXPECT_FALSE(if_range("junk", "\"a\"", 784111777));
}

TEST(http_conditional, evaluation_order) {
  const validators v{"\"v1\"", 784111777, true};
  const auto eval = [&](std::string_view method, std::vector<field> fs) {
    fields h;
    for (auto& f : fs) h.add(f.name, f.value);
    return evaluate_preconditions(method, h, v);
  };
  using r = precondition_result;
  EXPECT_EQ(eval("GET", {}), r::proceed);
  EXPECT_EQ(eval("GET", {{"If-None-Match", "\"v1\""}}), r::not_modified);
  EXPECT_EQ(eval("HEAD", {{"If-None-Match", "W/\"v1\""}}), r::not_modified);
  EXPECT_EQ(eval("PUT", {{"If-None-Match", "*"}}), r::failed);
  EXPECT_EQ(eval("GET", {{"If-None-Match", "\"v0\""}, {"if-none-match", "\"v1\""}}),
            r::not_modified);
  EXPECT_EQ(eval("PUT", {{"If-Match", "\"v0\""}}), r::failed);
  EXPECT_EQ(eval("PUT", {{"If-Match", "\"v1\""}}), r::proceed);
  // If-None-Match takes precedence over If-Modified-Since (§13.2.2 step 3-4).
  EXPECT_EQ(eval("GET", {{"If-None-Match", "\"v0\""},
                         {"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}}),
            r::proceed);
  EXPECT_EQ(eval("GET", {{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}}),
            r::not_modified);
  EXPECT_EQ(eval("POST", {{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}}),
            r::proceed);
  EXPECT_EQ(eval("PUT", {{"If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:36 GMT"}}), r::failed);
  // If-Match present: If-Unmodified-Since is not evaluated.
  EXPECT_EQ(eval("PUT", {{"If-Match", "\"v1\""},
                         {"If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:36 GMT"}}),
            r::proceed);
}

TEST(http_conditional, make_etag) {
  const auto a = make_etag(1234, 1700000000123456789, 42);
  const auto tag = parse_etag(a);
  ASSERT_TRUE(tag);
  EXPECT_FALSE(tag->weak);
  EXPECT_TRUE(a.starts_with("\"4d2-"));
  EXPECT_EQ(a, make_etag(1234, 1700000000123456789, 42));
  EXPECT_NE(a, make_etag(1234, 1700000000123456790, 42));
  EXPECT_NE(a, make_etag(1234, 1700000000123456789, 43));
  EXPECT_NE(a, make_etag(1235, 1700000000123456789, 42));
}

}  // namespace
}  // namespace l7::http
