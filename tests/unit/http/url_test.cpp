// URLs (RFC 3986, RFC 9110 §4.2), including every RFC 3986 §5.4 example.
#include <gtest/gtest.h>

#include "http/codec/url.hpp"

namespace l7::http {
namespace {

TEST(http_url, rfc3986_normal_examples) {
  const char* base = "http://a/b/c/d;p?q";
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"g:h", "g:h"},
      {"g", "http://a/b/c/g"},
      {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"},
      {"//g", "http://g"},
      {"?y", "http://a/b/c/d;p?y"},
      {"g?y", "http://a/b/c/g?y"},
      {"#s", "http://a/b/c/d;p?q#s"},
      {"g#s", "http://a/b/c/g#s"},
      {"g?y#s", "http://a/b/c/g?y#s"},
      {";x", "http://a/b/c/;x"},
      {"g;x", "http://a/b/c/g;x"},
      {"g;x?y#s", "http://a/b/c/g;x?y#s"},
      {"", "http://a/b/c/d;p?q"},
      {".", "http://a/b/c/"},
      {"./", "http://a/b/c/"},
      {"..", "http://a/b/"},
      {"../", "http://a/b/"},
      {"../g", "http://a/b/g"},
      {"../..", "http://a/"},
      {"../../", "http://a/"},
      {"../../g", "http://a/g"},
  };
  for (const auto& [ref, want] : cases) EXPECT_EQ(resolve_reference(base, ref), want) << ref;
}

TEST(http_url, rfc3986_abnormal_examples) {
  const char* base = "http://a/b/c/d;p?q";
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"../../../g", "http://a/g"},
      {"../../../../g", "http://a/g"},
      {"/./g", "http://a/g"},
      {"/../g", "http://a/g"},
      {"g.", "http://a/b/c/g."},
      {".g", "http://a/b/c/.g"},
      {"g..", "http://a/b/c/g.."},
      {"..g", "http://a/b/c/..g"},
      {"./../g", "http://a/b/g"},
      {"./g/.", "http://a/b/c/g/"},
      {"g/./h", "http://a/b/c/g/h"},
      {"g/../h", "http://a/b/c/h"},
      {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
      {"g;x=1/../y", "http://a/b/c/y"},
      {"g?y/./x", "http://a/b/c/g?y/./x"},
      {"g?y/../x", "http://a/b/c/g?y/../x"},
      {"g#s/./x", "http://a/b/c/g#s/./x"},
      {"g#s/../x", "http://a/b/c/g#s/../x"},
      {"http:g", "http:g"},  // strict parser
  };
  for (const auto& [ref, want] : cases) EXPECT_EQ(resolve_reference(base, ref), want) << ref;
}

TEST(http_url, resolve_redirects) {
  EXPECT_EQ(resolve_reference("https://h:8443/a/b", "https://other/x"), "https://other/x");
  EXPECT_EQ(resolve_reference("https://h:8443/a/b", "/x?y"), "https://h:8443/x?y");
  EXPECT_EQ(resolve_reference("https://h:8443/a/b", "c"), "https://h:8443/a/c");
  EXPECT_EQ(resolve_reference("http://h", "c"), "http://h/c");
  EXPECT_FALSE(resolve_reference("/no/scheme", "c"));
}

TEST(http_url, remove_dot_segments) {
  EXPECT_EQ(remove_dot_segments("/a/b/c/./../../g"), "/a/g");  // RFC 3986 §5.2.4
  EXPECT_EQ(remove_dot_segments("mid/content=5/../6"), "mid/6");
  EXPECT_EQ(remove_dot_segments("/.."), "/");
  EXPECT_EQ(remove_dot_segments("/a/.."), "/");
  EXPECT_EQ(remove_dot_segments(""), "");
  EXPECT_EQ(remove_dot_segments("/a//b/"), "/a//b/");
}

TEST(http_url, parse) {
  auto u = parse_url("http://example.com");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "http");
  EXPECT_EQ(u->host, "example.com");
  EXPECT_EQ(u->port, 80);
  EXPECT_EQ(u->target, "/");
  EXPECT_EQ(u->authority(), "example.com");
  EXPECT_EQ(u->origin(), "http://example.com");

  u = parse_url("HTTPS://Example.COM:8443/a/b?c=d#frag");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "example.com");
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->target, "/a/b?c=d");
  EXPECT_EQ(u->authority(), "example.com:8443");

  u = parse_url("https://example.com:443?q");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->target, "/?q");
  EXPECT_EQ(u->authority(), "example.com");

  u = parse_url("http://[2001:DB8::1]:8080/x");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->ipv6);
  EXPECT_EQ(u->host, "2001:db8::1");
  EXPECT_EQ(u->authority(), "[2001:db8::1]:8080");

  u = parse_url("http://user:p%40ss@h:/");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->has_userinfo);
  EXPECT_EQ(u->userinfo, "user:p%40ss");
  EXPECT_EQ(u->host, "h");
  EXPECT_EQ(u->port, 80);

  u = parse_url("http://127.0.0.1:80/a%20b");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->target, "/a%20b");
  EXPECT_FALSE(u->has_userinfo);
}

TEST(http_url, rejects) {
  for (const char* bad : {"", "ftp://h/", "http:///x", "http://", "http://h:0/", "http://h:65536/",
                          "http://h:x/", "http://[v1.x]/", "http://[::1/", "http://[::1]x/",
                          "http://[1.2.3.4]/", "http://h h/", "/relative", "h/x", "http://h/\x01",
                          "http://h\xc3\xa9/", "http://h%zz/", "http://h:1:2/", "http:h"}) {
    EXPECT_FALSE(parse_url(bad)) << bad;
  }
}

TEST(http_url, split_target) {
  auto t = split_target("/a/b?x=1&y");
  EXPECT_EQ(t.path, "/a/b");
  EXPECT_EQ(t.query, "x=1&y");
  EXPECT_TRUE(t.has_query);
  t = split_target("/a");
  EXPECT_EQ(t.path, "/a");
  EXPECT_FALSE(t.has_query);
  t = split_target("/a?");
  EXPECT_TRUE(t.has_query);
  EXPECT_EQ(t.query, "");
  t = split_target("/a#f?x");
  EXPECT_EQ(t.path, "/a");
  EXPECT_FALSE(t.has_query);
}

}  // namespace
}  // namespace l7::http
