// The MIME tree: RFC 2046's own examples (§5.1.1, the §5.1.5 digest, the Appendix A complex
// example), part fields, IMAP part numbers and decoding helpers.
#include <gtest/gtest.h>

#include <vector>

#include "mail/codec/mime.hpp"
#include "mail_test_util.hpp"

namespace {

using namespace l7::mail;
using l7::mail::testing::crlf;

mime_message parse_ok(std::string_view msg) {
  std::error_code ec;
  auto m = parse_mime(msg, {}, ec);
  EXPECT_FALSE(ec) << ec.message();
  return m;
}

const body_part& part_at(const mime_message& m, std::vector<unsigned> number) {
  const auto* p = m.find(number);
  EXPECT_NE(p, nullptr);
  static const body_part none;
  return p ? *p : none;
}

const std::string rfc2046_simple = crlf(
    "From: Nathaniel Borenstein <nsb@bellcore.com>\n"
    "To: Ned Freed <ned@innosoft.com>\n"
    "Date: Sun, 21 Mar 1993 23:56:48 -0800 (PST)\n"
    "Subject: Sample message\n"
    "MIME-Version: 1.0\n"
    "Content-type: multipart/mixed; boundary=\"simple boundary\"\n"
    "\n"
    "This is the preamble.  It is to be ignored, though it\n"
    "is a handy place for composition agents to include an\n"
    "explanatory note to non-MIME conformant readers.\n"
    "\n"
    "--simple boundary\n"
    "\n"
    "This is implicitly typed plain US-ASCII text.\n"
    "It does NOT end with a linebreak.\n"
    "--simple boundary\n"
    "Content-type: text/plain; charset=us-ascii\n"
    "\n"
    "This is explicitly typed plain US-ASCII text.\n"
    "It DOES end with a linebreak.\n"
    "\n"
    "--simple boundary--\n"
    "\n"
    "This is the epilogue.  It is also to be ignored.\n");

TEST(mail_mime, rfc2046_5_1_1_example) {
  const auto m = parse_ok(rfc2046_simple);
  ASSERT_EQ(m.parts.size(), 3u);
  const auto& root = m.parts[0];
  EXPECT_EQ(root.type, "multipart");
  EXPECT_EQ(root.subtype, "mixed");
  EXPECT_EQ(root.content_type.param("boundary"), "simple boundary");
  EXPECT_FALSE(root.missing_close);
  ASSERT_EQ(root.children.size(), 2u);
  const auto& p1 = part_at(m, {1});
  EXPECT_EQ(p1.body.in(rfc2046_simple),
            "This is implicitly typed plain US-ASCII text.\r\nIt does NOT end with a linebreak.");
  EXPECT_EQ(p1.header.in(rfc2046_simple), "\r\n");
  EXPECT_TRUE(p1.default_type);
  EXPECT_EQ(p1.content_type.param("charset"), "us-ascii");  // RFC 2045 §5.2
  EXPECT_EQ(p1.lines, 1u);
  const auto& p2 = part_at(m, {2});
  EXPECT_EQ(p2.body.in(rfc2046_simple),
            "This is explicitly typed plain US-ASCII text.\r\nIt DOES end with a linebreak.\r\n");
  EXPECT_EQ(p2.lines, 2u);
  EXPECT_FALSE(p2.default_type);
  EXPECT_EQ(p2.depth, 1u);
  EXPECT_EQ(p2.parent, 0u);
  EXPECT_EQ(m.find(std::vector<unsigned>{3}), nullptr);
  EXPECT_EQ(m.find(std::vector<unsigned>{1, 1}), nullptr);
  EXPECT_EQ(m.find(std::vector<unsigned>{}), &m.parts[0]);
}

TEST(mail_mime, same_example_with_bare_lf) {
  std::string lf = rfc2046_simple;
  std::erase(lf, '\r');
  const auto m = parse_ok(lf);
  ASSERT_EQ(m.parts.size(), 3u);
  EXPECT_EQ(part_at(m, {1}).body.in(lf),
            "This is implicitly typed plain US-ASCII text.\nIt does NOT end with a linebreak.");
}

const std::string rfc2046_complex = crlf(
    "MIME-Version: 1.0\n"
    "From: Nathaniel Borenstein <nsb@nsb.fv.com>\n"
    "To: Ned Freed <ned@innosoft.com>\n"
    "Date: Fri, 07 Oct 1994 16:15:05 -0700 (PDT)\n"
    "Subject: A multipart example\n"
    "Content-Type: multipart/mixed;\n"
    "              boundary=unique-boundary-1\n"
    "\n"
    "This is the preamble area of a multipart message.\n"
    "\n"
    "--unique-boundary-1\n"
    "\n"
    "  ... Some text appears here ...\n"
    "\n"
    "--unique-boundary-1\n"
    "Content-type: text/plain; charset=US-ASCII\n"
    "\n"
    "This could have been part of the previous part, but\n"
    "illustrates explicit versus implicit typing of body\n"
    "parts.\n"
    "\n"
    "--unique-boundary-1\n"
    "Content-Type: multipart/parallel; boundary=unique-boundary-2\n"
    "\n"
    "--unique-boundary-2\n"
    "Content-Type: audio/basic\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "  ... base64-encoded 8000 Hz single-channel\n"
    "      mu-law-format audio data goes here ...\n"
    "\n"
    "--unique-boundary-2\n"
    "Content-Type: image/jpeg\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "  ... base64-encoded image data goes here ...\n"
    "\n"
    "--unique-boundary-2--\n"
    "\n"
    "--unique-boundary-1\n"
    "Content-type: text/enriched\n"
    "\n"
    "This is <bold><italic>enriched.</italic></bold>\n"
    "<smaller>as defined in RFC 1896</smaller>\n"
    "\n"
    "--unique-boundary-1\n"
    "Content-Type: message/rfc822\n"
    "\n"
    "From: (mailbox in US-ASCII)\n"
    "To: (address in US-ASCII)\n"
    "Subject: (subject in US-ASCII)\n"
    "Content-Type: Text/plain; charset=ISO-8859-1\n"
    "Content-Transfer-Encoding: Quoted-printable\n"
    "\n"
    "  ... Additional text in ISO-8859-1 goes here ...\n"
    "\n"
    "--unique-boundary-1--\n");

TEST(mail_mime, rfc2046_appendix_a_complex_example) {
  const auto m = parse_ok(rfc2046_complex);
  EXPECT_EQ(m.parts[0].children.size(), 5u);
  EXPECT_EQ(part_at(m, {1}).type, "text");
  EXPECT_EQ(part_at(m, {2}).content_type.param("charset"), "US-ASCII");
  const auto& par = part_at(m, {3});
  EXPECT_EQ(par.subtype, "parallel");
  ASSERT_EQ(par.children.size(), 2u);
  EXPECT_EQ(part_at(m, {3, 1}).type + "/" + part_at(m, {3, 1}).subtype, "audio/basic");
  EXPECT_EQ(part_at(m, {3, 2}).encoding, transfer_encoding::base64);
  EXPECT_EQ(part_at(m, {3, 2}).depth, 2u);
  EXPECT_EQ(part_at(m, {4}).subtype, "enriched");
  const auto& msg = part_at(m, {5});
  ASSERT_TRUE(msg.is_encapsulated());
  const auto* inner = m.nested(msg);
  ASSERT_NE(inner, nullptr);
  EXPECT_TRUE(inner->is_message_root);
  EXPECT_EQ(inner->fields.value("subject"), "(subject in US-ASCII)");
  EXPECT_EQ(inner->header.begin, msg.body.begin);
  // 5.1 is the encapsulated message's (non-multipart) body.
  const auto& body = part_at(m, {5, 1});
  EXPECT_EQ(&body, inner);
  EXPECT_EQ(body.encoding, transfer_encoding::quoted_printable);
  EXPECT_EQ(body.encoding_value, "quoted-printable");
  EXPECT_EQ(body.content_type.param("charset"), "ISO-8859-1");
  EXPECT_EQ(m.find(std::vector<unsigned>{5, 2}), nullptr);
  EXPECT_EQ(m.find(std::vector<unsigned>{5, 1, 1}), nullptr);
}

TEST(mail_mime, rfc2046_5_1_5_digest) {
  const auto msg = crlf(
      "From: Moderator-Address\n"
      "To: Recipient-List\n"
      "Date: Mon, 22 Mar 1994 13:34:51 +0000\n"
      "Subject: Internet Digest, volume 42\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/mixed;\n"
      "              boundary=\"---- main boundary ----\"\n"
      "\n"
      "  ...Introductory text or table of contents...\n"
      "\n"
      "------ main boundary ----\n"
      "Content-Type: multipart/digest;\n"
      "              boundary=\"---- next message ----\"\n"
      "\n"
      "------ next message ----\n"
      "\n"
      "From: someone-else\n"
      "Date: Fri, 26 Mar 1993 11:13:32 +0200\n"
      "Subject: my opinion\n"
      "\n"
      "  ...body goes here ...\n"
      "\n"
      "------ next message ----\n"
      "\n"
      "From: someone-else-again\n"
      "Date: Fri, 26 Mar 1993 10:07:13 -0500\n"
      "Subject: my different opinion\n"
      "\n"
      "  ... another body goes here ...\n"
      "\n"
      "------ next message ------\n"
      "\n"
      "------ main boundary ------\n");
  const auto m = parse_ok(msg);
  const auto& digest = part_at(m, {1});
  EXPECT_EQ(digest.subtype, "digest");
  ASSERT_EQ(digest.children.size(), 2u);
  const auto& first = part_at(m, {1, 1});
  EXPECT_EQ(first.type, "message");  // RFC 2046 §5.1.5 default
  EXPECT_EQ(first.subtype, "rfc822");
  EXPECT_TRUE(first.default_type);
  EXPECT_EQ(m.nested(first)->fields.value("subject"), "my opinion");
  EXPECT_EQ(part_at(m, {1, 2, 1}).body.in(msg), "  ... another body goes here ...\r\n");
  EXPECT_EQ(m.nested(part_at(m, {1, 2}))->fields.value("from"), "someone-else-again");
}

TEST(mail_mime, encapsulated_multipart_numbering) {  // RFC 3501 §6.4.5's example shape
  const auto msg = crlf(
      "Content-Type: multipart/mixed; boundary=outer\n\n"
      "--outer\nContent-Type: text/plain\n\nfirst\n"
      "--outer\nContent-Type: message/rfc822\n\n"
      "Subject: inner\nContent-Type: multipart/alternative; boundary=inner\n\n"
      "--inner\nContent-Type: text/plain\n\nplain\n"
      "--inner\nContent-Type: text/html\n\n<p>html</p>\n"
      "--inner--\n"
      "--outer--\n");
  const auto m = parse_ok(msg);
  EXPECT_EQ(part_at(m, {2}).subtype, "rfc822");
  EXPECT_EQ(part_at(m, {2, 1}).body.in(msg), "plain");
  EXPECT_EQ(part_at(m, {2, 2}).subtype, "html");
  EXPECT_EQ(part_at(m, {2, 2}).body.in(msg), "<p>html</p>");
  EXPECT_EQ(m.nested(part_at(m, {2}))->subtype, "alternative");
  EXPECT_EQ(m.find(std::vector<unsigned>{2, 3}), nullptr);
  EXPECT_EQ(m.find(std::vector<unsigned>{0}), nullptr);
}

TEST(mail_mime, part_fields) {
  const auto msg = crlf(
      "Content-Type: multipart/mixed; boundary=b\n\n"
      "--b\n"
      "Content-Type: application/pdf; name=\"x.pdf\"\n"
      "Content-Transfer-Encoding: BASE64 (comment)\n"
      "Content-ID: <part1@example>\n"
      "Content-Description: The =?utf-8?q?r=C3=A9sum=C3=A9?=\n"
      "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\n"
      "Content-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf; size=5\n"
      "Content-Language: en, de (German)\n"
      "Content-Location: http://example.test/x.pdf\n"
      "\n"
      "aGVsbG8=\n"
      "--b--\n");
  const auto m = parse_ok(msg);
  const auto& p = part_at(m, {1});
  EXPECT_EQ(p.type, "application");
  EXPECT_EQ(p.subtype, "pdf");
  EXPECT_EQ(p.encoding, transfer_encoding::base64);
  EXPECT_EQ(p.encoding_value, "base64");
  EXPECT_EQ(p.id, "<part1@example>");
  EXPECT_EQ(p.description, "The =?utf-8?q?r=C3=A9sum=C3=A9?=");
  EXPECT_EQ(p.md5, "Q2hlY2sgSW50ZWdyaXR5IQ==");
  ASSERT_TRUE(p.disposition.has_value());
  EXPECT_EQ(p.disposition->value, "attachment");
  EXPECT_EQ(p.disposition->param("size"), "5");
  EXPECT_EQ(p.language, (std::vector<std::string>{"en", "de"}));
  EXPECT_EQ(p.location, "http://example.test/x.pdf");
  EXPECT_EQ(part_filename(p), "r\xc3\xa9sum\xc3\xa9.pdf");
  EXPECT_EQ(decoded_body(msg, p), "hello");
  EXPECT_EQ(p.body.size(), 8u);  // the CRLF before "--b--" belongs to the delimiter
  EXPECT_EQ(p.lines, 0u);
}

TEST(mail_mime, decoded_text_charsets) {
  const auto msg = crlf(
      "Content-Type: multipart/alternative; boundary=\"=_x\"\n\n"
      "--=_x\nContent-Type: text/plain; charset=iso-8859-1\n"
      "Content-Transfer-Encoding: quoted-printable\n\ncaf=E9 =\nok\n"
      "--=_x\nContent-Type: text/html; charset=\"utf-8\"\nContent-Transfer-Encoding: base64\n\n"
      "PHA+Y2Fmw6k8L3A+\n"
      "--=_x\nContent-Type: text/plain\n\nraw \xc3\xa9 and \xff\n"
      "--=_x--\n");
  const auto m = parse_ok(msg);
  EXPECT_EQ(decoded_text(msg, part_at(m, {1})), "caf\xc3\xa9 ok");
  EXPECT_EQ(decoded_text(msg, part_at(m, {2})), "<p>caf\xc3\xa9</p>");
  EXPECT_EQ(decoded_text(msg, part_at(m, {3})), "raw \xc3\xa9 and \xef\xbf\xbd");
  EXPECT_EQ(part_filename(part_at(m, {3})), "");
}

TEST(mail_mime, top_level_rfc822_numbering) {  // found by mime_fuzz: part 1 is the body
  const auto msg = crlf("Content-Type: message/rfc822\n\nSubject: inner\n\ntext\n");
  const auto m = parse_ok(msg);
  ASSERT_EQ(m.parts.size(), 2u);
  EXPECT_EQ(m.find(std::vector<unsigned>{1}), &m.parts[0]);
  EXPECT_EQ(m.find(std::vector<unsigned>{1, 1}), &m.parts[1]);
  EXPECT_EQ(m.parts[1].body.in(msg), "text\r\n");
  EXPECT_EQ(m.find(std::vector<unsigned>{2}), nullptr);
}

TEST(mail_mime, single_part_message_numbering) {
  const auto msg = crlf("Subject: x\n\nhello\n");
  const auto m = parse_ok(msg);
  ASSERT_EQ(m.parts.size(), 1u);
  EXPECT_EQ(m.find(std::vector<unsigned>{1}), &m.parts[0]);
  EXPECT_EQ(m.find(std::vector<unsigned>{2}), nullptr);
  EXPECT_EQ(m.parts[0].header.in(msg), "Subject: x\r\n\r\n");
  EXPECT_EQ(m.parts[0].body.in(msg), "hello\r\n");
}

}  // namespace
