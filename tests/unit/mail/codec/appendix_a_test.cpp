// RFC 5322 Appendix A: each example message whole, through the header parser, the MIME tree,
// the address and date parsers, as IMAP's ENVELOPE would read it.
#include <gtest/gtest.h>

#include <vector>

#include "mail/codec/address.hpp"
#include "mail/codec/date.hpp"
#include "mail/codec/mime.hpp"
#include "mail_test_util.hpp"

namespace {

using namespace l7::mail;
using l7::mail::testing::crlf;

struct appendix_case {
  const char* section;
  std::string message;
  std::vector<std::pair<std::string, std::string>> fields;  // name -> unfolded value
  std::int64_t date_utc;
  std::size_t to_count;  // entries of To, group markers included
  const char* body;
};

const appendix_case appendix_cases[] = {
    {"A.1.1",
     crlf("From: John Doe <jdoe@machine.example>\nTo: Mary Smith <mary@example.net>\n"
          "Subject: Saying Hello\nDate: Fri, 21 Nov 1997 09:55:06 -0600\n"
          "Message-ID: <1234@local.machine.example>\n\n"
          "This is a message just to say hello.\nSo, \"Hello\".\n"),
     {{"subject", "Saying Hello"}, {"message-id", "<1234@local.machine.example>"}},
     880127706, 1, "This is a message just to say hello.\r\nSo, \"Hello\".\r\n"},
    {"A.1.3",
     crlf("From: Pete <pete@silly.example>\n"
          "To: A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;\n"
          "Cc: Undisclosed recipients:;\nDate: Thu, 13 Feb 1969 23:32:54 -0330\n"
          "Message-ID: <testabcd.1234@silly.example>\n\nTesting.\n"),
     {{"cc", "Undisclosed recipients:;"}}, -27723480 + 54, 5, "Testing.\r\n"},
    {"A.2",
     crlf("From: Mary Smith <mary@example.net>\nTo: John Doe <jdoe@machine.example>\n"
          "Reply-To: \"Mary Smith: Personal Account\" <smith@home.example>\n"
          "Subject: Re: Saying Hello\nDate: Fri, 21 Nov 1997 10:01:10 -0600\n"
          "Message-ID: <3456@example.net>\nIn-Reply-To: <1234@local.machine.example>\n"
          "References: <1234@local.machine.example>\n\nThis is a reply to your hello.\n"),
     {{"in-reply-to", "<1234@local.machine.example>"}, {"subject", "Re: Saying Hello"}},
     880128070, 1, "This is a reply to your hello.\r\n"},
    {"A.3",
     crlf("Resent-From: Mary Smith <mary@example.net>\n"
          "Resent-To: Jane Brown <j-brown@other.example>\n"
          "Resent-Date: Mon, 24 Nov 1997 14:22:01 -0800\nResent-Message-ID: <78910@example.net>\n"
          "From: John Doe <jdoe@machine.example>\nTo: Mary Smith <mary@example.net>\n"
          "Subject: Saying Hello\nDate: Fri, 21 Nov 1997 09:55:06 -0600\n"
          "Message-ID: <1234@local.machine.example>\n\n"
          "This is a message just to say hello.\nSo, \"Hello\".\n"),
     {{"resent-message-id", "<78910@example.net>"}}, 880127706, 1,
     "This is a message just to say hello.\r\nSo, \"Hello\".\r\n"},
    {"A.4",
     crlf("Received: from x.y.test\n   by example.net\n   via TCP\n   with ESMTP\n   id ABC12345\n"
          "   for <mary@example.net>;  21 Nov 1997 10:05:43 -0600\n"
          "Received: from node.example by x.y.test; 21 Nov 1997 10:01:22 -0600\n"
          "From: John Doe <jdoe@node.example>\nTo: Mary Smith <mary@example.net>\n"
          "Subject: Saying Hello\nDate: Fri, 21 Nov 1997 09:55:06 -0600\n"
          "Message-ID: <1234@local.node.example>\n\n"
          "This is a message just to say hello.\nSo, \"Hello\".\n"),
     {{"received", "from x.y.test   by example.net   via TCP   with ESMTP   id ABC12345   "
                   "for <mary@example.net>;  21 Nov 1997 10:05:43 -0600"}},
     880127706, 1, "This is a message just to say hello.\r\nSo, \"Hello\".\r\n"},
    {"A.5",
     crlf("From: Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>\n"
          "To:A Group(Some people)\n     :Chris Jones <c@(Chris's host.)public.example>,\n"
          "         joe@example.org,\n  John <jdoe@one.test> (my dear friend); (the end of the group)\n"
          "Cc:(Empty list)(start)Hidden recipients  :(nobody(that I know))  ;\n"
          "Date: Thu,\n      13\n        Feb\n          1969\n      23:32\n"
          "               -0330 (Newfoundland Time)\n"
          "Message-ID:              <testabcd.1234@silly.test>\n\nTesting.\n"),
     {{"message-id", "<testabcd.1234@silly.test>"}}, -27723480, 5, "Testing.\r\n"},
    {"A.6.1",
     crlf("From: Joe Q. Public <john.q.public@example.com>\n"
          "To: Mary Smith <@node.test:mary@example.net>, , jdoe@test  . example\n"
          "Date: Tue, 1 Jul 2003 10:52:37 +0200\nMessage-ID: <5678.21-Nov-1997@example.com>\n\n"
          "Hi everyone.\n"),
     {{"message-id", "<5678.21-Nov-1997@example.com>"}}, 1057049557, 2, "Hi everyone.\r\n"},
    {"A.6.2",
     crlf("Received: from x.y.test\n   by example.net\n   via TCP\n   with ESMTP\n   id ABC12345\n"
          "   for <mary@example.net>;  21 Nov 97 10:05:43 -0600\n"
          "From: John Doe <jdoe@machine.example>\nTo: Mary Smith <mary@example.net>\n"
          "Subject: Saying Hello\nDate: 21 Nov 97 09:55:06 GMT\n"
          "Message-ID: <1234   @   local(blah)  .machine .example>\n\n"
          "This is a message just to say hello.\nSo, \"Hello\".\n"),
     {{"message-id", "<1234   @   local(blah)  .machine .example>"}}, 880106106, 1,
     "This is a message just to say hello.\r\nSo, \"Hello\".\r\n"},
    {"A.6.3",
     crlf("From  : John Doe <jdoe@machine(comment).  example>\n"
          "To    : Mary Smith\n  \n          <mary@example.net>\n"
          "Subject     : Saying Hello\nDate  : Fri, 21 Nov 1997 09(comment):   55  :  06 -0600\n"
          "Message-ID  : <1234 @ local.machine.example>\n\n"
          "This is a message just to say hello.\nSo, \"Hello\".\n"),
     {{"subject", "Saying Hello"}, {"to", "Mary Smith          <mary@example.net>"}},
     880127706, 1, "This is a message just to say hello.\r\nSo, \"Hello\".\r\n"},
};

TEST(mail_appendix_a, whole_messages) {
  for (const auto& c : appendix_cases) {
    SCOPED_TRACE(c.section);
    std::error_code ec;
    const auto m = parse_mime(c.message, {}, ec);
    ASSERT_FALSE(ec);
    ASSERT_EQ(m.parts.size(), 1u);
    const auto& h = m.parts[0].fields;
    for (const auto& [name, value] : c.fields) EXPECT_EQ(h.value(name), value) << name;
    const auto date = parse_date_time(h.value("date"));
    ASSERT_TRUE(date.has_value());
    EXPECT_EQ(date->utc, c.date_utc);
    EXPECT_EQ(parse_address_list(h.value("to")).size(), c.to_count);
    EXPECT_EQ(m.parts[0].body.in(c.message), c.body);
    EXPECT_EQ(parse_mailboxes(h.value("from")).size(), 1u);
  }
}

TEST(mail_appendix_a, trace_dates_after_the_semicolon) {  // A.4: date-time after ';'
  const auto& msg = appendix_cases[4].message;
  std::error_code ec;
  const auto s = parse_header_section(msg, {}, ec);
  const auto received = s.find_all("received");
  ASSERT_EQ(received.size(), 2u);
  const std::int64_t want[] = {880128343, 880128082};
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& v = received[i]->value;
    const auto d = parse_date_time(std::string_view(v).substr(v.rfind(';') + 1));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->utc, want[i]);
  }
}

}  // namespace
