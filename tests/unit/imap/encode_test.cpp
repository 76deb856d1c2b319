// Response encoding (RFC 9051 §4.3, §7, §9) and modified UTF-7 (RFC 3501 §5.1.3).
#include <gtest/gtest.h>

#include "imap/codec/command.hpp"
#include "imap/codec/encode.hpp"
#include "mail/codec/mutf7.hpp"

namespace {

using namespace l7::imap;

std::string enc_string(std::string_view v, bool utf8 = false) {
  std::string out;
  append_string(out, v, utf8);
  return out;
}

std::string enc_astring(std::string_view v, bool utf8 = false) {
  std::string out;
  append_astring(out, v, utf8);
  return out;
}

TEST(ImapEncode, StringsPickTheSafeForm) {
  EXPECT_EQ(enc_string("hello"), "\"hello\"");
  EXPECT_EQ(enc_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(enc_string(""), "\"\"");
  EXPECT_EQ(enc_string("a\r\nb"), "{4}\r\na\r\nb");
  EXPECT_EQ(enc_string(std::string("a\0b", 3)), std::string("{3}\r\na\0b", 8));
  EXPECT_EQ(enc_string("caf\xc3\xa9"), "{5}\r\ncaf\xc3\xa9");
  EXPECT_EQ(enc_string("caf\xc3\xa9", true), "\"caf\xc3\xa9\"");
  EXPECT_EQ(enc_string("\xff", true), "{1}\r\n\xff");  // not UTF-8
  EXPECT_EQ(enc_astring("INBOX"), "INBOX");
  EXPECT_EQ(enc_astring("a]b"), "a]b");
  EXPECT_EQ(enc_astring("nil"), "\"nil\"");
  EXPECT_EQ(enc_astring("a b"), "\"a b\"");
  EXPECT_EQ(enc_astring("a%"), "\"a%\"");
  EXPECT_EQ(enc_astring(""), "\"\"");
  std::string out;
  append_nstring(out, "");
  append_literal8(out, std::string("\0", 1));
  EXPECT_EQ(out, std::string("NIL~{1}\r\n\0", 10));
}

TEST(ImapEncode, StringsReparseToTheSameValue) {
  for (std::string v : {std::string("plain"), std::string("a \"q\" \\ b"), std::string("x\r\ny"),
                        std::string("caf\xc3\xa9"), std::string(""), std::string("]")}) {
    for (bool utf8 : {false, true}) {
      std::string raw = "t LOGIN ";
      append_astring(raw, v, utf8);
      raw += " x\r\n";
      command c;
      std::error_code ec;
      parse_options o;
      o.utf8 = utf8;
      parse_command(raw, o, c, ec);
      ASSERT_FALSE(ec) << raw;
      EXPECT_EQ(std::get<login>(c.args).user, v);
    }
  }
}

TEST(ImapEncode, MailboxFlagsStatus) {
  std::string out;
  append_mailbox(out, "Entw\xc3\xbcrfe");
  out += ' ';
  append_mailbox(out, "Entw\xc3\xbcrfe", true);
  out += ' ';
  append_mailbox(out, "A&B");
  EXPECT_EQ(out, "Entw&APw-rfe \"Entw\xc3\xbcrfe\" A&-B");
  out.clear();
  std::vector<std::string> flags{"\\Seen", "$Forwarded"};
  append_flag_list(out, flags);
  append_flag_list(out, {});
  EXPECT_EQ(out, "(\\Seen $Forwarded)()");
  out.clear();
  append_status(out, "a1", status_kind::ok, "UIDVALIDITY 3", "SELECT completed");
  append_status(out, "", status_kind::bad, "", "bad\r\nline");
  append_status(out, "a2", status_kind::no, "TOOBIG", "too big");
  append_continuation(out, "Ready");
  EXPECT_EQ(out, "a1 OK [UIDVALIDITY 3] SELECT completed\r\n* BAD bad  line\r\n"
                 "a2 NO [TOOBIG] too big\r\n+ Ready\r\n");
}

TEST(ImapMutf7, RoundTripsAndRejects) {
  struct row { std::string_view utf8, mutf7; };
  const row rows[] = {
      {"~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"},
      {"&", "&-"},
      {"Entw\xc3\xbcrfe", "Entw&APw-rfe"},
      {"\xf0\x9f\x93\xa7", "&2D3c5w-"},  // U+1F4E7: a surrogate pair
      {"a\tb", "a&AAk-b"},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(l7::mail::encode_mutf7(r.utf8).value_or("?"), r.mutf7);
    EXPECT_EQ(l7::mail::decode_mutf7(r.mutf7), std::string(r.utf8));
  }
  for (auto bad : {"&", "&U,BTFw", "&AGE-", "&2D0-", "&3D3c5w-", "a\xc3\xa9", "&U,BTF-", "&=-"})
    EXPECT_FALSE(l7::mail::decode_mutf7(bad)) << bad;
}

TEST(ImapDateTime, UnixRoundTripAndFormat) {
  date_time t{{1996, 7, 17}, 2, 44, 25, -420};
  EXPECT_EQ(to_unix(t), 837596665);  // 1996-07-17T09:44:25Z
  EXPECT_EQ(from_unix(837596665, -420), t);
  EXPECT_EQ(format_date_time(t), "17-Jul-1996 02:44:25 -0700");
  EXPECT_EQ(format_date_time(from_unix(0)), "01-Jan-1970 00:00:00 +0000");
  for (std::int64_t s : {std::int64_t(0), std::int64_t(951782400), std::int64_t(4102444799), std::int64_t(-86400)})
    for (int zone : {0, 330, -600})
      EXPECT_EQ(to_unix(from_unix(s, zone)), s) << s << " " << zone;
}

TEST(ImapFetchName, ResponseNames) {
  fetch_att a;
  a.type = fetch_att::kind::binary_size;
  a.section.part = {1, 2};
  EXPECT_EQ(fetch_response_name(a), "BINARY.SIZE[1.2]");
  a.type = fetch_att::kind::body_section;
  a.peek = true;
  a.section = {{2}, section::text_kind::text, {}};
  a.partial = partial{100, 5};
  EXPECT_EQ(fetch_response_name(a), "BODY[2.TEXT]<100>");
}

}  // namespace
