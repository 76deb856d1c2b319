// ENVELOPE, BODY / BODYSTRUCTURE (RFC 9051 §7.5.2) and BODY[section] contents (§6.4.5). The
// expected strings are Dovecot 2.3's answers for the same messages (imap in PREAUTH mode on a
// Maildir), except where noted.
#include <gtest/gtest.h>

#include "imap/codec/envelope.hpp"
#include "imap/codec/section.hpp"

namespace {

using namespace l7::imap;

std::string env_crlf(std::string_view lf) {
  std::string out;
  for (char c : lf) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// RFC 3501 §6.4.5's sample message header, trimmed.
const std::string env_msg1 = env_crlf(
    "Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\n"
    "From: Terry Gray <gray@cac.washington.edu>\n"
    "Subject: IMAP4rev1 WG mtg summary and minutes\n"
    "To: imap@cac.washington.edu\n"
    "Cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>\n"
    "Message-Id: <B27397-0100000@cac.washington.edu>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\n"
    "\n"
    "Hello Joe, do you think we can meet at 3:30 tomorrow?\n");

const std::string env_msg2 = env_crlf(
    "From: \"Joe Q. Public\" <john.q.public@example.com>\n"
    "To: A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;\n"
    "Cc: Undisclosed recipients:;\n"
    "Reply-To: x@y.test\n"
    "Subject: =?utf-8?q?caf=C3=A9?=\n"
    "Message-ID: <5678.21-Nov-1997@example.com>\n"
    "In-Reply-To: <1234@local.machine.example>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=\"XX\"; foo=bar\n"
    "\n"
    "preamble\n"
    "--XX\n"
    "Content-Type: text/plain; charset=\"utf-8\"\n"
    "Content-Transfer-Encoding: quoted-printable\n"
    "Content-ID: <id1@x>\n"
    "Content-Description: the text\n"
    "Content-Language: en, de\n"
    "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\n"
    "\n"
    "caf=C3=A9\n"
    "line2\n"
    "--XX\n"
    "Content-Type: application/octet-stream; name=\"a.bin\"\n"
    "Content-Transfer-Encoding: base64\n"
    "Content-Disposition: attachment; filename=\"a.bin\"\n"
    "Content-Location: http://x.test/a\n"
    "\n"
    "AAEC\n"
    "--XX\n"
    "Content-Type: message/rfc822\n"
    "\n"
    "From: inner@x.test\n"
    "Subject: inner\n"
    "\n"
    "inner body\n"
    "--XX\n"
    "Content-Type: multipart/alternative; boundary=YY\n"
    "\n"
    "--YY\n"
    "Content-Type: text/html\n"
    "\n"
    "<p>hi</p>\n"
    "--YY--\n"
    "--XX--\n");

struct env_parsed {
  l7::mail::mime_message mime;
  explicit env_parsed(const std::string& m) {
    std::error_code ec;
    mime = l7::mail::parse_mime(m, {}, ec);
    EXPECT_FALSE(ec);
  }
};

std::string env_of(const std::string& m) {
  env_parsed p(m);
  std::string out;
  append_envelope(out, p.mime.parts[0].fields);
  return out;
}

std::string body_of(const std::string& m, bool ext) {
  env_parsed p(m);
  std::string out;
  append_body_structure(out, m, p.mime, 0, ext);
  return out;
}

TEST(ImapEnvelope, SimpleMessage) {
  EXPECT_EQ(env_of(env_msg1),
            "(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and minutes\" "
            "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
            "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
            "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
            "((NIL NIL \"imap\" \"cac.washington.edu\")) "
            "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) "
            "NIL NIL \"<B27397-0100000@cac.washington.edu>\")");
}

TEST(ImapEnvelope, GroupsAndDefaults) {
  EXPECT_EQ(env_of(env_msg2),
            "(NIL \"=?utf-8?q?caf=C3=A9?=\" "
            "((\"Joe Q. Public\" NIL \"john.q.public\" \"example.com\")) "
            "((\"Joe Q. Public\" NIL \"john.q.public\" \"example.com\")) "
            "((NIL NIL \"x\" \"y.test\")) "
            "((NIL NIL \"A Group\" NIL)(\"Ed Jones\" NIL \"c\" \"a.test\")(NIL NIL \"joe\" \"where.test\")"
            "(\"John\" NIL \"jdoe\" \"one.test\")(NIL NIL NIL NIL)) "
            "((NIL NIL \"Undisclosed recipients\" NIL)(NIL NIL NIL NIL)) NIL "
            "\"<1234@local.machine.example>\" \"<5678.21-Nov-1997@example.com>\")");
  // No header at all: every member NIL.
  EXPECT_EQ(env_of("\r\nbody"), "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
  // 8-bit and CRLF-free values: literals unless UTF-8 is on.
  env_parsed p(env_crlf("Subject: caf\xc3\xa9\n\n"));
  std::string out;
  append_envelope(out, p.mime.parts[0].fields, true);
  EXPECT_EQ(out, "(NIL \"caf\xc3\xa9\" NIL NIL NIL NIL NIL NIL NIL NIL)");
  out.clear();
  append_envelope(out, p.mime.parts[0].fields, false);
  EXPECT_EQ(out, "(NIL {5}\r\ncaf\xc3\xa9 NIL NIL NIL NIL NIL NIL NIL NIL)");
}

TEST(ImapBodyStructure, SinglePart) {
  // Dovecot sends BODY with the type's case as written; ours is lower case throughout.
  EXPECT_EQ(body_of(env_msg1, true),
            "(\"text\" \"plain\" (\"charset\" \"US-ASCII\") NIL NIL \"7bit\" 55 1 NIL NIL NIL NIL)");
  EXPECT_EQ(body_of(env_msg1, false),
            "(\"text\" \"plain\" (\"charset\" \"US-ASCII\") NIL NIL \"7bit\" 55 1)");
}

TEST(ImapBodyStructure, NestedMultipartAndMessage) {
  const std::string inner_env =
      "(NIL \"inner\" ((NIL NIL \"inner\" \"x.test\")) ((NIL NIL \"inner\" \"x.test\")) "
      "((NIL NIL \"inner\" \"x.test\")) NIL NIL NIL NIL NIL)";
  EXPECT_EQ(body_of(env_msg2, true),
            "((\"text\" \"plain\" (\"charset\" \"utf-8\") \"<id1@x>\" \"the text\" \"quoted-printable\" 16 1 "
            "\"Q2hlY2sgSW50ZWdyaXR5IQ==\" NIL (\"en\" \"de\") NIL)"
            "(\"application\" \"octet-stream\" (\"name\" \"a.bin\") NIL NIL \"base64\" 4 NIL "
            "(\"attachment\" (\"filename\" \"a.bin\")) NIL \"http://x.test/a\")"
            "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 48 " + inner_env +
            " (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 10 0 NIL NIL NIL NIL) 3 "
            "NIL NIL NIL NIL)"
            "((\"text\" \"html\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 9 0 NIL NIL NIL NIL) "
            "\"alternative\" (\"boundary\" \"YY\") NIL NIL NIL) "
            "\"mixed\" (\"boundary\" \"XX\" \"foo\" \"bar\") NIL NIL NIL)");
  EXPECT_EQ(body_of(env_msg2, false),
            "((\"text\" \"plain\" (\"charset\" \"utf-8\") \"<id1@x>\" \"the text\" \"quoted-printable\" 16 1)"
            "(\"application\" \"octet-stream\" (\"name\" \"a.bin\") NIL NIL \"base64\" 4)"
            "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 48 " + inner_env +
            " (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 10 0) 3)"
            "((\"text\" \"html\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 9 0) \"alternative\") \"mixed\")");
}

std::optional<std::string> sec_of(const std::string& m, section s) {
  env_parsed p(m);
  return section_content(m, p.mime, s);
}

TEST(ImapSection, Contents) {
  using tk = section::text_kind;
  EXPECT_EQ(sec_of(env_msg2, {{}, tk::header_fields, {"SUBJECT", "TO"}}),
            env_crlf("To: A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;\n"
                     "Subject: =?utf-8?q?caf=C3=A9?=\n\n"));
  auto not_fields = sec_of(env_msg1, {{}, tk::header_fields_not, {"DATE", "FROM", "SUBJECT", "TO", "CC", "MIME-VERSION"}});
  EXPECT_EQ(not_fields, env_crlf("Message-Id: <B27397-0100000@cac.washington.edu>\nContent-Type: TEXT/PLAIN; CHARSET=US-ASCII\n\n"));
  EXPECT_EQ(sec_of(env_msg2, {{3}, tk::header, {}}), env_crlf("From: inner@x.test\nSubject: inner\n\n"));
  EXPECT_EQ(sec_of(env_msg2, {{3}, tk::text, {}}), "inner body");
  EXPECT_EQ(sec_of(env_msg2, {{1}, tk::mime, {}}),
            env_crlf("Content-Type: text/plain; charset=\"utf-8\"\nContent-Transfer-Encoding: quoted-printable\n"
                     "Content-ID: <id1@x>\nContent-Description: the text\nContent-Language: en, de\n"
                     "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\n\n"));
  EXPECT_EQ(sec_of(env_msg2, {{4, 1}, tk::none, {}}), "<p>hi</p>");
  EXPECT_EQ(sec_of(env_msg2, {{}, tk::none, {}}), env_msg2);
  EXPECT_EQ(sec_of(env_msg1, {{1}, tk::none, {}}), env_crlf("Hello Joe, do you think we can meet at 3:30 tomorrow?\n"));
  EXPECT_EQ(sec_of(env_msg1, {{}, tk::text, {}}), env_crlf("Hello Joe, do you think we can meet at 3:30 tomorrow?\n"));
  EXPECT_FALSE(sec_of(env_msg2, {{9}, tk::none, {}}));
  EXPECT_FALSE(sec_of(env_msg2, {{1}, tk::header, {}}));  // not a message/rfc822 part
  EXPECT_EQ(apply_partial("<p>hi</p>", partial{0, 3}), "<p>");
  EXPECT_EQ(apply_partial("abc", partial{2, 10}), "c");
  EXPECT_EQ(apply_partial("abc", partial{3, 1}), "");
  EXPECT_EQ(apply_partial("abc", std::nullopt), "abc");
}

TEST(ImapSection, Binary) {
  env_parsed p(env_msg2);
  EXPECT_EQ(binary_content(env_msg2, p.mime, {{1}, section::text_kind::none, {}}), "caf\xc3\xa9\r\nline2");
  EXPECT_EQ(binary_content(env_msg2, p.mime, {{2}, section::text_kind::none, {}}), std::string("\0\1\2", 3));
  EXPECT_FALSE(binary_content(env_msg2, p.mime, {{4}, section::text_kind::none, {}}));
}

}  // namespace
