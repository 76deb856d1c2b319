// netascii (RFC 1350 §5 / RFC 764): both directions, with the input and the output split at
// every offset, so a CR LF or CR NUL pair across a block boundary is covered.
#include <gtest/gtest.h>

#include "tftp/codec/netascii.hpp"
#include "tftp_test_util.hpp"

namespace l7::tftp::testing {
namespace {

using namespace std::string_literals;

// Encodes `in` into output blocks of `block` bytes, feeding the input `chunk` bytes at a time.
std::string encode_blocks(std::string_view in, std::size_t chunk, std::size_t block) {
  netascii_encoder enc;
  std::string out;
  std::string buf(block, '\0');
  std::size_t pos = 0, fill = 0;
  auto* b = reinterpret_cast<std::byte*>(buf.data());
  while (pos < in.size() || enc.pending()) {
    auto piece = as_bytes(in.substr(pos, chunk));
    auto r = enc.encode(piece, std::span(b + fill, block - fill));
    pos += r.consumed;
    fill += r.produced;
    if (fill == block) {
      out.append(buf.data(), fill);
      fill = 0;
    }
  }
  out.append(buf.data(), fill);
  return out;
}

std::string decode_split(std::string_view in, std::size_t at) {
  netascii_decoder dec;
  bytes out;
  dec.decode(as_bytes(in.substr(0, at)), out);
  dec.decode(as_bytes(in.substr(at)), out);
  dec.finish(out);
  return to_string(out);
}

TEST(tftp_netascii, encodes_line_ends_and_bare_cr) {
  EXPECT_EQ(encode_blocks("a\nb\rc\r\n", 100, 512), "a\r\nb\r\0c\r\0\r\n"s);
  EXPECT_EQ(encode_blocks("", 100, 512), "");
  EXPECT_EQ(encode_blocks("\n\n", 1, 1), "\r\n\r\n");
}

TEST(tftp_netascii, decodes_line_ends_and_bare_cr) {
  EXPECT_EQ(decode_split("a\r\nb\r\0c\r\0\r\n"s, 0), "a\nb\rc\r\n");
  EXPECT_EQ(decode_split("x\ry"s, 0), "x\ry");   // lenient: a bare CR stays
  EXPECT_EQ(decode_split("end\r"s, 4), "end\r");  // a CR at the very end is flushed
  EXPECT_EQ(decode_split("\r\r\n"s, 1), "\r\n");
}

TEST(tftp_netascii, every_split_of_input_and_output_gives_the_same_result) {
  const std::string text = "line one\nCR\ralone\r\n\n\r\rend\n";
  const std::string expected = encode_blocks(text, text.size(), 4096);
  for (std::size_t chunk = 1; chunk <= text.size(); ++chunk)
    for (std::size_t block = 1; block <= 9; ++block)
      ASSERT_EQ(encode_blocks(text, chunk, block), expected) << chunk << "/" << block;
  for (std::size_t at = 0; at <= expected.size(); ++at) ASSERT_EQ(decode_split(expected, at), text) << at;
}

TEST(tftp_netascii, round_trip_of_binary_noise) {
  const std::string noise = pattern(5000, 7);
  const std::string wire = encode_blocks(noise, 300, 512);
  EXPECT_EQ(decode_split(wire, 2048), noise);
}

TEST(tftp_netascii, source_and_sink_wrappers_convert_whole_transfers) {
  const std::string text = "a\nbb\rccc\r\n" + std::string(50, '\n') + "end\r";
  const std::string wire = encode_blocks(text, text.size(), 4096);
  for (std::size_t block : {1u, 2u, 7u, 512u}) {
    memory_source local{text};
    auto src = netascii_source(local.fn());
    std::string got;
    std::vector<std::byte> buf(block);
    for (;;) {
      std::error_code ec;
      const std::size_t n = src(buf, ec);
      ASSERT_FALSE(ec);
      got.append(reinterpret_cast<const char*>(buf.data()), n);
      if (n < block) break;  // the short block ends the data, as the sender sees it
    }
    EXPECT_EQ(got, wire) << block;

    memory_sink out;
    auto sink = netascii_sink(out.fn());
    for (std::size_t at = 0; at <= wire.size(); at += block) {
      const bool last = at + block > wire.size();
      std::error_code ec;
      sink(as_bytes(std::string_view(wire).substr(at, block)), last, ec);
      if (last) break;
    }
    EXPECT_EQ(out.received, text) << block;
  }
}

}  // namespace
}  // namespace l7::tftp::testing
