// EDNS(0) fields and the typed option helpers (RFC 6891, 7871, 7873, 7830, 8914).
#include <gtest/gtest.h>

#include "dns_test_util.hpp"

namespace l7::dns {
namespace {

using testing::decode_ok;
using testing::header_hex;
using testing::hex;

edns_option opt(std::uint16_t code, std::string_view data_hex) { return {code, hex(data_hex)}; }

TEST(DnsEdns, OptFieldsRfc6891Section6_1_2) {
  const auto wire = hex(header_hex(0, 0, 0, 1) +
                        "00 0029 1000 01 00 8001 000c 000a 0008 0102030405060708");
  const message m = decode_ok(wire);
  ASSERT_TRUE(m.opt);
  EXPECT_EQ(m.opt->udp_payload_size, 4096);
  EXPECT_EQ(m.opt->extended_rcode, 1);
  EXPECT_EQ(m.opt->version, 0);
  EXPECT_TRUE(m.opt->dnssec_ok);
  EXPECT_EQ(m.opt->flags, 1);
  ASSERT_EQ(m.opt->options.size(), 1u);
  EXPECT_EQ(m.opt->options[0], opt(10, "0102030405060708"));
  EXPECT_EQ(testing::encode_ok(m), wire);
  EXPECT_NE(
      to_string(m).find("; EDNS: version: 0, flags: do; udp: 4096\n; COOKIE: 0102030405060708"),
      std::string::npos);
}

TEST(DnsEdns, ClientSubnetRfc7871) {
  std::error_code ec;
  auto s = parse_client_subnet(opt(8, "0001 18 00 c00002"), ec);
  ASSERT_TRUE(s) << ec.message();
  EXPECT_EQ(s->address.to_string(), "192.0.2.0");
  EXPECT_EQ(s->source_prefix, 24);
  EXPECT_EQ(to_string(opt(8, "0001 18 00 c00002")), "CLIENT-SUBNET: 192.0.2.0/24/0");
  s = parse_client_subnet(opt(8, "0002 38 30 20010db8abcdef"), ec);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->address.to_string(), "2001:db8:abcd:ef00::");
  EXPECT_TRUE(parse_client_subnet(opt(8, "0001 00 00"), ec));
  // Wrong address length, bits past the prefix, prefix too long, unknown family, short.
  for (const char* bad : {"0001 18 00 c0000201", "0001 18 00 c000", "0001 17 00 c00003",
                          "0001 21 00 c0000201ff", "0002 81 00", "0003 00 00", "0001 18"}) {
    EXPECT_FALSE(parse_client_subnet(opt(8, bad), ec)) << bad;
    EXPECT_EQ(ec, error::bad_option);
  }
  client_subnet c{20, 0, ip_address::v4({10, 1, 255, 9})};
  EXPECT_EQ(make_option(c), opt(8, "0001 14 00 0a01f0"));
  EXPECT_EQ(parse_client_subnet(make_option(c), ec)->address.to_string(), "10.1.240.0");
}

TEST(DnsEdns, CookieRfc7873) {
  std::error_code ec;
  for (std::size_t n : {8u, 16u, 40u}) {
    const edns_option o{10, std::vector<std::byte>(n, std::byte{1})};
    auto c = parse_cookie(o, ec);
    ASSERT_TRUE(c) << n;
    EXPECT_EQ(c->server.size(), n - 8);
    EXPECT_EQ(make_option(*c), o);
  }
  for (std::size_t n : {0u, 7u, 9u, 15u, 41u})
    EXPECT_FALSE(parse_cookie({10, std::vector<std::byte>(n)}, ec)) << n;
}

TEST(DnsEdns, PaddingAndExtendedErrorRfc7830Rfc8914) {
  EXPECT_EQ(make_padding(3), opt(12, "000000"));
  EXPECT_EQ(to_string(make_padding(3)), "PADDING: 3 octets");
  std::error_code ec;
  const extended_error e{18, "blocked by policy"};
  EXPECT_EQ(parse_extended_error(make_option(e), ec), e);
  EXPECT_EQ(to_string(make_option(e)), "EDE: 18: \"blocked by policy\"");
  EXPECT_EQ(parse_extended_error(opt(15, "0006"), ec)->info_code, 6);
  EXPECT_FALSE(parse_extended_error(opt(15, "00"), ec));
  EXPECT_FALSE(parse_extended_error(opt(15, "0012 ff"), ec));
  EXPECT_EQ(to_string(opt(65001, "ab")), "OPT65001: ab");
}

}  // namespace
}  // namespace l7::dns
