// The MIME tree on the shapes real and hostile mail takes: missing pieces, odd boundaries,
// 8-bit and NUL bytes, overlong lines, and the depth and part-count limits.
#include <gtest/gtest.h>

#include <vector>

#include "mail/codec/error.hpp"
#include "mail/codec/mime.hpp"
#include "mail_test_util.hpp"

namespace {

using namespace l7::mail;
using l7::mail::testing::crlf;

mime_message parse_nasty(std::string_view msg, std::error_code& ec, mime_limits limits = {}) {
  return parse_mime(msg, limits, ec);
}

const body_part& nasty_part(const mime_message& m, std::vector<unsigned> number) {
  const auto* p = m.find(number);
  EXPECT_NE(p, nullptr);
  static const body_part none;
  return p ? *p : none;
}

TEST(mail_mime_nasty, empty_and_header_only) {
  std::error_code ec;
  auto m = parse_nasty("", ec);
  EXPECT_FALSE(ec);
  ASSERT_EQ(m.parts.size(), 1u);
  EXPECT_EQ(m.parts[0].body.size(), 0u);
  m = parse_nasty("Subject: no body, no empty line", ec);
  EXPECT_FALSE(ec);
  EXPECT_EQ(m.parts[0].header.size(), 31u);
  EXPECT_EQ(m.parts[0].body, (byte_range{31, 31}));
  EXPECT_EQ(m.parts[0].lines, 0u);
  m = parse_nasty("Subject: empty body\r\n\r\n", ec);
  EXPECT_EQ(m.parts[0].body.size(), 0u);
  EXPECT_TRUE(m.parts[0].fields.has_empty_line);
}

TEST(mail_mime_nasty, no_empty_line_in_a_part) {
  const auto msg = crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\nhello\n--b--\n");
  std::error_code ec;
  const auto m = parse_nasty(msg, ec);
  const auto& p = nasty_part(m, {1});
  EXPECT_EQ(p.header.in(msg), "hello");  // all header (RFC 2046 §5.1.1), flagged malformed
  EXPECT_TRUE(p.fields.fields[0].malformed);
  EXPECT_EQ(p.body.size(), 0u);
}

TEST(mail_mime_nasty, missing_close_delimiter) {
  const auto msg = crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo\n");
  std::error_code ec;
  const auto m = parse_nasty(msg, ec);
  EXPECT_FALSE(ec);
  EXPECT_TRUE(m.parts[0].missing_close);
  ASSERT_EQ(m.parts[0].children.size(), 2u);
  EXPECT_EQ(nasty_part(m, {2}).body.in(msg), "two\r\n");
  EXPECT_EQ(nasty_part(m, {2}).body.end, msg.size());
}

TEST(mail_mime_nasty, boundary_with_trailing_space_and_prefixes) {
  // "--b  " is a delimiter (transport padding); "--bb" and "--b-x" are not delimiters of "b".
  const auto msg = crlf(
      "Content-Type: multipart/mixed; boundary=b\n\n"
      "--b  \n\nkeep --b inside\n--bb\n--b-x\n"
      "--b\t\nContent-Type: multipart/alternative; boundary=bb\n\n"
      "--bb\n\ninner one\n--bb\n\ninner two\n--bb--\n"
      "--b-- \nepilogue\n");
  std::error_code ec;
  const auto m = parse_nasty(msg, ec);
  EXPECT_FALSE(ec);
  ASSERT_EQ(m.parts[0].children.size(), 2u);
  EXPECT_EQ(nasty_part(m, {1}).body.in(msg), "keep --b inside\r\n--bb\r\n--b-x");
  EXPECT_EQ(nasty_part(m, {2}).children.size(), 2u);
  EXPECT_EQ(nasty_part(m, {2, 2}).body.in(msg), "inner two");
  EXPECT_FALSE(m.parts[0].missing_close);
}

TEST(mail_mime_nasty, same_boundary_nested) {  // the outer split wins; the inner has no parts
  const auto msg = crlf(
      "Content-Type: multipart/mixed; boundary=x\n\n--x\n"
      "Content-Type: multipart/mixed; boundary=x\n\n--x\n\ninner\n--x--\n--x--\n");
  std::error_code ec;
  const auto m = parse_nasty(msg, ec);
  EXPECT_FALSE(ec);
  EXPECT_EQ(m.parts[0].children.size(), 2u);
  EXPECT_TRUE(nasty_part(m, {1}).children.empty());
}

TEST(mail_mime_nasty, boundary_text_inside_base64_part) {
  // The boundary occurs in the body but never at a line start: one part, decoded intact.
  const auto msg = crlf(
      "Content-Type: multipart/mixed; boundary=\"Zm9v\"\n\n--Zm9v\n"
      "Content-Transfer-Encoding: base64\n\nZm9vZm9v--Zm9v\nYmFy\n--Zm9v--\n");
  std::error_code ec;
  const auto m = parse_nasty(msg, ec);
  ASSERT_EQ(m.parts[0].children.size(), 1u);
  EXPECT_EQ(decoded_body(msg, nasty_part(m, {1})), decode_base64("Zm9vZm9vZm9vYmFy"));
}

TEST(mail_mime_nasty, multipart_without_boundary_or_delimiters) {
  std::error_code ec;
  auto m = parse_nasty(crlf("Content-Type: multipart/mixed\n\n--x\n\nbody\n"), ec);
  EXPECT_FALSE(ec);
  EXPECT_TRUE(m.parts[0].children.empty());
  m = parse_nasty(crlf("Content-Type: multipart/mixed; boundary=q\n\nno delimiters\n"), ec);
  EXPECT_TRUE(m.parts[0].children.empty());
  m = parse_nasty(crlf("Content-Type: multipart/mixed; boundary=q\n\n--q--\n"), ec);
  EXPECT_TRUE(m.parts[0].children.empty());
  EXPECT_FALSE(m.parts[0].missing_close);
}

TEST(mail_mime_nasty, bad_content_type_defaults) {
  std::error_code ec;
  const auto m = parse_nasty(crlf("Content-Type: garbage\nContent-Transfer-Encoding: x-uu\n\nb"), ec);
  EXPECT_TRUE(m.parts[0].default_type);
  EXPECT_EQ(m.parts[0].type, "text");
  EXPECT_EQ(m.parts[0].encoding, transfer_encoding::other);
  EXPECT_EQ(m.parts[0].encoding_value, "x-uu");
}

TEST(mail_mime_nasty, eight_bit_headers_and_nuls) {
  static const char raw[] = "Subject: \xff\xfe\0x\r\nContent-Type: text/plain; "
                           "name=\"\xe6\x97\xa5.txt\"\r\n\r\nbody\0\0\r\n";
  const std::string msg(raw, sizeof raw - 1);
  std::error_code ec;
  const auto m = parse_nasty(msg, ec);
  EXPECT_FALSE(ec);
  EXPECT_EQ(m.parts[0].fields.value("subject"), std::string("\xff\xfe\0x", 4));
  EXPECT_EQ(part_filename(m.parts[0]), "\xe6\x97\xa5.txt");
  EXPECT_EQ(m.parts[0].body.size(), 8u);
}

TEST(mail_mime_nasty, overlong_lines) {
  const std::string big(100000, 'a');
  std::error_code ec;
  auto m = parse_nasty("Subject: " + big + "\r\n\r\nx", ec);
  EXPECT_EQ(ec, error::line_too_long);
  m = parse_nasty("Subject: x\r\n\r\n" + big, ec);  // body lines are not limited
  EXPECT_FALSE(ec);
  EXPECT_EQ(m.parts[0].body.size(), big.size());
}

std::string nested_multiparts(int depth) {
  std::string head, tail;
  for (int i = 0; i < depth; ++i) {
    head += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n--b" +
            std::to_string(i) + "\r\n";
    tail = "\r\n--b" + std::to_string(i) + "--\r\n" + tail;
  }
  return head + "Content-Type: text/plain\r\n\r\nleaf" + tail;
}

TEST(mail_mime_nasty, nesting_limit) {
  std::error_code ec;
  auto m = parse_nasty(nested_multiparts(40), ec);
  EXPECT_FALSE(ec);
  EXPECT_EQ(m.parts.size(), 41u);
  EXPECT_EQ(m.parts.back().depth, 40u);
  EXPECT_EQ(m.parts.back().body.in(nested_multiparts(40)), "leaf");
  m = parse_nasty(nested_multiparts(60), ec);
  EXPECT_EQ(ec, error::nesting_too_deep);
  EXPECT_EQ(m.parts.size(), 51u);  // depths 0..50 kept
  // message/rfc822 nesting counts too.
  std::string msgs;
  for (int i = 0; i < 60; ++i) msgs += "Content-Type: message/rfc822\r\n\r\n";
  m = parse_nasty(msgs + "leaf", ec);
  EXPECT_EQ(ec, error::nesting_too_deep);
}

TEST(mail_mime_nasty, part_count_limit) {
  std::string msg = "Content-Type: multipart/mixed; boundary=p\r\n\r\n";
  for (int i = 0; i < 200; ++i) msg += "--p\r\n\r\nx\r\n";
  msg += "--p--\r\n";
  std::error_code ec;
  mime_limits limits;
  limits.max_parts = 100;
  auto m = parse_nasty(msg, ec, limits);
  EXPECT_EQ(ec, error::too_many_parts);
  EXPECT_EQ(m.parts.size(), 100u);
  m = parse_nasty(msg, ec);
  EXPECT_FALSE(ec);
  EXPECT_EQ(m.parts.size(), 201u);
}

TEST(mail_mime_nasty, encoded_message_rfc822_is_a_leaf) {  // RFC 2046 §5.2.1
  const auto msg = crlf("Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
                        "U3ViamVjdDogeA0KDQpi\n");
  std::error_code ec;
  const auto m = parse_nasty(msg, ec);
  EXPECT_EQ(m.parts.size(), 1u);
  EXPECT_EQ(m.nested(m.parts[0]), nullptr);
}

}  // namespace
