// RFC 5322 §3.4 address lists: the Appendix A examples (current and obsolete syntax), groups as
// IMAP's ENVELOPE needs them, and recovery on garbage.
#include <gtest/gtest.h>

#include <vector>

#include "mail/codec/address.hpp"
#include "mail/codec/encoded_word.hpp"

namespace {

using namespace l7::mail;
using kind = address::kind;

struct expected_address {
  kind type;
  std::string name, route, local, domain;
};

void expect_addresses(std::string_view value, const std::vector<expected_address>& want) {
  const auto got = parse_address_list(value);
  ASSERT_EQ(got.size(), want.size()) << value;
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(std::string(value) + " #" + std::to_string(i));
    EXPECT_EQ(got[i].type, want[i].type);
    EXPECT_EQ(got[i].name, want[i].name);
    EXPECT_EQ(got[i].route, want[i].route);
    EXPECT_EQ(got[i].local_part, want[i].local);
    EXPECT_EQ(got[i].domain, want[i].domain);
  }
}

struct address_case {
  const char* where;
  const char* value;
  std::vector<expected_address> want;
};

const address_case address_cases[] = {
    {"A.1.1", "John Doe <jdoe@machine.example>",
     {{kind::mailbox, "John Doe", "", "jdoe", "machine.example"}}},
    {"A.1.2 From", "\"Joe Q. Public\" <john.q.public@example.com>",
     {{kind::mailbox, "Joe Q. Public", "", "john.q.public", "example.com"}}},
    {"A.1.2 To", "Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>",
     {{kind::mailbox, "Mary Smith", "", "mary", "x.test"},
      {kind::mailbox, "", "", "jdoe", "example.org"},
      {kind::mailbox, "Who?", "", "one", "y.test"}}},
    {"A.1.2 Cc", "<boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>",
     {{kind::mailbox, "", "", "boss", "nil.test"},
      {kind::mailbox, "Giant; \"Big\" Box", "", "sysservices", "example.net"}}},
    {"A.1.3 To", "A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
     {{kind::group_start, "A Group", "", "", ""},
      {kind::mailbox, "Ed Jones", "", "c", "a.test"},
      {kind::mailbox, "", "", "joe", "where.test"},
      {kind::mailbox, "John", "", "jdoe", "one.test"},
      {kind::group_end, "", "", "", ""}}},
    {"A.1.3 Cc", "Undisclosed recipients:;",
     {{kind::group_start, "Undisclosed recipients", "", "", ""}, {kind::group_end, "", "", "", ""}}},
    {"A.2 Reply-To", "\"Mary Smith: Personal Account\" <smith@home.example>",
     {{kind::mailbox, "Mary Smith: Personal Account", "", "smith", "home.example"}}},
    {"A.3 Resent-To", "Jane Brown <j-brown@other.example>",
     {{kind::mailbox, "Jane Brown", "", "j-brown", "other.example"}}},
    {"A.5 From", "Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>",
     {{kind::mailbox, "Pete", "", "pete", "silly.test"}}},
    {"A.5 To",
     "A Group(Some people)\r\n     :Chris Jones <c@(Chris's host.)public.example>,\r\n"
     "         joe@example.org,\r\n  John <jdoe@one.test> (my dear friend); (the end of the group)",
     {{kind::group_start, "A Group", "", "", ""},
      {kind::mailbox, "Chris Jones", "", "c", "public.example"},
      {kind::mailbox, "", "", "joe", "example.org"},
      {kind::mailbox, "John", "", "jdoe", "one.test"},
      {kind::group_end, "", "", "", ""}}},
    {"A.5 Cc", "(Empty list)(start)Hidden recipients  :(nobody(that I know))  ;",
     {{kind::group_start, "Hidden recipients", "", "", ""}, {kind::group_end, "", "", "", ""}}},
    {"A.6.1 From", "Joe Q. Public <john.q.public@example.com>",
     {{kind::mailbox, "Joe Q. Public", "", "john.q.public", "example.com"}}},
    {"A.6.1 To", "Mary Smith <@node.test:mary@example.net>, , jdoe@test  . example",
     {{kind::mailbox, "Mary Smith", "@node.test", "mary", "example.net"},
      {kind::mailbox, "", "", "jdoe", "test.example"}}},
    {"A.6.3 From", "John Doe <jdoe@machine(comment).  example>",
     {{kind::mailbox, "John Doe", "", "jdoe", "machine.example"}}},
    {"A.6.3 To", "Mary Smith\r\n  \r\n          <mary@example.net>",
     {{kind::mailbox, "Mary Smith", "", "mary", "example.net"}}},
    {"obs-route, two hops", "<@a.test,@b.test:joe@c.test>",
     {{kind::mailbox, "", "@a.test,@b.test", "joe", "c.test"}}},
    {"obs-local-part with quoted words", "\"john doe\".smith @ example.com",
     {{kind::mailbox, "", "", "john doe.smith", "example.com"}}},
    {"domain literal", "user@[192.0.2.1]", {{kind::mailbox, "", "", "user", "[192.0.2.1]"}}},
    {"comment as name", "jdoe@example.org (John Doe)",
     {{kind::mailbox, "John Doe", "", "jdoe", "example.org"}}},
    {"no domain", "undisclosed-recipients", {{kind::mailbox, "", "", "undisclosed-recipients", ""}}},
    {"UTF-8 (RFC 6532)", "J\xc3\xb6rg <j\xc3\xb6rg@b\xc3\xbc\x63her.example>",
     {{kind::mailbox, "J\xc3\xb6rg", "", "j\xc3\xb6rg", "b\xc3\xbc\x63her.example"}}},
    {"unclosed group", "Team: a@b.test, c@d.test",
     {{kind::group_start, "Team", "", "", ""},
      {kind::mailbox, "", "", "a", "b.test"},
      {kind::mailbox, "", "", "c", "d.test"},
      {kind::group_end, "", "", "", ""}}},
    {"unclosed angle bracket", "Ann <ann@x.test, bob@y.test",
     {{kind::mailbox, "Ann", "", "ann", "x.test"}, {kind::mailbox, "", "", "bob", "y.test"}}},
    {"unterminated quote", "\"Ann <ann@x.test>", {{kind::mailbox, "", "", "Ann <ann@x.test>", ""}}},
    {"garbage", ",,;>>", {}},
    {"empty", "", {}},
};

TEST(mail_address, rfc5322_appendix_a_and_more) {
  for (const auto& c : address_cases) {
    SCOPED_TRACE(c.where);
    expect_addresses(c.value, c.want);
  }
}

TEST(mail_address, encoded_word_names_decode_separately) {  // RFC 2047 §8
  const auto a = parse_address_list("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].name, "=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?=");
  EXPECT_EQ(decode_encoded_words(a[0].name), "Keld J\xc3\xb8rn Simonsen");
  const auto b = parse_address_list("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>");
  EXPECT_EQ(decode_encoded_words(b[0].name), "Andr\xc3\xa9 Pirard");
}

TEST(mail_address, mailboxes_flatten_groups_and_addr_spec) {
  const auto m = parse_mailboxes("A Group:Ed Jones <c@a.test>,joe@where.test;, x@y.test");
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].addr_spec(), "c@a.test");
  EXPECT_EQ(m[2].addr_spec(), "x@y.test");
  EXPECT_EQ(parse_mailboxes("root")[0].addr_spec(), "root");
}

TEST(mail_address, format_mailbox_quotes_or_encodes) {
  EXPECT_EQ(format_mailbox("", "a@b.test"), "a@b.test");
  EXPECT_EQ(format_mailbox("John Doe", "j@d.test"), "John Doe <j@d.test>");
  EXPECT_EQ(format_mailbox("Doe, John", "j@d.test"), "\"Doe, John\" <j@d.test>");
  EXPECT_EQ(format_mailbox("a \"b\"", "j@d.test"), "\"a \\\"b\\\"\" <j@d.test>");
  EXPECT_EQ(format_mailbox("J\xc3\xb6rg", "j@d.test"), "=?utf-8?Q?J=C3=B6rg?= <j@d.test>");
  EXPECT_EQ(format_mailbox("J\xc3\xb6rg", "j@d.test", true), "J\xc3\xb6rg <j@d.test>");
  for (const std::string name : {"Doe, John", "a \"b\\\"", "Jo. Q (x)", "J\xc3\xb6rg; x"}) {
    const auto back = parse_address_list(format_mailbox(name, "j@d.test"));
    ASSERT_EQ(back.size(), 1u) << name;
    EXPECT_EQ(decode_encoded_words(back[0].name), name);
    EXPECT_EQ(back[0].addr_spec(), "j@d.test");
  }
}

}  // namespace
