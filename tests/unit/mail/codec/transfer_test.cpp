// Content transfer encodings: RFC 4648 §10 vectors through the lenient base64 decoder, RFC 2045
// §6.7 quoted-printable rules, and encoder round trips.
#include <gtest/gtest.h>

#include "mail/codec/transfer.hpp"

namespace {

using namespace l7::mail;

TEST(mail_transfer, base64_rfc4648_vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, enc] : vectors) {
    EXPECT_EQ(decode_base64(enc), plain);
    EXPECT_EQ(encode_base64_lines(plain), plain[0] ? std::string(enc) + "\r\n" : "");
  }
}

TEST(mail_transfer, base64_lenient) {  // RFC 2045 §6.8: skip what is not in the alphabet
  EXPECT_EQ(decode_base64("Zm9v\r\nYmFy\r\n"), "foobar");
  EXPECT_EQ(decode_base64(" Zm 9v!Ym*Fy "), "foobar");
  EXPECT_EQ(decode_base64("Zm9vYg"), "foob");          // missing padding
  EXPECT_EQ(decode_base64("Zg==Zm8="), "ffo");         // concatenated encodings
  EXPECT_EQ(decode_base64("Z"), "");                  // a lone sextet is dropped
  EXPECT_EQ(decode_base64("--boundary--"), decode_base64("boundary"));
}

TEST(mail_transfer, base64_lines_are_76) {
  const std::string data(1000, '\xa5');
  const auto enc = encode_base64_lines(data);
  std::size_t from = 0;
  while (from < enc.size()) {
    const auto eol = enc.find("\r\n", from);
    ASSERT_NE(eol, std::string::npos);
    EXPECT_LE(eol - from, 76u);
    from = eol + 2;
  }
  EXPECT_EQ(decode_base64(enc), data);
}

TEST(mail_transfer, quoted_printable_decode) {  // RFC 2045 §6.7
  const std::pair<const char*, const char*> cases[] = {
      {"caf=C3=A9", "caf\xc3\xa9"},
      {"caf=c3=a9", "caf\xc3\xa9"},                      // lower-case hex (lenient)
      {"soft=\r\nbreak", "softbreak"},
      {"soft= \t\r\nbreak", "softbreak"},                // WSP after the '='
      {"soft=\nbreak", "softbreak"},
      {"hard\r\nbreak", "hard\r\nbreak"},
      {"trailing   \r\nspace\t\n", "trailing\r\nspace\n"},  // rule (3)
      {"bad =ZZ and =4", "bad =ZZ and =4"},              // kept as written
      {"a=3D=3Db", "a==b"},
      {"end=", "end"},
      {"", ""},
  };
  for (const auto& [enc, plain] : cases) EXPECT_EQ(decode_quoted_printable(enc), plain) << enc;
}

TEST(mail_transfer, quoted_printable_encode) {
  EXPECT_EQ(encode_quoted_printable("caf\xc3\xa9 = ok"), "caf=C3=A9 =3D ok");
  EXPECT_EQ(encode_quoted_printable("trailing \nx"), "trailing=20\r\nx");
  EXPECT_EQ(encode_quoted_printable(".dot\nFrom me"), "=2Edot\r\n=46rom me");
  const std::string long_line(200, 'a');
  const auto enc = encode_quoted_printable(long_line + "\xc3\xa9" + long_line);
  std::size_t from = 0;
  while (from < enc.size()) {
    const auto eol = std::min(enc.find("\r\n", from), enc.size());
    EXPECT_LE(eol - from, 76u);
    from = eol + 2;
  }
  EXPECT_EQ(decode_quoted_printable(enc), long_line + "\xc3\xa9" + long_line);
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  all += " \t\r\n" + all;
  // Round trip: a bare LF comes back as CRLF, every other byte as it was.
  std::string want;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i] == '\n' && (i == 0 || all[i - 1] != '\r')) want += '\r';
    want += all[i];
  }
  EXPECT_EQ(decode_quoted_printable(encode_quoted_printable(all)), want);
}

TEST(mail_transfer, quoted_printable_lone_cr_survives) {  // found by mime_fuzz
  const std::string text = "boundary=b\r\x0b\r\n--b\r\r\nx\r";
  EXPECT_EQ(encode_quoted_printable(text), "boundary=3Db=0D=0B\r\n--b=0D\r\nx=0D");
  EXPECT_EQ(decode_quoted_printable(encode_quoted_printable(text)), text);
}

TEST(mail_transfer, encoding_names) {  // RFC 2045 §6.1
  EXPECT_EQ(parse_transfer_encoding("BASE64"), transfer_encoding::base64);
  EXPECT_EQ(parse_transfer_encoding(" Quoted-Printable "), transfer_encoding::quoted_printable);
  EXPECT_EQ(parse_transfer_encoding(""), transfer_encoding::seven_bit);
  EXPECT_EQ(parse_transfer_encoding("8BIT"), transfer_encoding::eight_bit);
  EXPECT_EQ(parse_transfer_encoding("binary"), transfer_encoding::binary);
  EXPECT_EQ(parse_transfer_encoding("x-uuencode"), transfer_encoding::other);
  EXPECT_EQ(to_string(transfer_encoding::quoted_printable), "quoted-printable");
  EXPECT_EQ(decode_transfer("Zm9v", transfer_encoding::base64), "foo");
  EXPECT_EQ(decode_transfer("Zm9v", transfer_encoding::other), "Zm9v");
}

}  // namespace
