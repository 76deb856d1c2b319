// ftp:// and ftps:// URLs (RFC 1738 §3.2), including the RFC's own examples.
#include <gtest/gtest.h>

#include "ftp/codec/url.hpp"

namespace l7::ftp {
namespace {

url parse_ok(std::string_view text) {
  std::error_code ec;
  auto u = parse_url(text, ec);
  EXPECT_TRUE(u) << text << ": " << ec.message();
  EXPECT_FALSE(ec) << text;
  return u ? *u : url{};
}

std::error_code parse_error(std::string_view text) {
  std::error_code ec;
  auto u = parse_url(text, ec);
  EXPECT_FALSE(u) << text;
  return ec;
}

using segments = std::vector<std::string>;

TEST(ftp_url, defaults_without_login_or_path) {
  auto u = parse_ok("ftp://ftp.example.org");
  EXPECT_FALSE(u.implicit_tls);
  EXPECT_FALSE(u.has_user);
  EXPECT_FALSE(u.has_password);
  EXPECT_EQ(u.host, "ftp.example.org");
  EXPECT_EQ(u.port, 21);
  EXPECT_TRUE(u.segments.empty());
  EXPECT_TRUE(u.is_directory());
  EXPECT_EQ(u.type, 0);
}

TEST(ftp_url, scheme_is_case_insensitive_and_host_lowercased) {
  auto u = parse_ok("FTP://FTP.Example.ORG/");
  EXPECT_EQ(u.host, "ftp.example.org");
  EXPECT_EQ(u.segments, segments{""});
  EXPECT_TRUE(u.is_directory());
}

TEST(ftp_url, ftps_is_implicit_tls_on_990) {
  auto u = parse_ok("ftps://host/file");
  EXPECT_TRUE(u.implicit_tls);
  EXPECT_EQ(u.port, 990);
  EXPECT_EQ(parse_ok("ftps://host:2990/").port, 2990);
}

TEST(ftp_url, user_password_and_port) {
  auto u = parse_ok("ftp://alice:s3cret@host:2121/dir/file.txt");
  EXPECT_TRUE(u.has_user);
  EXPECT_EQ(u.user, "alice");
  EXPECT_TRUE(u.has_password);
  EXPECT_EQ(u.password, "s3cret");
  EXPECT_EQ(u.port, 2121);
  EXPECT_EQ(u.segments, (segments{"dir", "file.txt"}));
  EXPECT_EQ(u.directories(), segments{"dir"});
  EXPECT_EQ(u.name(), "file.txt");
  EXPECT_FALSE(u.is_directory());
  EXPECT_EQ(u.authority(), "host:2121");
}

TEST(ftp_url, user_without_password_and_empty_password) {
  auto u = parse_ok("ftp://bob@host/");
  EXPECT_EQ(u.user, "bob");
  EXPECT_FALSE(u.has_password);
  auto v = parse_ok("ftp://bob:@host/");
  EXPECT_TRUE(v.has_password);
  EXPECT_EQ(v.password, "");
}

// §3.1: ':', '@' and '/' in user or password must be encoded; each part decodes on its own.
TEST(ftp_url, encoded_user_and_password) {
  auto u = parse_ok("ftp://a%40b.c:p%3Aw%2Fd%40x%25@host/");
  EXPECT_EQ(u.user, "a@b.c");
  EXPECT_EQ(u.password, "p:w/d@x%");
}

TEST(ftp_url, last_at_ends_the_login) {
  auto u = parse_ok("ftp://me@example.com:pw@host/");
  EXPECT_EQ(u.user, "me@example.com");
  EXPECT_EQ(u.password, "pw");
  EXPECT_EQ(u.host, "host");
}

// §3.2.2: "ftp://myname@host.dom/%2Fetc/motd" is CWD /etc, then RETR motd.
TEST(ftp_url, rfc1738_encoded_slash_is_part_of_one_segment) {
  auto u = parse_ok("ftp://myname@host.dom/%2Fetc/motd");
  EXPECT_EQ(u.user, "myname");
  EXPECT_EQ(u.host, "host.dom");
  EXPECT_EQ(u.directories(), segments{"/etc"});
  EXPECT_EQ(u.name(), "motd");
}

// §3.2.2: "ftp://myname@host.dom//etc/motd" is a CWD with an empty argument, then CWD etc.
TEST(ftp_url, rfc1738_empty_segment_is_kept) {
  auto u = parse_ok("ftp://myname@host.dom//etc/motd");
  EXPECT_EQ(u.directories(), (segments{"", "etc"}));
  EXPECT_EQ(u.name(), "motd");
}

TEST(ftp_url, segments_are_decoded_separately) {
  auto u = parse_ok("ftp://h/a%20b/c%2Fd/e%3Bf.txt");
  EXPECT_EQ(u.segments, (segments{"a b", "c/d", "e;f.txt"}));
}

TEST(ftp_url, directory_url_ends_in_slash) {
  auto u = parse_ok("ftp://h/pub/linux/");
  EXPECT_EQ(u.segments, (segments{"pub", "linux", ""}));
  EXPECT_EQ(u.directories(), (segments{"pub", "linux"}));
  EXPECT_TRUE(u.is_directory());
}

TEST(ftp_url, typecodes) {
  EXPECT_EQ(parse_ok("ftp://h/f.txt;type=a").type, 'a');
  EXPECT_EQ(parse_ok("ftp://h/f.bin;type=i").type, 'i');
  EXPECT_EQ(parse_ok("ftp://h/f.bin;type=I").type, 'i');
  auto d = parse_ok("ftp://h/pub;type=d");
  EXPECT_EQ(d.type, 'd');
  EXPECT_EQ(d.name(), "pub");
  EXPECT_TRUE(d.is_directory());
  auto f = parse_ok("ftp://h/dir/f.txt;type=a");
  EXPECT_EQ(f.segments, (segments{"dir", "f.txt"}));
}

TEST(ftp_url, type_only_counts_in_the_last_segment) {
  auto u = parse_ok("ftp://h/a;type=i/b");
  EXPECT_EQ(u.type, 0);
  EXPECT_EQ(u.segments, (segments{"a;type=i", "b"}));
}

TEST(ftp_url, ipv6_literals) {
  auto u = parse_ok("ftp://[::1]:2121/x");
  EXPECT_TRUE(u.ipv6);
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, 2121);
  EXPECT_EQ(u.authority(), "[::1]:2121");
  auto v = parse_ok("ftp://user@[2001:DB8:0:0::1]/");
  EXPECT_EQ(v.host, "2001:db8::1");  // RFC 5952 form
  EXPECT_EQ(v.port, 21);
}

TEST(ftp_url, fragment_dropped) {
  EXPECT_EQ(parse_ok("ftp://h/f.txt#top").segments, segments{"f.txt"});
}

TEST(ftp_url, question_mark_is_a_path_character) {
  EXPECT_EQ(parse_ok("ftp://h/what?.txt").segments, segments{"what?.txt"});
}

TEST(ftp_url, empty_port_keeps_default) { EXPECT_EQ(parse_ok("ftp://h:/").port, 21); }

TEST(ftp_url, errors) {
  const std::vector<std::pair<const char*, url_error>> cases = {
      {"http://h/", url_error::bad_scheme},
      {"h/path", url_error::bad_scheme},
      {"ftp:/h/path", url_error::bad_scheme},
      {"ftp://h/a b", url_error::bad_character},
      {"ftp://h/caf\xc3\xa9", url_error::bad_character},
      {"ftp://h/a\tb", url_error::bad_character},
      {"ftp://h/%zz", url_error::bad_escape},
      {"ftp://h/%4", url_error::bad_escape},
      {"ftp://u%2@h/", url_error::bad_escape},
      {"ftp://h/a%0D%0ADELE%20x", url_error::unsafe_text},
      {"ftp://h/a%00b", url_error::unsafe_text},
      {"ftp://u%0A:p@h/", url_error::unsafe_text},
      {"ftp://u:p%0d@h/", url_error::unsafe_text},
      {"ftp:///path", url_error::bad_host},
      {"ftp://user@/path", url_error::bad_host},
      {"ftp://ho!st/", url_error::bad_host},
      {"ftp://[::1/", url_error::bad_host},
      {"ftp://[1.2.3.4]/", url_error::bad_host},
      {"ftp://[::1]x/", url_error::bad_host},
      {"ftp://h:0/", url_error::bad_port},
      {"ftp://h:65536/", url_error::bad_port},
      {"ftp://h:21a/", url_error::bad_port},
      {"ftp://h:-1/", url_error::bad_port},
      {"ftp://h/f;type=x", url_error::bad_type},
      {"ftp://h/f;type=", url_error::bad_type},
      {"ftp://h/f;type=ai", url_error::bad_type},
  };
  for (const auto& [text, want] : cases) {
    auto ec = parse_error(text);
    EXPECT_EQ(ec, make_error_code(want)) << text << " gave " << ec.message();
    EXPECT_FALSE(ec.message().empty());
  }
}

}  // namespace
}  // namespace l7::ftp
