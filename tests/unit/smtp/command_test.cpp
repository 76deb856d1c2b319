#include <gtest/gtest.h>

#include "core/sasl.hpp"
#include "smtp/codec/command.hpp"
#include "smtp/codec/error.hpp"
#include "smtp/codec/reply.hpp"

namespace l7::smtp {
namespace {

const offered all;

TEST(SmtpCommand, VerbsAreRecognised) {
  EXPECT_EQ(verb_of("EHLO"), verb::ehlo);
  EXPECT_EQ(verb_of("STARTTLS"), verb::starttls);
  EXPECT_EQ(verb_of("BDAT"), verb::bdat);
  EXPECT_EQ(verb_of("XYZZ"), verb::unknown);
}

TEST(SmtpCommand, MailFromWithEveryParameter) {
  mail_from m;
  ASSERT_FALSE(parse_mail_from("FROM:<a.b@example.org> SIZE=1000 BODY=8BITMIME SMTPUTF8 RET=HDRS ENVID=QQ+2B314 AUTH=<>",
                               all, m));
  EXPECT_EQ(m.from.local, "a.b");
  EXPECT_EQ(m.from.domain, "example.org");
  EXPECT_EQ(m.size, 1000u);
  EXPECT_EQ(m.body, body_type::eight_bit_mime);
  EXPECT_TRUE(m.smtputf8);
  EXPECT_EQ(m.ret, dsn_ret::headers);
  EXPECT_EQ(m.envid, "QQ+314");  // xtext, RFC 3461 §4
  EXPECT_EQ(m.auth, "<>");
}

TEST(SmtpCommand, NullReversePathAndLeniency) {
  mail_from m;
  ASSERT_FALSE(parse_mail_from("FROM:<>", all, m));
  EXPECT_TRUE(m.from.empty());
  ASSERT_FALSE(parse_mail_from("from: <x@y.z>", all, m));  // a space and lower case, as clients send
  EXPECT_EQ(m.from.text(), "x@y.z");
  ASSERT_FALSE(parse_mail_from("FROM:x@y.z SIZE=5", all, m));  // no brackets
  EXPECT_EQ(m.from.text(), "x@y.z");
  EXPECT_EQ(m.size, 5u);
  ASSERT_FALSE(parse_mail_from("FROM:<@relay.example,@b.example:user@c.example>", all, m));  // source route
  EXPECT_EQ(m.from.text(), "user@c.example");
}

TEST(SmtpCommand, QuotedLocalPartsAndLiterals) {
  mail_from m;
  ASSERT_FALSE(parse_mail_from(R"(FROM:<"john \"smith\" >x"@[192.0.2.1]>)", all, m));
  EXPECT_EQ(m.from.local, R"("john \"smith\" >x")");
  EXPECT_EQ(m.from.domain, "[192.0.2.1]");
  ASSERT_FALSE(parse_mail_from("FROM:<u@[IPv6:2001:db8::1]>", all, m));
  EXPECT_EQ(m.from.domain, "[IPv6:2001:db8::1]");
}

struct bad_case {
  const char* arg;
  error expected;
};

class SmtpMailFromErrors : public ::testing::TestWithParam<bad_case> {};

TEST_P(SmtpMailFromErrors, AreReported) {
  mail_from m;
  EXPECT_EQ(parse_mail_from(GetParam().arg, all, m), make_error_code(GetParam().expected)) << GetParam().arg;
}

INSTANTIATE_TEST_SUITE_P(
    Table, SmtpMailFromErrors,
    ::testing::Values(bad_case{"TO:<a@b.c>", error::bad_arguments}, bad_case{"FROM:", error::bad_address},
                      bad_case{"FROM:<a@b.c", error::bad_address}, bad_case{"FROM:<a.@b.c>", error::bad_address},
                      bad_case{"FROM:<a..b@c.d>", error::bad_address}, bad_case{"FROM:<ab.c>", error::bad_address},
                      bad_case{"FROM:<a@-b.c>", error::bad_address}, bad_case{"FROM:<a@b.c> FOO=1", error::unknown_parameter},
                      bad_case{"FROM:<a@b.c> SIZE=x", error::bad_parameter},
                      bad_case{"FROM:<a@b.c> SIZE=", error::bad_parameter},
                      bad_case{"FROM:<a@b.c> BODY=9BIT", error::bad_parameter},
                      bad_case{"FROM:<a@b.c> SMTPUTF8=1", error::bad_parameter},
                      bad_case{"FROM:<a@b.c> ENVID=a+zz", error::bad_parameter},
                      bad_case{"FROM:<a@b.c>x", error::bad_arguments},
                      bad_case{"FROM:<\xc3\xa9@b.c>", error::utf8_not_allowed},
                      bad_case{"FROM:<aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@b.c>",
                               error::address_too_long}));

TEST(SmtpCommand, Utf8AddressesNeedSmtputf8) {
  mail_from m;
  EXPECT_FALSE(parse_mail_from("FROM:<\xc3\xa9l\xc3\xa8ve@\xc3\xa9cole.example> SMTPUTF8", all, m));
  rcpt_to r;
  EXPECT_EQ(parse_rcpt_to("TO:<\xc3\xa9@x.y>", all, false, r), make_error_code(error::utf8_not_allowed));
  EXPECT_FALSE(parse_rcpt_to("TO:<\xc3\xa9@x.y>", all, true, r));
}

TEST(SmtpCommand, ParametersNotOfferedAreUnknown) {
  offered none{false, false, false, false, false, false};
  mail_from m;
  EXPECT_EQ(parse_mail_from("FROM:<a@b.c> SIZE=10", none, m), make_error_code(error::unknown_parameter));
  rcpt_to r;
  EXPECT_EQ(parse_rcpt_to("TO:<a@b.c> NOTIFY=NEVER", none, false, r), make_error_code(error::unknown_parameter));
}

TEST(SmtpCommand, RcptToWithDsnParameters) {
  rcpt_to r;
  ASSERT_FALSE(parse_rcpt_to("TO:<u+tag@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;u+2Btag@example.test",
                             all, false, r));
  EXPECT_EQ(r.to.local, "u+tag");
  EXPECT_EQ(r.notify, notify_success | notify_failure);
  EXPECT_EQ(r.orcpt, "rfc822;u+tag@example.test");
  EXPECT_EQ(parse_rcpt_to("TO:<a@b.c> NOTIFY=NEVER,SUCCESS", all, false, r), make_error_code(error::bad_parameter));
  ASSERT_FALSE(parse_rcpt_to("TO:<Postmaster>", all, false, r));  // RFC 5321 §4.1.1.3
  EXPECT_TRUE(r.postmaster);
  EXPECT_EQ(parse_rcpt_to("TO:<>", all, false, r), make_error_code(error::bad_address));
}

TEST(SmtpCommand, BdatAndAuthArguments) {
  std::uint64_t size = 0;
  bool last = false;
  ASSERT_FALSE(parse_bdat("1000 LAST", size, last));
  EXPECT_EQ(size, 1000u);
  EXPECT_TRUE(last);
  ASSERT_FALSE(parse_bdat("0", size, last));
  EXPECT_FALSE(last);
  EXPECT_TRUE(parse_bdat("", size, last));
  EXPECT_TRUE(parse_bdat("12 FIRST", size, last));
  EXPECT_TRUE(parse_bdat("-1", size, last));
  EXPECT_TRUE(parse_bdat("99999999999999999999999", size, last));
  std::string mech;
  std::optional<std::string> initial;
  ASSERT_FALSE(parse_auth("plain AGEAYg==", mech, initial));
  EXPECT_EQ(mech, "PLAIN");
  EXPECT_EQ(initial, "AGEAYg==");
  EXPECT_TRUE(parse_auth("PL AIN x y", mech, initial));
}

TEST(SmtpCommand, XtextRoundTrip) {
  EXPECT_EQ(xtext_encode("a+b=c d"), "a+2Bb+3Dc+20d");
  EXPECT_EQ(xtext_decode("a+2Bb+3Dc+20d"), "a+b=c d");
  EXPECT_FALSE(xtext_decode("a+2"));
  EXPECT_FALSE(xtext_decode("a=b"));
}

TEST(SmtpReply, EnhancedCodesOnEveryLine) {
  std::string out;
  append_reply(out, 250, "2.1.0", "Ok");
  EXPECT_EQ(out, "250 2.1.0 Ok\r\n");
  out.clear();
  append_reply(out, 250, "", std::vector<std::string>{"host greets x", "SIZE 10", "PIPELINING"});
  EXPECT_EQ(out, "250-host greets x\r\n250-SIZE 10\r\n250 PIPELINING\r\n");
  out.clear();
  append_reply(out, 550, "5.1.1", "a\r\nb");  // a reply cannot be split by its text
  EXPECT_EQ(out, "550 5.1.1 a  b\r\n");
  EXPECT_EQ(reply_for(make_error_code(error::unknown_parameter)).code, 555);
}

TEST(Sasl, PlainAndLogin) {
  auto c = decode_plain("AHRpbQB0YW5zdGFhZnRhbnN0YWFm");  // RFC 4616 §4: "\0tim\0tanstaaftanstaaf"
  ASSERT_TRUE(c);
  EXPECT_EQ(c->authzid, "");
  EXPECT_EQ(c->authcid, "tim");
  EXPECT_EQ(c->password, "tanstaaftanstaaf");
  EXPECT_FALSE(decode_plain("dGlt"));          // no NULs
  EXPECT_FALSE(decode_plain("AAA="));          // empty authcid and password
  EXPECT_FALSE(decode_plain("not base64!"));
  EXPECT_EQ(decode_login_step("dXNlcg=="), "user");
}

}  // namespace
}  // namespace l7::smtp
