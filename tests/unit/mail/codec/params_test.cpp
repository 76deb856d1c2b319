// Parameterized MIME fields: RFC 2045 §5.1 syntax, the RFC 2231 examples, and leniency.
#include <gtest/gtest.h>

#include "mail/codec/params.hpp"

namespace {

using namespace l7::mail;

TEST(mail_params, content_type_basics) {  // RFC 2045 §5.1
  const auto h = parse_param_header("Text/Plain; Charset=\"US-ASCII\" (comment); format=flowed");
  EXPECT_EQ(h.value, "text/plain");
  EXPECT_EQ(h.param("charset"), "US-ASCII");
  EXPECT_EQ(h.param("FORMAT"), "flowed");
  EXPECT_TRUE(h.has("format"));
  EXPECT_FALSE(h.has("delsp"));
  EXPECT_EQ(h.param("delsp"), "");
}

TEST(mail_params, rfc2231_continuations) {  // RFC 2231 §3
  const auto h = parse_param_header(
      "message/external-body; access-type=URL;\r\n URL*0=\"ftp://\";\r\n"
      " URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"");
  EXPECT_EQ(h.param("url"), "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar");
  EXPECT_EQ(h.param("access-type"), "URL");
  ASSERT_EQ(h.raw_params.size(), 3u);
  EXPECT_EQ(h.raw_params[1].name, "url*0");
  EXPECT_EQ(h.raw_params[1].value, "ftp://");
}

TEST(mail_params, rfc2231_charset_and_language) {  // RFC 2231 §4
  const auto h = parse_param_header(
      "application/x-stuff;\r\n title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A");
  ASSERT_EQ(h.params.size(), 1u);
  EXPECT_EQ(h.params[0].name, "title");
  EXPECT_EQ(h.params[0].value, "This is ***fun***");
  EXPECT_EQ(h.params[0].charset, "us-ascii");
  EXPECT_EQ(h.params[0].language, "en-us");
}

TEST(mail_params, rfc2231_mixed_continuations) {  // RFC 2231 §4.1
  const auto h = parse_param_header(
      "application/x-stuff;\r\n title*0*=us-ascii'en'This%20is%20even%20more%20;\r\n"
      " title*1*=%2A%2A%2Afun%2A%2A%2A%20;\r\n title*2=\"isn't it!\"");
  EXPECT_EQ(h.param("title"), "This is even more ***fun*** isn't it!");
  EXPECT_EQ(h.params[0].language, "en");
}

TEST(mail_params, rfc2231_out_of_order_and_utf8) {
  const auto h = parse_param_header(
      "attachment; filename*1*=%C3%A9.txt; filename*0*=UTF-8''caf");
  EXPECT_EQ(h.value, "attachment");
  EXPECT_EQ(h.param("filename"), "caf\xc3\xa9.txt");
  const auto latin = parse_param_header("attachment; filename*=iso-8859-1''%E9t%E9.pdf");
  EXPECT_EQ(latin.param("filename"), "\xc3\xa9t\xc3\xa9.pdf");
}

TEST(mail_params, lenient_real_world) {
  // Unquoted value with spaces, RFC 2047 in a quoted value, missing '=', duplicate, junk.
  const auto h = parse_param_header(
      "application/pdf; name=my file.pdf; filename=\"=?utf-8?B?w6l0w6kucGRm?=\"; broken;"
      " name=second; x=\"unterminated");
  EXPECT_EQ(h.value, "application/pdf");
  EXPECT_EQ(h.param("name"), "my file.pdf");
  EXPECT_EQ(h.param("filename"), "\xc3\xa9t\xc3\xa9.pdf");
  EXPECT_EQ(h.param("x"), "unterminated");
  EXPECT_FALSE(h.has("broken"));
  const auto spaced = parse_param_header(" text / html ;charset = utf-8 ");
  EXPECT_EQ(spaced.value, "text/html");
  EXPECT_EQ(spaced.param("charset"), "utf-8");
  const auto bad_pct = parse_param_header("a/b; n*=utf-8''%zz%4");
  EXPECT_EQ(bad_pct.param("n"), "%zz%4");
  EXPECT_EQ(parse_param_header("").value, "");
  // A comment ending in a backslash at the end of the value (found by mime_fuzz: it read past
  // the end).
  EXPECT_EQ(parse_param_header("multipart/mixed;\r\n (  boundary=\"x\\").value, "multipart/mixed");
  EXPECT_EQ(parse_param_header("a/b; n=v (c\\").param("n"), "v");
  EXPECT_EQ(parse_param_header("(only a comment").value, "");
}

TEST(mail_params, format_round_trips) {
  const auto s = format_param_header(
      "attachment", {{"filename", "r\xc3\xa9sum\xc3\xa9 2024.pdf"}, {"size", "123"},
                     {"note", "a \"q\"; b"}});
  EXPECT_EQ(s, "attachment; filename*=utf-8''r%C3%A9sum%C3%A9%202024.pdf; size=123; "
               "note=\"a \\\"q\\\"; b\"");
  const auto h = parse_param_header(s);
  EXPECT_EQ(h.param("filename"), "r\xc3\xa9sum\xc3\xa9 2024.pdf");
  EXPECT_EQ(h.param("size"), "123");
  EXPECT_EQ(h.param("note"), "a \"q\"; b");
}

}  // namespace
