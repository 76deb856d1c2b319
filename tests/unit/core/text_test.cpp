#include "core/text.hpp"

#include <gtest/gtest.h>

namespace l7 {

TEST(text, iequals_and_trim) {
  EXPECT_TRUE(iequals("Content-Length", "content-length"));
  EXPECT_FALSE(iequals("Content-Length", "content-lengt"));
  EXPECT_TRUE(istarts_with("Keep-Alive, x", "keep-"));
  EXPECT_EQ(trim_ows(" \t a b \t"), "a b");
  EXPECT_EQ(trim_ows(""), "");
  EXPECT_EQ(split("a,,b", ',').size(), 3u);
}

TEST(text, parse_uint_strict) {
  EXPECT_EQ(parse_uint("0"), 0u);
  EXPECT_EQ(parse_uint("18446744073709551615"), UINT64_MAX);
  EXPECT_FALSE(parse_uint("18446744073709551616"));
  EXPECT_FALSE(parse_uint("+1"));
  EXPECT_FALSE(parse_uint(" 1"));
  EXPECT_FALSE(parse_uint(""));
  EXPECT_EQ(parse_hex("fF"), 255u);
  EXPECT_FALSE(parse_hex("0x1"));
  EXPECT_FALSE(parse_hex("10000000000000000"));
}

TEST(text, percent_coding) {
  EXPECT_EQ(percent_decode("a%20b%2Fc"), "a b/c");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("a+b"), "a+b");
  EXPECT_FALSE(percent_decode("%2"));
  EXPECT_FALSE(percent_decode("%"));
  EXPECT_FALSE(percent_decode("%zz"));
  EXPECT_EQ(percent_encode("a b/ü"), "a%20b/%C3%BC");
}

TEST(text, sizes) {
  EXPECT_EQ(parse_size("64MiB"), 64u << 20);
  EXPECT_EQ(parse_size("512k"), 512u << 10);
  EXPECT_EQ(parse_size("100"), 100u);
  EXPECT_FALSE(parse_size("1x"));
  EXPECT_FALSE(parse_size("MiB"));
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
}

}  // namespace l7
