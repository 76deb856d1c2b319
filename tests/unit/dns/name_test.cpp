#include <gtest/gtest.h>

#include "dns/codec/error.hpp"
#include "dns/codec/name.hpp"

namespace l7::dns {
namespace {

name parse_ok(std::string_view text) {
  std::error_code ec;
  name n = name::parse(text, ec);
  EXPECT_FALSE(ec) << text << ": " << ec.message();
  return n;
}

std::error_code parse_error(std::string_view text) {
  std::error_code ec;
  name::parse(text, ec);
  return ec;
}

TEST(DnsName, RootAndSimpleNames) {
  EXPECT_TRUE(parse_ok(".").is_root());
  EXPECT_TRUE(parse_ok("").is_root());
  EXPECT_EQ(parse_ok(".").to_string(), ".");
  EXPECT_EQ(parse_ok(".").wire_length(), 1u);
  const name n = parse_ok("www.example.com");
  EXPECT_EQ(n.label_count(), 3u);
  EXPECT_EQ(n.to_string(), "www.example.com.");
  EXPECT_EQ(n.wire_length(), 17u);
  EXPECT_EQ(parse_ok("www.example.com."), n);
}

TEST(DnsName, EscapesRfc1035Section5_1) {
  const name n = parse_ok("a\\.b.c\\\\d.\\065\\032z.");
  ASSERT_EQ(n.label_count(), 3u);
  EXPECT_EQ(n.labels()[0], "a.b");
  EXPECT_EQ(n.labels()[1], "c\\d");
  EXPECT_EQ(n.labels()[2], "A z");
  EXPECT_EQ(n.to_string(), "a\\.b.c\\\\d.A\\032z.");
  EXPECT_EQ(parse_ok(n.to_string()), n);
  EXPECT_EQ(parse_ok("\\000\\255.x").to_string(), "\\000\\255.x.");
  EXPECT_EQ(parse_ok("\\@\\$\\(\\)\\;\\\"").to_string(), "\\@\\$\\(\\)\\;\\\".");
}

TEST(DnsName, BadText) {
  EXPECT_EQ(parse_error("a..b"), error::bad_name_text);
  EXPECT_EQ(parse_error(".a"), error::bad_name_text);
  EXPECT_EQ(parse_error("a\\"), error::bad_name_text);
  EXPECT_EQ(parse_error("a\\25"), error::bad_name_text);
  EXPECT_EQ(parse_error("a\\256"), error::bad_name_text);
  EXPECT_EQ(parse_error("a\\2x5"), error::bad_name_text);
  EXPECT_EQ(parse_error(".."), error::bad_name_text);
}

TEST(DnsName, LengthLimitsRfc1035Section2_3_4) {
  EXPECT_FALSE(parse_error(std::string(63, 'a') + ".com"));
  EXPECT_EQ(parse_error(std::string(64, 'a') + ".com"), error::label_too_long);
  // 3 x 64 + 62 + 1 = 255 octets exactly.
  const std::string l63(63, 'x');
  const std::string exact = l63 + "." + l63 + "." + l63 + "." + std::string(61, 'y');
  EXPECT_EQ(parse_ok(exact).wire_length(), 255u);
  EXPECT_EQ(parse_error(exact + "y"), error::name_too_long);
  std::error_code ec;
  name::from_labels({"a", ""}, ec);
  EXPECT_EQ(ec, error::bad_name_text);
}

TEST(DnsName, CaseInsensitiveAsciiOnlyRfc4343) {
  EXPECT_EQ(parse_ok("WWW.Example.COM"), parse_ok("www.example.com"));
  EXPECT_NE(parse_ok("www.example.com"), parse_ok("www.example.org"));
  EXPECT_NE(parse_ok("a.b"), parse_ok("a.b.c"));
  EXPECT_NE(parse_ok("\\196"), parse_ok("\\228"));  // Latin-1 Ä / ä are not folded
  EXPECT_EQ(parse_ok("Foo.Bar").canonical_wire(), std::string("\3foo\3bar\0", 9));
}

TEST(DnsName, SuffixAndSubdomain) {
  const name n = parse_ok("a.b.example.com");
  EXPECT_EQ(n.suffix(2), parse_ok("example.com"));
  EXPECT_TRUE(n.suffix(4).is_root());
  EXPECT_TRUE(n.is_subdomain_of(parse_ok("EXAMPLE.com")));
  EXPECT_TRUE(n.is_subdomain_of(parse_ok(".")));
  EXPECT_FALSE(n.is_subdomain_of(parse_ok("b.example.org")));
  EXPECT_FALSE(parse_ok("com").is_subdomain_of(n));
}

}  // namespace
}  // namespace l7::dns
