// TFTP packets (RFC 1350 §5, RFC 2347 OACK): byte-exact encodings, round trips, and every
// kind of malformed datagram coming back as an l7.tftp error.
#include <gtest/gtest.h>

#include "tftp/codec/error.hpp"
#include "tftp_test_util.hpp"

namespace l7::tftp::testing {
namespace {

using namespace std::string_literals;

packet decode_ok(const bytes& b) {
  std::error_code ec;
  auto p = decode(b, ec);
  EXPECT_FALSE(ec) << ec.message() << " for " << describe(b);
  return p;
}

std::error_code decode_error(const std::string& wire) {
  std::error_code ec;
  decode(to_bytes(wire), ec);
  return ec;
}

TEST(tftp_packet, request_encoding_is_byte_exact) {
  bytes out;
  encode_request(rrq("a.txt", {{"blksize", "1468"}, {"tsize", "0"}}, "octet"), out);
  EXPECT_EQ(to_string(out), "\0\x01" "a.txt\0octet\0blksize\0" "1468\0tsize\0" "0\0"s);
  out.clear();
  encode_request(wrq("dir/b", {}, "netascii"), out);
  EXPECT_EQ(to_string(out), "\0\x02" "dir/b\0netascii\0"s);
}

TEST(tftp_packet, data_ack_error_oack_encoding_is_byte_exact) {
  EXPECT_EQ(to_string(data(0x1234, "xyz")), "\0\x03\x12\x34xyz"s);
  EXPECT_EQ(to_string(ack(65535)), "\0\x04\xff\xff"s);
  EXPECT_EQ(to_string(error_dgram(1, "File not found")), "\0\x05\0\x01" "File not found\0"s);
  EXPECT_EQ(to_string(oack({{"blksize", "8"}})), "\0\x06" "blksize\0" "8\0"s);
  EXPECT_EQ(to_string(oack({})), "\0\x06"s);
}

TEST(tftp_packet, round_trips) {
  const std::vector<packet> packets = {
      rrq("f", {}),
      wrq("some/dir/file.bin", {{"BlkSize", "65464"}, {"windowsize", "16"}, {"timeout", "3"}}),
      ack_packet{0}, ack_packet{65535}, error_packet{8, "Option negotiation refused"},
      error_packet{0, ""}, oack_packet{{{"tsize", "123456789012"}}}, oack_packet{}};
  for (const auto& p : packets) {
    bytes wire;
    encode(p, wire);
    auto back = decode_ok(wire);
    EXPECT_EQ(describe(back), describe(p));
    if (auto* r = std::get_if<request>(&p)) {
      EXPECT_EQ(std::get<request>(back), *r);
    }
    if (auto* a = std::get_if<ack_packet>(&p)) {
      EXPECT_EQ(std::get<ack_packet>(back), *a);
    }
    if (auto* e = std::get_if<error_packet>(&p)) {
      EXPECT_EQ(std::get<error_packet>(back), *e);
    }
    if (auto* o = std::get_if<oack_packet>(&p)) {
      EXPECT_EQ(std::get<oack_packet>(back), *o);
    }
  }
  const std::string payload = pattern(512);
  const bytes wire = data(7, payload), empty_wire = data(9, "");  // decoded payloads are views
  auto d = std::get<data_packet>(decode_ok(wire));
  EXPECT_EQ(d.block, 7);
  EXPECT_EQ(to_string(d.payload), payload);
  auto empty = std::get<data_packet>(decode_ok(empty_wire));
  EXPECT_TRUE(empty.payload.empty());
}

TEST(tftp_packet, malformed_datagrams_are_errors) {
  EXPECT_EQ(decode_error(""), error::truncated);
  EXPECT_EQ(decode_error("\0"s), error::truncated);
  EXPECT_EQ(decode_error("\0\0"s), error::bad_opcode);
  EXPECT_EQ(decode_error("\0\x07"s), error::bad_opcode);
  EXPECT_EQ(decode_error("\x01\x01"s), error::bad_opcode);
  EXPECT_EQ(decode_error("\0\x01"s), error::unterminated);
  EXPECT_EQ(decode_error("\0\x01" "file"s), error::unterminated);
  EXPECT_EQ(decode_error("\0\x01" "file\0octet"s), error::unterminated);
  EXPECT_EQ(decode_error("\0\x01\0octet\0"s), error::empty_filename);
  EXPECT_EQ(decode_error("\0\x01" "f\0octet\0blksize\0"s), error::bad_option);
  EXPECT_EQ(decode_error("\0\x01" "f\0octet\0blksize\0" "512"s), error::bad_option);
  EXPECT_EQ(decode_error("\0\x01" "f\0octet\0\0" "512\0"s), error::bad_option);
  EXPECT_EQ(decode_error("\0\x02" "f\0octet\0tsize\0" "1\0TSIZE\0" "2\0"s), error::duplicate_option);
  EXPECT_EQ(decode_error("\0\x03\0"s), error::truncated);
  EXPECT_EQ(decode_error("\0\x04\0"s), error::truncated);
  EXPECT_EQ(decode_error("\0\x05\0"s), error::truncated);
  EXPECT_EQ(decode_error("\0\x06" "blksize\0"s), error::bad_option);
  EXPECT_EQ(decode_error("\0\x06" "blksize"s), error::unterminated);
  EXPECT_EQ(decode_error("\0\x06\0\0"s), error::bad_option);
  std::string many = "\0\x01" "f\0octet\0"s;
  for (std::size_t i = 0; i <= max_options; ++i) many += "x" + std::to_string(i) + "\0" "1\0"s;
  EXPECT_EQ(decode_error(many), error::too_many_options);
}

TEST(tftp_packet, lenient_where_peers_differ) {
  // NUL padding after a request's fields (some boot ROMs), a long ACK, an unterminated ERROR.
  auto r = std::get<request>(decode_ok(to_bytes("\0\x01" "f\0octet\0\0\0\0"s)));
  EXPECT_TRUE(r.options.empty());
  EXPECT_EQ(std::get<ack_packet>(decode_ok(to_bytes("\0\x04\0\x05junk"s))).block, 5);
  EXPECT_EQ(std::get<error_packet>(decode_ok(to_bytes("\0\x05\0\x02no nul"s))).message, "no nul");
}

TEST(tftp_packet, modes_and_option_lookup_ignore_case) {
  EXPECT_EQ(parse_mode("OCTET"), transfer_mode::octet);
  EXPECT_EQ(parse_mode("NetAscii"), transfer_mode::netascii);
  EXPECT_EQ(parse_mode("mail"), std::nullopt);
  EXPECT_EQ(parse_mode("binary"), std::nullopt);
  std::vector<option> o{{"BLKSIZE", "1024"}};
  ASSERT_NE(find_option(o, "blksize"), nullptr);
  EXPECT_EQ(find_option(o, "blksize")->value, "1024");
  EXPECT_EQ(find_option(o, "tsize"), nullptr);
}

TEST(tftp_packet, describe_escapes_what_the_peer_chose) {
  EXPECT_EQ(describe(rrq("a\nb", {{"blksize", "8"}})), "RRQ \"a\\x0ab\" octet blksize=8");
  EXPECT_EQ(describe(data(3, "abc")), "DATA 3 (3 bytes)");
  EXPECT_EQ(describe(to_bytes("\0\x09"s)), "malformed (unknown TFTP opcode, 2 bytes)");
}

TEST(tftp_packet, wire_codes_for_errors) {
  EXPECT_EQ(wire_code_for(error::option_refused), wire::option_refused);
  EXPECT_EQ(wire_code_for(error::too_large), wire::disk_full);
  EXPECT_EQ(wire_code_for(error::bad_opcode), wire::illegal_operation);
  EXPECT_EQ(wire_code_for(error::timed_out), wire::not_defined);
  EXPECT_EQ(wire_code_for(std::make_error_code(std::errc::no_such_file_or_directory)), wire::file_not_found);
  EXPECT_EQ(wire_code_for(std::make_error_code(std::errc::permission_denied)), wire::access_violation);
  EXPECT_EQ(wire_code_for(std::make_error_code(std::errc::no_space_on_device)), wire::disk_full);
  EXPECT_EQ(wire_code_for(std::make_error_code(std::errc::file_exists)), wire::file_exists);
  EXPECT_EQ(wire_code_for(std::make_error_code(std::errc::io_error)), wire::not_defined);
}

}  // namespace
}  // namespace l7::tftp::testing
