#include "core/ip_prefix.hpp"

#include <gtest/gtest.h>

namespace l7 {
namespace {

ip_address ip(const char* s) { return *ip_address::parse(s); }

TEST(IpPrefix, ParsesAndMatches) {
  auto p = ip_prefix::parse("10.0.0.0/8");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->contains(ip("10.255.1.2")));
  EXPECT_FALSE(p->contains(ip("11.0.0.1")));
  EXPECT_FALSE(p->contains(ip("::1")));
  EXPECT_EQ(p->to_string(), "10.0.0.0/8");
}

TEST(IpPrefix, ClearsHostBits) {
  auto p = ip_prefix::parse("192.168.1.77/24");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->to_string(), "192.168.1.0/24");
  auto q = ip_prefix::parse("172.16.0.0/12");
  EXPECT_TRUE(q->contains(ip("172.31.255.255")));
  EXPECT_FALSE(q->contains(ip("172.32.0.0")));
}

TEST(IpPrefix, BareAddressIsHost) {
  auto p = ip_prefix::parse("::1");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->length(), 128u);
  EXPECT_TRUE(p->contains(ip("::1")));
  EXPECT_FALSE(p->contains(ip("::2")));
}

TEST(IpPrefix, MappedAddressesMatchV4) {
  auto p = ip_prefix::parse("127.0.0.0/8");
  EXPECT_TRUE(p->contains(ip("::ffff:127.0.0.1")));
  auto q = ip_prefix::parse("::ffff:10.0.0.0/104");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->to_string(), "10.0.0.0/8");
}

TEST(IpPrefix, V6Prefixes) {
  auto p = ip_prefix::parse("fc00::/7");
  EXPECT_TRUE(p->contains(ip("fd12:3456::1")));
  EXPECT_FALSE(p->contains(ip("fe80::1")));
  auto z = ip_prefix::parse("::/0");
  EXPECT_TRUE(z->contains(ip("2001:db8::1")));
  EXPECT_FALSE(z->contains(ip("192.0.2.1")));
}

TEST(IpPrefix, RejectsBadText) {
  EXPECT_FALSE(ip_prefix::parse("10.0.0.0/33"));
  EXPECT_FALSE(ip_prefix::parse("10.0.0.0/"));
  EXPECT_FALSE(ip_prefix::parse("10.0.0/8"));
  EXPECT_FALSE(ip_prefix::parse("::/129"));
  EXPECT_FALSE(ip_prefix::parse("x/8"));
}

TEST(IpAcl, ParseReportsBadEntry) {
  std::string bad;
  EXPECT_FALSE(ip_acl::parse({"10.0.0.0/8", "nope"}, &bad));
  EXPECT_EQ(bad, "nope");
  auto acl = ip_acl::parse({"10.0.0.0/8", "::1"}, &bad);
  ASSERT_TRUE(acl);
  EXPECT_TRUE(acl->contains(ip("::1")));
  EXPECT_TRUE(acl->contains(ip("10.1.1.1")));
  EXPECT_FALSE(acl->contains(ip("192.0.2.1")));
  EXPECT_FALSE(ip_acl{}.contains(ip("10.1.1.1")));
}

}  // namespace
}  // namespace l7
