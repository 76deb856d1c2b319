// Name compression (RFC 1035 §4.1.4) on decode and encode.
#include <gtest/gtest.h>

#include <algorithm>

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

// example.com at offset 12 as the first question (type A, class IN): 17 octets, ends at 29.
const std::string q_example = "07 6578616d706c65 03 636f6d 00 0001 0001 ";

TEST(DnsCompression, PointerToPointer) {
  // q2 at 29: "www" + pointer to 12; q3 at 39: pointer to 33 (q2's pointer).
  const auto wire = hex(header_hex(3, 0, 0, 0) + q_example + "03 777777 c00c 0001 0001 " +
                        "c021 0001 0001");
  const message m = decode_ok(wire);
  ASSERT_EQ(m.questions.size(), 3u);
  EXPECT_EQ(m.questions[1].qname.to_string(), "www.example.com.");
  EXPECT_EQ(m.questions[2].qname.to_string(), "example.com.");
}

TEST(DnsCompression, SelfLoopAndLoopIntoOwnName) {
  EXPECT_EQ(decode_error(hex(header_hex(1, 0, 0, 0) + "c00c 0001 0001")), error::pointer_loop);
  EXPECT_EQ(decode_error(hex(header_hex(1, 0, 0, 0) + "0161 c00c 0001 0001")),
            error::pointer_loop);
}

TEST(DnsCompression, LoopAToBToA) {
  // q1 at 12: "a" + pointer to 18; q2 at 18 (after q1's type/class): "b" + pointer to 12.
  // Whichever name is read, one of the pointers points forward.
  const auto wire = hex(header_hex(2, 0, 0, 0) + "0161 c012 0001 0001 0162 c00c 0001 0001");
  const auto ec = decode_error(wire);
  EXPECT_TRUE(ec == error::bad_pointer || ec == error::pointer_loop) << ec.message();
  // A chain of strictly backward pointers is fine: q3 -> q2's pointer -> q1.
  const auto wire2 = hex(header_hex(3, 0, 0, 0) + q_example + "0162 c00c 0001 0001 " +
                         "c01f 0001 0001");
  EXPECT_EQ(decode_ok(wire2).questions[2].qname.to_string(), "example.com.");
}

TEST(DnsCompression, ForwardPastEndAndIntoHeader) {
  EXPECT_EQ(decode_error(hex(header_hex(1, 0, 0, 0) + "c010 0001 0001 00")),
            error::bad_pointer);
  EXPECT_EQ(decode_error(hex(header_hex(1, 0, 0, 0) + "c3ff 0001 0001")), error::bad_pointer);
  EXPECT_EQ(decode_error(hex(header_hex(2, 0, 0, 0) + q_example + "c000 0001 0001")),
            error::bad_pointer);
  EXPECT_EQ(decode_error(hex(header_hex(1, 0, 0, 0) + "c0")), error::truncated);
}

TEST(DnsCompression, ReservedLabelTypes) {
  // 0x40 would be a 64-octet label; 0x40 and 0x80 are reserved (RFC 6891 §5).
  EXPECT_EQ(decode_error(hex(header_hex(1, 0, 0, 0) + "40" + std::string(128, 'a') +
                             "00 0001 0001")),
            error::bad_label_type);
  EXPECT_EQ(decode_error(hex(header_hex(1, 0, 0, 0) + "8001 0001 0001")),
            error::bad_label_type);
}

std::string label_hex(int len, char c) {
  char buf[3];
  std::snprintf(buf, sizeof buf, "%02x", len);
  std::string out = buf;
  for (int i = 0; i < len; ++i) out += std::string(1, c) + std::string(1, c);
  return out + " ";
}

TEST(DnsCompression, NameOf255And256Octets) {
  const std::string l63 = label_hex(63, '6');
  const std::string exact = l63 + l63 + l63 + label_hex(61, '7') + "00";  // 255 octets
  const message m = decode_ok(hex(header_hex(1, 0, 0, 0) + exact + " 0001 0001"));
  EXPECT_EQ(m.questions[0].qname.wire_length(), 255u);
  const std::string over = l63 + l63 + l63 + label_hex(62, '7') + "00";
  EXPECT_EQ(decode_error(hex(header_hex(1, 0, 0, 0) + over + " 0001 0001")),
            error::name_too_long);
  // 256 octets only when the compressed suffix is added: "x" + pointer to the 255-octet name.
  EXPECT_EQ(decode_error(hex(header_hex(2, 0, 0, 0) + exact + " 0001 0001 0178 c00c 0001 0001")),
            error::name_too_long);
}

TEST(DnsCompression, EncodeUsesPointersCaseInsensitively) {
  message m;
  m.hdr.id = 0x1234;
  m.questions.push_back({make_name("Example.COM"), rr_type::mx, rr_class::in});
  m.answers.push_back(make_record(make_name("example.com"), 60,
                                  mx_rdata{10, make_name("mail.EXAMPLE.com")}));
  const auto wire = encode_ok(m);
  EXPECT_EQ(wire, hex(header_hex(1, 1, 0, 0, "0000") + "07 4578616d706c65 03 434f4d 00 000f 0001 " +
                      "c00c 000f 0001 0000003c 0009 000a 04 6d61696c c00c"));
  testing::expect_round_trip(m);
}

TEST(DnsCompression, DnameAndSrvTargetsAreNotCompressed) {
  message m;
  m.questions.push_back({make_name("example.com"), rr_type::dname, rr_class::in});
  const name target = make_name("example.com");
  m.answers.push_back(make_record(target, 1, dname_rdata{target}));
  m.answers.push_back(make_record(target, 1, srv_rdata{1, 2, 3, target}));
  const auto wire = encode_ok(m);
  const auto full = hex("07 6578616d706c65 03 636f6d 00");
  EXPECT_EQ(std::search(wire.begin() + 29, wire.end(), full.begin(), full.end()) == wire.end(),
            false);
  EXPECT_EQ(wire.size(), 12u + 17 + (12 + 13) + (12 + 6 + 13));
  testing::expect_round_trip(m);
}

TEST(DnsCompression, NoPointersToOffsetsAbove0x3fff) {
  message m;
  m.answers.push_back(make_record(make_name("x.test"), 1,
                                  opaque_rdata{std::vector<std::byte>(20000, std::byte{1})}));
  m.answers.back().type = 65280;
  m.answers.push_back(make_record(make_name("y.other"), 1, a_rdata{}));
  m.answers.push_back(make_record(make_name("z.other"), 1, a_rdata{}));
  m.answers.push_back(make_record(make_name("w.test"), 1, a_rdata{}));
  const auto wire = encode_ok(m);
  const auto other = hex("05 6f74686572 00");
  const auto first = std::search(wire.begin(), wire.end(), other.begin(), other.end());
  ASSERT_NE(first, wire.end());
  EXPECT_NE(std::search(first + 1, wire.end(), other.begin(), other.end()), wire.end());
  EXPECT_EQ(wire.back(), std::byte{0});  // "w" + pointer to "test" at offset 14, then A rdata
  testing::expect_round_trip(m);
}

}  // namespace
}  // namespace l7::dns
