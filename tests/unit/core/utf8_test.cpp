#include "core/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace l7 {

TEST(utf8, valid_and_invalid) {
  EXPECT_TRUE(is_valid_utf8("hello"));
  EXPECT_TRUE(is_valid_utf8("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"));  // κόσμε
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));   // U+10FFFF
  EXPECT_TRUE(is_valid_utf8("\xef\xbf\xbf"));       // U+FFFF
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));      // overlong 3-byte
  EXPECT_FALSE(is_valid_utf8("\xf0\x80\x80\xaf"));  // overlong 4-byte
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate U+D800
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(is_valid_utf8("\xce"));              // truncated
  EXPECT_FALSE(is_valid_utf8("\x80"));              // lone continuation
  EXPECT_FALSE(is_valid_utf8("\xff"));
}

TEST(utf8, incremental_fails_at_first_bad_byte_any_split) {
  const std::string good = "a\xce\xba\xe1\xbd\xb9\xf0\x9f\x98\x80z";
  for (std::size_t cut = 0; cut <= good.size(); ++cut) {
    utf8_validator v;
    EXPECT_TRUE(v.feed(std::string_view(good).substr(0, cut)));
    EXPECT_TRUE(v.feed(std::string_view(good).substr(cut)));
    EXPECT_TRUE(v.complete());
  }
  utf8_validator v;
  EXPECT_TRUE(v.feed(std::string_view("\xed")));
  EXPECT_FALSE(v.feed(std::string_view("\xa0")));  // surrogate detected on the 2nd byte
  EXPECT_TRUE(v.failed());
  utf8_validator partial;
  EXPECT_TRUE(partial.feed(std::string_view("\xf0\x9f")));
  EXPECT_FALSE(partial.complete());
}

}  // namespace l7
