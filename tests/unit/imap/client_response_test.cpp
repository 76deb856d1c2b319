// IMAP client: server responses fed to response_reader at every byte split (literals {n} and
// {n+}, untagged data between tagged ones, continuations), and what the client reads from them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/base64.hpp"
#include "core/scram.hpp"
#include "imap/client/response_reader.hpp"

namespace l7::imap::client {
namespace {

struct summary {
  std::string tag, name, code, text;
  std::optional<std::uint32_t> number;
  imap::response::kind type{};
  bool malformed = false;
  std::string literal;  // the first string value found in a FETCH's items
  bool operator==(const summary&) const = default;
};

summary summarize(const client_response& c) {
  summary s{c.r.tag, c.r.name, c.r.code, c.r.text, c.r.number, c.r.type, c.malformed, {}};
  if (auto f = fetch_of(c.r)) s.literal = f->body.value_or(f->header_fields.value_or(""));
  return s;
}

// Feeds `pieces` as a session does (unconsumed bytes stay buffered); stops at an error.
std::vector<summary> read_all(const std::vector<std::string_view>& pieces, std::error_code& ec) {
  response_reader reader;
  std::vector<summary> out;
  std::string buf;
  for (auto piece : pieces) {
    buf += piece;
    for (;;) {
      buf.erase(0, reader.parse(buf, ec));
      if (ec) return out;
      if (!reader.ready()) break;
      out.push_back(summarize(reader.take()));
    }
  }
  return out;
}

const std::string_view session_bytes =
    "* OK [CAPABILITY IMAP4rev1 SASL-IR LITERAL+ IDLE AUTH=PLAIN] Dovecot ready.\r\n"
    "a1 OK [CAPABILITY IMAP4rev1 IDLE UIDPLUS] Logged in\r\n"
    "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
    "* 2 EXISTS\r\n"
    "* OK [UIDVALIDITY 1700000000] UIDs valid\r\n"
    "* OK [UIDNEXT 9] Predicted next UID\r\n"
    "a2 OK [READ-ONLY] Examine completed (0.001 + 0.000 secs).\r\n"
    "* 1 FETCH (UID 7 RFC822.SIZE 38 BODY[] {38}\r\n"
    "Subject: x\r\n\r\n.leading dot\r\n.\r\nafter\r\n)\r\n"
    "* 2 FETCH (UID 8 BODY[HEADER.FIELDS (DATE FROM SUBJECT)] {14+}\r\n"
    "Subject: y\r\n\r\n)\r\n"
    "* 3 EXISTS\r\n"
    "a3 OK Fetch completed.\r\n"
    "+ idling\r\n"
    "* 3 RECENT\r\n"
    "a4 OK Idle completed.\r\n";

TEST(ImapClientResponse, SessionAtEveryByteSplit) {
  std::error_code ec;
  const auto ref = read_all({session_bytes}, ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_EQ(ref.size(), 14u);
  EXPECT_EQ(ref[0].code, "CAPABILITY IMAP4rev1 SASL-IR LITERAL+ IDLE AUTH=PLAIN");
  EXPECT_EQ(ref[7].literal, "Subject: x\r\n\r\n.leading dot\r\n.\r\nafter\r\n");
  EXPECT_EQ(ref[8].literal, "Subject: y\r\n\r\n");
  EXPECT_EQ(ref[11].type, imap::response::kind::continuation);
  EXPECT_EQ(ref[11].text, "idling");
  EXPECT_EQ(ref[13].tag, "a4");
  for (std::size_t cut = 0; cut <= session_bytes.size(); ++cut) {
    const auto got = read_all({session_bytes.substr(0, cut), session_bytes.substr(cut)}, ec);
    ASSERT_FALSE(ec) << "cut " << cut;
    ASSERT_EQ(got, ref) << "cut " << cut;
  }
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < session_bytes.size(); ++i) bytes.push_back(session_bytes.substr(i, 1));
  EXPECT_EQ(read_all(bytes, ec), ref);
}

TEST(ImapClientResponse, MalformedUntaggedIsSkippedTaggedIsNot) {
  std::error_code ec;
  auto got = read_all({"* OK [UNTERMINATED code\r\n* XYZZY (\r\na1 OK fine\r\n"}, ec);
  ASSERT_FALSE(ec);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_TRUE(got[0].malformed);
  EXPECT_EQ(got[0].text, "* OK [UNTERMINATED code");
  EXPECT_TRUE(got[1].malformed);
  EXPECT_EQ(got[2].tag, "a1");
  got = read_all({"a1 OK [broken\r\n"}, ec);
  EXPECT_TRUE(ec);
  EXPECT_TRUE(got.empty());
}

TEST(ImapClientResponse, LimitsAreErrors) {
  response_reader reader(16, 64);
  std::error_code ec;
  std::string in = "* 1 FETCH (BODY[] {17}\r\n";
  reader.parse(in, ec);
  EXPECT_TRUE(ec);
  response_reader lines(1024, 32);
  std::string long_line = "* OK " + std::string(100, 'x') + "\r\n";
  lines.parse(long_line, ec);
  EXPECT_TRUE(ec);
}

imap::response parsed(std::string_view raw) {
  imap::response r;
  std::error_code ec;
  imap::parse_response(raw, r, ec);
  EXPECT_FALSE(ec) << raw;
  return r;
}

TEST(ImapClientResponse, FetchItems) {
  auto f = fetch_of(parsed("* 12 FETCH (FLAGS (\\Seen $Junk) UID 42 RFC822.SIZE 3021 INTERNALDATE "
                           "\"17-Jul-1996 02:44:25 -0700\" BODY[HEADER.FIELDS (DATE FROM SUBJECT)] {8}\r\n"
                           "From: a\n BODY[] NIL)\r\n"));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->seq, 12u);
  EXPECT_EQ(f->uid, 42u);
  EXPECT_EQ(f->size, 3021u);
  EXPECT_EQ(f->flags, (std::vector<std::string>{"\\Seen", "$Junk"}));
  EXPECT_EQ(f->internal_date, "17-Jul-1996 02:44:25 -0700");
  EXPECT_EQ(f->header_fields, "From: a\n");
  EXPECT_EQ(f->body, "");
  EXPECT_FALSE(fetch_of(parsed("* 1 FETCH (UID)\r\n")));            // odd item count
  EXPECT_FALSE(fetch_of(parsed("* 1 FETCH (UID \"x\")\r\n")));      // UID not a number
  EXPECT_FALSE(fetch_of(parsed("* 1 FETCH (UID 0)\r\n")));
  EXPECT_FALSE(fetch_of(parsed("* 1 EXISTS\r\n")));
  EXPECT_FALSE(fetch_of(parsed("* FETCH (UID 1)\r\n")));           // no sequence number
}

TEST(ImapClientResponse, SearchCapabilitiesCodes) {
  EXPECT_EQ(search_of(parsed("* SEARCH 2 84 882\r\n")), (std::vector<std::uint32_t>{2, 84, 882}));
  EXPECT_EQ(search_of(parsed("* SEARCH\r\n")), std::vector<std::uint32_t>{});
  EXPECT_EQ(search_of(parsed("* SEARCH 2 5 (MODSEQ 917162500)\r\n")), (std::vector<std::uint32_t>{2, 5}));
  EXPECT_FALSE(search_of(parsed("* SEARCH 0\r\n")));
  auto caps = capabilities_of(parsed("* CAPABILITY IMAP4rev1 STARTTLS auth=plain LOGINDISABLED\r\n"));
  ASSERT_TRUE(caps);
  EXPECT_TRUE(caps->has("starttls"));
  EXPECT_TRUE(caps->auth("PLAIN"));
  EXPECT_TRUE(caps->has("LOGINDISABLED"));
  EXPECT_FALSE(caps->has("IDLE"));
  caps = capabilities_of(parsed("a1 OK [CAPABILITY IMAP4rev2 IDLE] done\r\n"));
  ASSERT_TRUE(caps);
  EXPECT_TRUE(caps->has("IMAP4REV2"));
  EXPECT_FALSE(capabilities_of(parsed("a1 OK [READ-ONLY] done\r\n")));
  EXPECT_EQ(code_number("UIDVALIDITY 3857529045", "UIDVALIDITY"), 3857529045u);
  EXPECT_EQ(code_number("UIDNEXT 4392", "UIDNEXT"), 4392u);
  EXPECT_FALSE(code_number("UIDNEXTX 4392", "UIDNEXT"));
  EXPECT_FALSE(code_number("UIDNEXT 99999999999", "UIDNEXT"));
  EXPECT_EQ(sequence_set_text({9, 1, 2, 3, 5, 3, 10}), "1:3,5,9:10");
  EXPECT_EQ(sequence_set_text({}), "");
}

// RFC 7677 §3's exchange as an IMAP server sends it (RFC 9051 §6.2.2): the server-first in a
// "+", the server-final in a last "+", then the tagged OK; read at every byte split, the SASL
// data taken out of the responses is the server's messages, which satisfy scram::client.
TEST(ImapClientResponse, ScramChallengesAtEveryByteSplit) {
  const std::string server_first = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
  const std::string server_final = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";
  const std::string bytes = "+ " + base64_encode(server_first) + "\r\n* OK [ALERT] untagged meanwhile\r\n+ " +
                            base64_encode(server_final) + "\r\na1 OK [CAPABILITY IMAP4rev1 IDLE] Logged in\r\n";
  for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
    response_reader reader;
    std::vector<client_response> got;
    std::string buf;
    std::error_code ec;
    for (auto piece : {std::string_view(bytes).substr(0, cut), std::string_view(bytes).substr(cut)}) {
      buf += piece;
      for (;;) {
        buf.erase(0, reader.parse(buf, ec));
        ASSERT_FALSE(ec) << "cut " << cut;
        if (!reader.ready()) break;
        got.push_back(reader.take());
      }
    }
    ASSERT_EQ(got.size(), 4u) << "cut " << cut;
    EXPECT_EQ(sasl_challenge(got[0].r), std::optional<std::string>(server_first)) << "cut " << cut;
    EXPECT_FALSE(sasl_challenge(got[1].r)) << "cut " << cut;  // untagged, not a continuation
    EXPECT_EQ(sasl_challenge(got[2].r), std::optional<std::string>(server_final)) << "cut " << cut;
    EXPECT_FALSE(sasl_success_data(got[3].r)) << "\"Logged in\" is not base64";
  }
  scram::client mech("user", "pencil");
  std::string message;
  ASSERT_FALSE(mech.first(message, "rOprNGfwEbeRWgbNEkqO"));
  ASSERT_FALSE(mech.server_first(server_first, message));
  EXPECT_EQ(message, "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                     "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  EXPECT_FALSE(mech.server_final(server_final));
}

TEST(ImapClientResponse, SaslData) {
  auto parse = [](std::string_view raw) {
    imap::response r;
    std::error_code ec;
    imap::parse_response(raw, r, ec);
    EXPECT_FALSE(ec) << raw;
    return r;
  };
  EXPECT_EQ(sasl_challenge(parse("+ \r\n")), std::optional<std::string>(""));
  EXPECT_EQ(sasl_challenge(parse("+\r\n")), std::optional<std::string>(""));
  EXPECT_EQ(sasl_challenge(parse("+ dj1hYmM=\r\n")), std::optional<std::string>("v=abc"));
  EXPECT_FALSE(sasl_challenge(parse("+ Ready for literal data\r\n")));
  EXPECT_FALSE(sasl_challenge(parse("+ [ALERT] dj1hYmM=\r\n")));
  EXPECT_FALSE(sasl_challenge(parse("+ dj1hYm\r\n")));  // bad padding
  EXPECT_FALSE(sasl_challenge(parse("a1 OK dj1hYmM=\r\n")));
  // Data with success in the tagged OK: the text's first word, when it is base64.
  EXPECT_EQ(sasl_success_data(parse("a1 OK dj1hYmM=\r\n")), std::optional<std::string>("v=abc"));
  EXPECT_EQ(sasl_success_data(parse("a1 OK [CAPABILITY IMAP4rev1] dj1hYmM= Success\r\n")),
            std::optional<std::string>("v=abc"));
  EXPECT_FALSE(sasl_success_data(parse("a1 OK [CAPABILITY IMAP4rev1] Logged in\r\n")));
  EXPECT_FALSE(sasl_success_data(parse("a1 OK\r\n")));
  EXPECT_FALSE(sasl_success_data(parse("a1 NO dj1hYmM=\r\n")));
}

}  // namespace
}  // namespace l7::imap::client
