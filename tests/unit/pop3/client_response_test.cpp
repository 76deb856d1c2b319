// POP3 client: responses as the client reads them (RFC 1939 §3, RFC 2449), at every split.
#include <gtest/gtest.h>

#include <string>

#include "core/base64.hpp"
#include "core/scram.hpp"
#include "pop3/client/error.hpp"
#include "pop3/client/response.hpp"

namespace l7::pop3::client {
namespace {

struct outcome {
  bool done = false;
  std::error_code ec;
  status_line st;
  std::string body;
  std::size_t left = 0;  // bytes not consumed (the next response's)
};

// Feeds `pieces` in turn as the session does: unconsumed bytes stay in the buffer.
outcome feed(const std::vector<std::string_view>& pieces, bool multiline, limits l = {}, bool challenge = false) {
  response_parser p(l);
  p.expect(multiline, challenge);
  std::string buf;
  outcome out;
  for (auto piece : pieces) {
    buf += piece;
    if (!out.ec && !p.done()) buf.erase(0, p.parse(buf, out.ec));
  }
  out.done = p.done();
  if (out.done) {
    out.st = p.status();
    out.body = p.take_body();
  }
  out.left = buf.size();
  return out;
}

outcome whole(std::string_view in, bool multiline, limits l = {}) { return feed({in}, multiline, l); }

// Every split into two pieces, and byte by byte, gives what the whole input gives.
void expect_split_invariant(std::string_view in, bool multiline) {
  const auto ref = whole(in, multiline);
  for (std::size_t cut = 0; cut <= in.size(); ++cut) {
    const auto got = feed({in.substr(0, cut), in.substr(cut)}, multiline);
    EXPECT_EQ(got.done, ref.done) << "cut " << cut;
    EXPECT_EQ(got.ec, ref.ec) << "cut " << cut;
    EXPECT_EQ(got.body, ref.body) << "cut " << cut;
    EXPECT_EQ(got.st.text, ref.st.text) << "cut " << cut;
    EXPECT_EQ(got.left, ref.left) << "cut " << cut;
  }
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < in.size(); ++i) bytes.push_back(in.substr(i, 1));
  const auto got = feed(bytes, multiline);
  EXPECT_EQ(got.body, ref.body);
  EXPECT_EQ(got.done, ref.done);
}

TEST(Pop3ClientResponse, StatusLines) {
  auto r = whole("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n", false);
  ASSERT_TRUE(r.done);
  EXPECT_TRUE(r.st.ok);
  EXPECT_EQ(r.st.text, "POP3 server ready <1896.697170952@dbc.mtview.ca.us>");
  r = whole("-ERR [AUTH] Authentication failed.\r\n", false);
  EXPECT_FALSE(r.st.ok);
  EXPECT_EQ(r.st.code, "AUTH");
  EXPECT_EQ(r.st.text, "Authentication failed.");
  r = whole("+OK\r\n", false);
  EXPECT_TRUE(r.st.ok);
  EXPECT_EQ(r.st.text, "");
  EXPECT_EQ(whole("+OKAY\r\n", false).ec, error::bad_response);
  EXPECT_EQ(whole("* OK IMAP\r\n", false).ec, error::bad_response);
  EXPECT_FALSE(whole("+OK no line end yet", false).done);
}

TEST(Pop3ClientResponse, MultiLineIsUnstuffed) {
  // RFC 1939 §3: a line starting with '.' is sent with another '.'; "." alone ends.
  const std::string_view in =
      "+OK 120 octets\r\nSubject: dots\r\n\r\n..leading dot\r\n..\r\n...\r\nlast\r\n.\r\n+OK next\r\n";
  auto r = whole(in, true);
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.body, "Subject: dots\r\n\r\n.leading dot\r\n.\r\n..\r\nlast\r\n");
  EXPECT_EQ(r.left, std::string_view("+OK next\r\n").size());
  expect_split_invariant(in, true);
}

TEST(Pop3ClientResponse, ErrHasNoBody) {
  auto r = whole("-ERR no such message\r\n.\r\n", true);
  ASSERT_TRUE(r.done);
  EXPECT_FALSE(r.st.ok);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.left, 3u);
}

TEST(Pop3ClientResponse, EmptyBodyAndBareLf) {
  auto r = whole("+OK\r\n.\r\n", true);
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.body, "");
  r = whole("+OK\nline\n..x\n.\n", true);
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.body, "line\n.x\n");
  expect_split_invariant("+OK\nline\n..x\n.\n", true);
}

TEST(Pop3ClientResponse, Limits) {
  limits l;
  l.max_status_line = 10;
  EXPECT_EQ(whole("+OK 0123456789\r\n", false, l).ec, error::line_too_long);
  EXPECT_EQ(whole("+OK 0123456789", false, l).ec, error::line_too_long);
  EXPECT_FALSE(whole("+OK 01234", false, l).ec);  // may still end in time
  l = {};
  l.max_body_line = 8;
  EXPECT_EQ(whole("+OK\r\n0123456789\r\n.\r\n", true, l).ec, error::line_too_long);
  l = {};
  l.max_body = 10;
  EXPECT_EQ(whole("+OK\r\n0123\r\n4567\r\n89\r\n.\r\n", true, l).ec, error::message_too_big);
  EXPECT_TRUE(whole("+OK\r\n0123\r\n45\r\n.\r\n", true, l).done);
}

TEST(Pop3ClientResponse, ParserIsReusable) {
  response_parser p;
  std::error_code ec;
  p.expect(false);
  EXPECT_EQ(p.parse("-ERR x\r\n", ec), 8u);
  p.expect(true);
  std::string_view in = "+OK\r\na\r\n.\r\n";
  EXPECT_EQ(p.parse(in, ec), in.size());
  EXPECT_TRUE(p.done());
  EXPECT_EQ(p.take_body(), "a\r\n");
}

TEST(Pop3ClientResponse, StatListUidl) {
  auto s = parse_stat("2 320");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->count, 2u);
  EXPECT_EQ(s->size, 320u);
  EXPECT_FALSE(parse_stat("two 320"));
  EXPECT_FALSE(parse_stat(""));
  auto l = parse_scan_listing("1 120 extra");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->number, 1u);
  EXPECT_EQ(l->size, 120u);
  EXPECT_FALSE(parse_scan_listing("0 120"));
  EXPECT_FALSE(parse_scan_listing("1"));
  auto u = parse_unique_id_listing("2 QhdPYR:00WBw1Ph7x7");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->uid, "QhdPYR:00WBw1Ph7x7");
  EXPECT_FALSE(parse_unique_id_listing("2"));
  EXPECT_FALSE(parse_unique_id_listing("2 " + std::string(71, 'a')));
  EXPECT_EQ(body_lines("a\r\nb\nc"), (std::vector<std::string_view>{"a", "b", "c"}));
}

TEST(Pop3ClientResponse, Capa) {
  const auto caps = parse_capa("TOP\r\nUSER\r\nSASL PLAIN login\r\nRESP-CODES\r\nPIPELINING\r\nUIDL\r\n"
                               "STLS\r\nIMPLEMENTATION Dovecot\r\n");
  EXPECT_TRUE(caps.known && caps.top && caps.user && caps.uidl && caps.stls && caps.pipelining);
  EXPECT_TRUE(caps.offers_sasl("PLAIN"));
  EXPECT_TRUE(caps.offers_sasl("login"));
  EXPECT_FALSE(caps.offers_sasl("CRAM-MD5"));
  EXPECT_EQ(caps.implementation, "Dovecot");
  EXPECT_FALSE(parse_capa("TOP\r\n").stls);
}

// RFC 5034 §4: during AUTH a "+ " challenge may come instead of +OK / -ERR; elsewhere it is an
// error. At every split, as the other responses.
TEST(Pop3ClientResponse, SaslChallenges) {
  auto challenge = [](std::string_view in) { return feed({in}, false, {}, true); };
  auto r = challenge("+ cj1hYmM=\r\n+OK next\r\n");
  ASSERT_TRUE(r.done);
  EXPECT_TRUE(r.st.continuation);
  EXPECT_FALSE(r.st.ok);
  EXPECT_EQ(r.st.text, "cj1hYmM=");
  EXPECT_EQ(r.left, 10u);
  r = challenge("+\r\n");
  EXPECT_TRUE(r.st.continuation);
  EXPECT_EQ(r.st.text, "");
  r = challenge("+ \r\n");
  EXPECT_TRUE(r.st.continuation);
  EXPECT_EQ(r.st.text, "");
  r = challenge("+OK Logged in.\r\n");
  EXPECT_TRUE(r.st.ok);
  EXPECT_FALSE(r.st.continuation);
  r = challenge("-ERR [AUTH] Authentication failed.\r\n");
  EXPECT_FALSE(r.st.ok);
  EXPECT_FALSE(r.st.continuation);
  EXPECT_EQ(challenge("+x\r\n").ec, error::bad_response);
  EXPECT_EQ(whole("+ cj1hYmM=\r\n", false).ec, error::bad_response);  // not during AUTH
  const std::string_view in = "+ cj1hYmM=\r\n";
  for (std::size_t cut = 0; cut <= in.size(); ++cut) {
    const auto got = feed({in.substr(0, cut), in.substr(cut)}, false, {}, true);
    EXPECT_TRUE(got.done) << "cut " << cut;
    EXPECT_TRUE(got.st.continuation) << "cut " << cut;
    EXPECT_EQ(got.st.text, "cj1hYmM=") << "cut " << cut;
  }
}

TEST(Pop3ClientResponse, SaslData) {
  EXPECT_EQ(sasl_data(""), std::optional<std::string>(""));
  EXPECT_EQ(sasl_data("dj1hYmM="), std::optional<std::string>("v=abc"));
  EXPECT_EQ(sasl_data("dj1hYmM= Logged in."), std::optional<std::string>("v=abc"));
  EXPECT_FALSE(sasl_data("Logged in."));
  EXPECT_FALSE(sasl_data("dj1hYm"));
}

// RFC 7677 §3's exchange as a POP3 server may send it (RFC 5034 §4): the server-first in a
// "+ " challenge and the server-final as data with success on the +OK.
TEST(Pop3ClientResponse, ScramExchange) {
  const std::string server_first = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
  const std::string server_final = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";
  scram::client mech("user", "pencil");
  std::string message;
  ASSERT_FALSE(mech.first(message, "rOprNGfwEbeRWgbNEkqO"));
  const std::string first_line = "+ " + base64_encode(server_first) + "\r\n";
  auto r = feed({first_line}, false, {}, true);
  ASSERT_TRUE(r.st.continuation);
  auto data = sasl_data(r.st.text);
  ASSERT_TRUE(data);
  ASSERT_FALSE(mech.server_first(*data, message));
  const std::string ok_line = "+OK " + base64_encode(server_final) + "\r\n";
  r = feed({ok_line}, false, {}, true);
  ASSERT_TRUE(r.st.ok);
  data = sasl_data(r.st.text);
  ASSERT_TRUE(data);
  EXPECT_FALSE(mech.server_final(*data));
}

}  // namespace
}  // namespace l7::pop3::client
