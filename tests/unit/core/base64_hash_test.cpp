#include <gtest/gtest.h>

#include "core/base64.hpp"
#include "core/hash.hpp"

namespace l7 {

TEST(base64, rfc4648_vectors) {  // RFC 4648 §10
  const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(base64_encode(std::string_view(plain[i])), coded[i]);
    EXPECT_EQ(base64_decode(coded[i]), plain[i]);
  }
}

TEST(base64, strict_decoding) {
  EXPECT_FALSE(base64_decode("Zg="));     // bad length
  EXPECT_FALSE(base64_decode("Zh=="));    // non-zero trailing bits
  EXPECT_FALSE(base64_decode("Zm9v!A=="));
  EXPECT_FALSE(base64_decode("Z==="));
  EXPECT_EQ(base64url_decode("Zm9vYg"), "foob");  // no padding
  EXPECT_EQ(base64url_encode(std::span<const std::byte>(reinterpret_cast<const std::byte*>("\xfb\xff"), 2)), "-_8");
}

TEST(hash, sha1_and_websocket_accept) {
  // RFC 3174 test 1 and RFC 6455 §1.3.
  EXPECT_EQ(to_hex(sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  auto accept = base64_encode(sha1("dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
  EXPECT_EQ(accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(hash, sha256) {
  EXPECT_EQ(to_hex(sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace l7
