// SMTP client: the EHLO keywords (RFC 5321 §4.1.1.1 and the extensions' RFCs).
#include <gtest/gtest.h>

#include "smtp/client/capabilities.hpp"

namespace l7::smtp::client {
namespace {

numeric_reply ehlo(std::vector<std::string> lines) { return numeric_reply{250, std::move(lines)}; }

TEST(SmtpClientCapabilities, ParsesKeywordsOfAnEhloReply) {
  const auto caps = parse_ehlo(ehlo({"mx.example.org greets you", "SIZE 10240000", "PIPELINING", "8BITMIME",
                                     "SMTPUTF8", "CHUNKING", "BINARYMIME", "DSN", "STARTTLS",
                                     "ENHANCEDSTATUSCODES", "AUTH PLAIN login", "X-UNKNOWN 1"}));
  EXPECT_TRUE(caps.esmtp);
  EXPECT_EQ(caps.domain, "mx.example.org");
  ASSERT_TRUE(caps.size.has_value());
  EXPECT_EQ(*caps.size, 10240000u);
  EXPECT_TRUE(caps.pipelining);
  EXPECT_TRUE(caps.eight_bit_mime);
  EXPECT_TRUE(caps.smtputf8);
  EXPECT_TRUE(caps.chunking);
  EXPECT_TRUE(caps.binary_mime);
  EXPECT_TRUE(caps.dsn);
  EXPECT_TRUE(caps.starttls);
  EXPECT_TRUE(caps.enhanced_status_codes);
  EXPECT_EQ(caps.auth, (std::vector<std::string>{"PLAIN", "LOGIN"}));
  EXPECT_TRUE(caps.offers_auth("login"));
  EXPECT_FALSE(caps.offers_auth("CRAM-MD5"));
  EXPECT_EQ(caps.keywords.size(), 11u);
}

TEST(SmtpClientCapabilities, GreetingLineIsNotAKeyword) {
  const auto caps = parse_ehlo(ehlo({"PIPELINING"}));  // a host that calls itself PIPELINING
  EXPECT_FALSE(caps.pipelining);
  EXPECT_TRUE(caps.keywords.empty());
}

TEST(SmtpClientCapabilities, SizeWithoutLimitAndOldAuthForm) {
  const auto caps = parse_ehlo(ehlo({"mx", "size", "AUTH=LOGIN PLAIN", "auth cram-md5"}));
  ASSERT_TRUE(caps.size.has_value());
  EXPECT_EQ(*caps.size, 0u);  // RFC 1870 §4: no fixed maximum
  EXPECT_EQ(caps.auth, (std::vector<std::string>{"LOGIN", "PLAIN", "CRAM-MD5"}));
}

TEST(SmtpClientCapabilities, NothingWithoutExtensions) {
  const auto caps = parse_ehlo(ehlo({"mx.example.org"}));
  EXPECT_TRUE(caps.esmtp);
  EXPECT_FALSE(caps.size.has_value());
  EXPECT_FALSE(caps.pipelining);
  EXPECT_TRUE(caps.auth.empty());
}

}  // namespace
}  // namespace l7::smtp::client
