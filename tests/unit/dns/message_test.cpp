// Whole messages: header, sections, a byte-exact real response, truncation, limits, encode budget.
#include <gtest/gtest.h>

#include "dns/codec/types.hpp"
#include "dns_test_util.hpp"

namespace l7::dns {
namespace {

using testing::decode_error;
using testing::decode_ok;
using testing::encode_ok;
using testing::header_hex;
using testing::hex;
using testing::make_name;

// A response to "example.com A" with one compressed answer, as a resolver sends it.
const char* const example_response =
    "1234 8180 0001 0001 0000 0000"
    "07 6578616d706c65 03 636f6d 00 0001 0001"
    "c00c 0001 0001 00000e10 0004 5db8d822";

message example_message() {
  message m;
  m.hdr.id = 0x1234;
  m.hdr.qr = m.hdr.rd = m.hdr.ra = true;
  m.questions.push_back({make_name("example.com"), rr_type::a, rr_class::in});
  m.answers.push_back(make_record(make_name("example.com"), 3600,
                                  a_rdata{ip_address::v4({93, 184, 216, 34})}));
  return m;
}

TEST(DnsMessage, RealResponseByteExact) {
  const auto wire = hex(example_response);
  EXPECT_EQ(decode_ok(wire), example_message());
  EXPECT_EQ(encode_ok(example_message()), wire);
  EXPECT_EQ(to_string(example_message()),
            ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 4660\n"
            ";; flags: qr rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0\n"
            "\n;; QUESTION SECTION:\n;example.com.\t\tIN\tA\n"
            "\n;; ANSWER SECTION:\nexample.com.\t3600\tIN\tA\t93.184.216.34\n");
}

TEST(DnsMessage, HeaderBitsRfc1035Section4_1_1) {
  const message m = decode_ok(hex("ffff ffff 0000 0000 0000 0000"));
  EXPECT_EQ(m.hdr.id, 0xffff);
  EXPECT_TRUE(m.hdr.qr && m.hdr.aa && m.hdr.tc && m.hdr.rd && m.hdr.ra && m.hdr.z &&
              m.hdr.ad && m.hdr.cd);
  EXPECT_EQ(m.hdr.opcode, 15);
  EXPECT_EQ(m.hdr.rcode, 15);
  EXPECT_EQ(encode_ok(m), hex("ffff ffff 0000 0000 0000 0000"));
  const message u = decode_ok(hex("0001 2905 0000 0000 0000 0000"));
  EXPECT_EQ(u.hdr.opcode, opcode::update);
  EXPECT_TRUE(u.hdr.rd);
  EXPECT_EQ(u.hdr.rcode, rcode::refused);
  EXPECT_FALSE(u.hdr.qr || u.hdr.aa || u.hdr.tc || u.hdr.ra || u.hdr.z || u.hdr.ad || u.hdr.cd);
}

TEST(DnsMessage, EveryPrefixIsTruncated) {
  message m = example_message();
  m.authority.push_back(make_record(make_name("example.com"), 300,
      soa_rdata{make_name("ns.example.com"), make_name("hostmaster.example.com"), 1, 2, 3, 4, 5}));
  m.additional.push_back(make_record(make_name("ns.example.com"), 300, txt_rdata{{"a", "bc"}}));
  m.opt.emplace();
  m.opt->options.push_back({10, std::vector<std::byte>(8, std::byte{7})});
  const auto wire = encode_ok(m);
  for (std::size_t n = 0; n < wire.size(); ++n)
    EXPECT_EQ(decode_error(std::span(wire).first(n)), error::truncated) << "prefix " << n;
  EXPECT_EQ(decode_ok(wire), m);
}

TEST(DnsMessage, TrailingDataStrictAndLenient) {
  auto wire = hex(example_response);
  wire.push_back(std::byte{0});
  EXPECT_EQ(decode_error(wire), error::trailing_data);
  limits lim;
  lim.lenient = true;
  message m;
  std::error_code ec;
  EXPECT_EQ(decode(wire, m, ec, lim), wire.size() - 1);
  EXPECT_FALSE(ec);
  EXPECT_EQ(m, example_message());
}

TEST(DnsMessage, CountsAndSizeLimits) {
  EXPECT_EQ(decode_error(hex("1234 0100 0005 0000 0000 0000")), error::truncated);
  limits lim;
  lim.max_records_per_section = 2;
  EXPECT_EQ(decode_error(hex("1234 0100 0000 0003 0000 0000"), lim), error::too_many_records);
  lim = {};
  lim.max_message_size = 20;
  EXPECT_EQ(decode_error(hex(example_response), lim), error::message_too_large);
}

TEST(DnsMessage, OptPlacementRfc6891Section6_1_1) {
  const std::string opt = "00 0029 1000 00000000 0000 ";
  EXPECT_FALSE(decode_error(hex(header_hex(0, 0, 0, 1) + opt)));
  EXPECT_EQ(decode_error(hex(header_hex(0, 0, 0, 2) + opt + opt)), error::multiple_opt);
  EXPECT_EQ(decode_error(hex(header_hex(0, 1, 0, 0) + opt)), error::bad_opt);
  EXPECT_EQ(decode_error(hex(header_hex(0, 0, 1, 0) + opt)), error::bad_opt);
  EXPECT_EQ(decode_error(hex(header_hex(0, 0, 0, 1) + "0161 00 0029 1000 00000000 0000")),
            error::bad_opt);
  // An option running past RDLENGTH.
  EXPECT_EQ(decode_error(hex(header_hex(0, 0, 0, 1) + "00 0029 1000 00000000 0004 000a 0008")),
            error::bad_opt);
}

TEST(DnsMessage, ExtendedRcodeRfc6891Section6_1_3) {
  message m;
  m.set_rcode(rcode::badvers);
  EXPECT_EQ(m.hdr.rcode, 0);
  ASSERT_TRUE(m.opt);
  EXPECT_EQ(m.opt->extended_rcode, 1);
  EXPECT_EQ(m.full_rcode(), 16);
  m.set_rcode(rcode::nxdomain);
  EXPECT_EQ(m.full_rcode(), 3);
  EXPECT_EQ(m.opt->extended_rcode, 0);
  const message d = decode_ok(hex(header_hex(0, 0, 0, 1, "8183") + "00 0029 04d0 ab000000 0000"));
  EXPECT_EQ(d.full_rcode(), (0xab << 4) | 3);
  EXPECT_EQ(rcode_to_string(16), "BADVERS");
}

TEST(DnsMessage, EncodeWithinBudgetSetsTcRfc2181Section9) {
  message m;
  m.hdr.qr = true;
  m.questions.push_back({make_name("many.example.com"), rr_type::a, rr_class::in});
  for (std::uint8_t i = 0; i < 60; ++i)
    m.answers.push_back(make_record(make_name("many.example.com"), 60,
                                    a_rdata{ip_address::v4({192, 0, 2, i})}));
  m.opt.emplace();
  const auto wire = encode_ok(m, 512);
  EXPECT_LE(wire.size(), 512u);
  const message t = decode_ok(wire);
  EXPECT_TRUE(t.hdr.tc);
  EXPECT_EQ(t.answers.size(), (512u - 12 - 22 - 11) / 16);
  EXPECT_TRUE(t.opt);
  // Dropping only additional data does not set TC.
  message a = example_message();
  for (int i = 0; i < 40; ++i) a.additional.push_back(a.answers[0]);
  const message at = decode_ok(encode_ok(a, 512));
  EXPECT_FALSE(at.hdr.tc);
  EXPECT_EQ(at.answers.size(), 1u);
  EXPECT_LT(at.additional.size(), 40u);
  std::vector<std::byte> out(3, std::byte{9});
  EXPECT_EQ(encode(m, out, 20), error::message_too_large);
  EXPECT_EQ(out.size(), 3u);
}

TEST(DnsMessage, EncodeRefusesBadRecords) {
  message m = example_message();
  m.answers[0].type = rr_type::aaaa;
  std::vector<std::byte> out;
  EXPECT_EQ(encode(m, out), error::bad_rdata);
  EXPECT_TRUE(out.empty());
  m.answers[0] = make_record(make_name("x"), 1, txt_rdata{{std::string(256, 'a')}});
  EXPECT_EQ(encode(m, out), error::bad_rdata);
  m.answers[0] = make_record(make_name("x"), 1, txt_rdata{});
  EXPECT_EQ(encode(m, out), error::bad_rdata);
  m.answers[0] = resource_record{make_name("x"), rr_type::opt, 512, 0, opaque_rdata{}};
  EXPECT_EQ(encode(m, out), error::bad_opt);
}

TEST(DnsMessage, AppendsAfterExistingBytes) {
  std::vector<std::byte> out{std::byte{0}, std::byte{45}};  // a TCP length prefix
  ASSERT_FALSE(encode(example_message(), out));
  EXPECT_EQ(std::vector<std::byte>(out.begin() + 2, out.end()), hex(example_response));
}

}  // namespace
}  // namespace l7::dns
