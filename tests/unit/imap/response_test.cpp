// Responses as a client reads them (RFC 9051 §7): framing with limits.server_output and
// parse_response into status / data / continuation.
#include <gtest/gtest.h>

#include "imap/codec/reader.hpp"
#include "imap/codec/response.hpp"

namespace {

using namespace l7::imap;

response resp_ok(std::string_view raw) {
  response r;
  std::error_code ec;
  parse_response(raw, r, ec);
  EXPECT_FALSE(ec) << raw << ": " << ec.message();
  return r;
}

TEST(ImapResponse, StatusAndContinuation) {
  auto r = resp_ok("a1 OK [READ-WRITE] SELECT completed\r\n");
  EXPECT_EQ(r.type, response::kind::status);
  EXPECT_EQ(r.tag, "a1");
  EXPECT_EQ(r.code, "READ-WRITE");
  EXPECT_EQ(r.text, "SELECT completed");
  r = resp_ok("* BYE\r\n");
  EXPECT_EQ(r.status, status_kind::bye);
  EXPECT_EQ(r.tag, "*");
  r = resp_ok("* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n");
  EXPECT_EQ(r.code, "PERMANENTFLAGS (\\Deleted \\Seen \\*)");
  r = resp_ok("+ Ready for additional command text\r\n");
  EXPECT_EQ(r.type, response::kind::continuation);
  EXPECT_EQ(r.text, "Ready for additional command text");
  EXPECT_EQ(resp_ok("+ \r\n").text, "");
}

TEST(ImapResponse, Data) {
  auto r = resp_ok("* 172 EXISTS\r\n");
  EXPECT_EQ(r.number, 172u);
  EXPECT_EQ(r.name, "EXISTS");
  r = resp_ok("* CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI LOGINDISABLED\r\n");
  ASSERT_EQ(r.values.size(), 4u);
  EXPECT_EQ(r.values[2].text, "AUTH=GSSAPI");
  r = resp_ok("* LIST (\\Noselect) \"/\" ~/Mail/foo\r\n");
  EXPECT_EQ(r.values[0].items[0].text, "\\Noselect");
  EXPECT_EQ(r.values[1].type, value::kind::string);
  r = resp_ok("* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" "
              "BODY[HEADER.FIELDS (DATE FROM)]<0> {5}\r\nab\r\nc UID 9 ENVELOPE (NIL NIL))\r\n");
  EXPECT_EQ(r.number, 12u);
  ASSERT_EQ(r.values.size(), 1u);
  const auto& items = r.values[0].items;
  ASSERT_EQ(items.size(), 10u);
  EXPECT_EQ(items[4].text, "BODY[HEADER.FIELDS (DATE FROM)]<0>");
  EXPECT_EQ(items[5].text, "ab\r\nc");
  EXPECT_EQ(items[7].number, 9u);
  EXPECT_EQ(items[9].items[0].type, value::kind::nil);
  r = resp_ok("* ESEARCH (TAG \"a\") UID MIN 2 ALL 1:3,5\r\n");
  EXPECT_EQ(r.values.back().text, "1:3,5");
  std::error_code ec;
  parse_response("* LIST (\r\n", r, ec);
  EXPECT_TRUE(ec);
  parse_response("a1 OK [x\r\n", r, ec);
  EXPECT_TRUE(ec);
  parse_response("\r\n", r, ec);
  EXPECT_TRUE(ec);
}

TEST(ImapResponse, FramingDoesNotWaitForContinuations) {
  limits l;
  l.server_output = true;
  command_reader reader(l);
  std::string_view in = "* 1 FETCH (BODY[] {3}\r\nabc)\r\na OK done\r\n";
  std::error_code ec;
  in.remove_prefix(reader.parse(in, ec));
  ASSERT_EQ(reader.last_event(), command_reader::event::command);
  response r;
  parse_response(reader.raw(), r, ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(r.values[0].items[1].text, "abc");
  in.remove_prefix(reader.parse(in, ec));
  EXPECT_EQ(reader.raw(), "a OK done\r\n");
}

}  // namespace
