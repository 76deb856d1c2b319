#include "core/ip_address.hpp"

#include <gtest/gtest.h>

namespace l7 {

std::string canon(std::string_view s) {
  auto a = ip_address::parse(s);
  return a ? a->to_string() : "<invalid>";
}

TEST(ip_address, rfc5952_formatting) {
  EXPECT_EQ(canon("2001:0db8:02de:0000:0000:0000:0000:0e13"), "2001:db8:2de::e13");
  EXPECT_EQ(canon("0:0:0:0:0:0:0:1"), "::1");
  EXPECT_EQ(canon("::"), "::");
  EXPECT_EQ(canon("2001:DB8::1"), "2001:db8::1");                       // §4.3 lowercase
  EXPECT_EQ(canon("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");     // §4.2.2 single 0
  EXPECT_EQ(canon("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1");              // §4.2.3 longest
  EXPECT_EQ(canon("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");        // §4.2.3 first on tie
  EXPECT_EQ(canon("::ffff:192.0.2.1"), "::ffff:192.0.2.1");             // §5
  EXPECT_EQ(canon("1::"), "1::");
  EXPECT_EQ(canon("fe80::1:2:3:4:5:6"), "fe80:0:1:2:3:4:5:6");
}

TEST(ip_address, parsing) {
  EXPECT_EQ(canon("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(canon("256.0.0.1"), "<invalid>");
  EXPECT_EQ(canon("01.2.3.4"), "<invalid>");
  EXPECT_EQ(canon("1.2.3"), "<invalid>");
  EXPECT_EQ(canon("1::2::3"), "<invalid>");
  EXPECT_EQ(canon(":::"), "<invalid>");
  EXPECT_EQ(canon("1:2:3:4:5:6:7:8:9"), "<invalid>");
  EXPECT_EQ(canon("1:2:3:4:5:6:7::8"), "<invalid>");
  EXPECT_EQ(canon("12345::"), "<invalid>");
  EXPECT_EQ(canon("::1.2.3.4"), "::102:304");
  EXPECT_EQ(canon(""), "<invalid>");
  EXPECT_TRUE(ip_address::parse("::1")->is_loopback());
  EXPECT_TRUE(ip_address::parse("::ffff:127.0.0.2")->is_loopback());
  EXPECT_EQ(ip_address::parse("::ffff:10.1.2.3")->unmapped().to_string(), "10.1.2.3");
}

TEST(ip_address, host_port) {
  auto a = parse_host_port("[::1]:53", 1);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "::1");
  EXPECT_EQ(a->port, 53);
  EXPECT_EQ(parse_host_port("::1", 7)->port, 7);
  EXPECT_EQ(parse_host_port("example.org:8080", 80)->port, 8080);
  EXPECT_FALSE(parse_host_port("x:65536", 80));
  EXPECT_FALSE(parse_host_port("[::1", 80));
  EXPECT_EQ(format_endpoint(*ip_address::parse("::1"), 80), "[::1]:80");
}

}  // namespace l7
