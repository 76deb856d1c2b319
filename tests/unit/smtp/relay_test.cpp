// The relay's sans-I/O parts (MX choice, backoff, status codes, DSNs) and its disk queue.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "dns/codec/message.hpp"
#include "dns/codec/types.hpp"
#include "mail/codec/mime.hpp"
#include "smtp/codec/command.hpp"
#include "smtp/relay/dsn.hpp"
#include "smtp/relay/queue.hpp"
#include "smtp/relay/route.hpp"

namespace l7::smtp::relay {
namespace {

namespace fs = std::filesystem;

dns::name dn(const char* text) {
  std::error_code ec;
  auto n = dns::name::parse(text, ec);
  EXPECT_FALSE(ec) << text;
  return n;
}

dns::resource_record mx(const char* owner, std::uint16_t pref, const char* exchange) {
  return dns::make_record(dn(owner), 300, dns::mx_rdata{pref, dn(exchange)});
}

dns::message response(std::uint16_t rcode = dns::rcode::noerror) {
  dns::message m;
  m.hdr.qr = true;
  m.set_rcode(rcode);
  return m;
}

std::uint32_t zero() { return 0; }

TEST(RelayRoute, MxHostsAreOrderedByPreference) {
  auto r = response();
  r.answers = {mx("example.com.", 20, "b.example.com."), mx("example.com.", 10, "A.Example.com."),
               mx("example.com.", 30, "c.example.net.")};
  const auto out = mx_hosts(r, "example.com", zero);
  ASSERT_EQ(out.outcome, mx_outcome::hosts);
  EXPECT_EQ(out.hosts, (std::vector<mx_host>{{"a.example.com", 10}, {"b.example.com", 20}, {"c.example.net", 30}}));
}

TEST(RelayRoute, EqualPreferencesAreShuffledButStayTogether) {
  auto r = response();
  r.answers = {mx("x.", 10, "a.x."), mx("x.", 10, "b.x."), mx("x.", 5, "first.x."), mx("x.", 10, "c.x.")};
  std::set<std::string> seconds;
  std::uint32_t state = 1;
  for (int i = 0; i < 64; ++i) {
    const auto out = mx_hosts(r, "x", [&state] { return state = state * 1103515245u + 12345u; });
    ASSERT_EQ(out.hosts.size(), 4u);
    EXPECT_EQ(out.hosts[0].name, "first.x");
    for (std::size_t k = 1; k < 4; ++k) EXPECT_EQ(out.hosts[k].preference, 10);
    seconds.insert(out.hosts[1].name);
  }
  EXPECT_GT(seconds.size(), 1u);  // not always the same order
}

TEST(RelayRoute, NoMxMeansTheDomainItself) {
  const auto out = mx_hosts(response(), "Example.ORG", zero);  // NODATA
  ASSERT_EQ(out.outcome, mx_outcome::hosts);
  EXPECT_EQ(out.hosts, (std::vector<mx_host>{{"example.org", 0}}));
}

TEST(RelayRoute, NullMxNxdomainAndServfail) {
  auto r = response();
  r.answers = {mx("example.com.", 0, ".")};
  EXPECT_EQ(mx_hosts(r, "example.com", zero).outcome, mx_outcome::null_mx);
  // A null MX beside real ones is ignored (RFC 7505 §3: misconfigured).
  r.answers.push_back(mx("example.com.", 10, "mx.example.com."));
  auto mixed = mx_hosts(r, "example.com", zero);
  ASSERT_EQ(mixed.outcome, mx_outcome::hosts);
  EXPECT_EQ(mixed.hosts.size(), 1u);
  EXPECT_EQ(mx_hosts(response(dns::rcode::nxdomain), "nope.test", zero).outcome, mx_outcome::no_domain);
  EXPECT_EQ(mx_hosts(response(dns::rcode::servfail), "x.test", zero).outcome, mx_outcome::temporary);
  EXPECT_EQ(mx_hosts(response(dns::rcode::refused), "x.test", zero).outcome, mx_outcome::temporary);
}

TEST(RelayRoute, AddressesOfTheAnswerSection) {
  auto r = response();
  r.answers = {dns::make_record(dn("alias.x."), 60, dns::cname_rdata{dn("mx.x.")}),
               dns::make_record(dn("mx.x."), 60, dns::a_rdata{*ip_address::parse("192.0.2.7")}),
               dns::make_record(dn("mx.x."), 60, dns::a_rdata{*ip_address::parse("192.0.2.8")})};
  EXPECT_EQ(addresses_of(r, dns::rr_type::a),
            (std::vector<ip_address>{*ip_address::parse("192.0.2.7"), *ip_address::parse("192.0.2.8")}));
  EXPECT_TRUE(addresses_of(r, dns::rr_type::aaaa).empty());
  EXPECT_TRUE(addresses_of(response(dns::rcode::servfail), dns::rr_type::a).empty());
}

TEST(RelayRoute, BackoffDoublesUpToTheMaximum) {
  using std::chrono::seconds;
  EXPECT_EQ(backoff(1, seconds(300), seconds(3600)), seconds(300));
  EXPECT_EQ(backoff(2, seconds(300), seconds(3600)), seconds(600));
  EXPECT_EQ(backoff(4, seconds(300), seconds(3600)), seconds(2400));
  EXPECT_EQ(backoff(5, seconds(300), seconds(3600)), seconds(3600));
  EXPECT_EQ(backoff(500, seconds(300), seconds(3600)), seconds(3600));
}

TEST(RelayRoute, EnhancedStatusFromTheReplyOrItsClass) {
  EXPECT_EQ(enhanced_status({550, {"5.1.1 <x@y>: Recipient address rejected"}}), "5.1.1");
  EXPECT_EQ(enhanced_status({451, {"4.7.1 Greylisted"}}), "4.7.1");
  EXPECT_EQ(enhanced_status({550, {"No such user"}}), "5.0.0");
  EXPECT_EQ(enhanced_status({450, {"5.1.1 class does not match"}}), "4.0.0");
  EXPECT_EQ(enhanced_status({550, {"5.1234.1 too long"}}), "5.0.0");
  EXPECT_EQ(enhanced_status({250, {"2.0.0 Ok: queued as X"}}), "2.0.0");
  EXPECT_EQ(reply_line({550, {"5.1.1 a\tb", "second"}}), "550 5.1.1 a b second");
  EXPECT_EQ(domain_of("Me+tag@Example.COM"), "example.com");
  EXPECT_EQ(domain_of("postmaster"), "");
}

queue_entry sample_entry() {
  queue_entry e;
  e.id = "ABC123";
  e.from = "alice@example.test";
  e.ret = "HDRS";
  e.envid = "env-42";
  e.arrival = 1'700'000'000;
  e.next_attempt = 1'700'000'300;
  e.attempts = 1;
  queued_recipient r;
  r.address = "bob@remote.test";
  r.notify = notify_failure | notify_delay;
  r.orcpt = "rfc822;Bob@remote.test";
  r.state = rcpt_state::failed;
  r.status = "5.1.1";
  r.diagnostic = "550 5.1.1 <bob@remote.test>: User unknown";
  r.remote = "mx.remote.test[192.0.2.1]:25";
  r.passed_on = true;
  e.recipients.push_back(r);
  queued_recipient r2;
  r2.address = "carol@other.test";
  e.recipients.push_back(r2);
  return e;
}

TEST(RelayQueue, EnvelopeRoundTripsThroughJson) {
  const auto e = sample_entry();
  queue_entry back;
  ASSERT_TRUE(from_json(to_json(e), back));
  EXPECT_EQ(back, e);
  EXPECT_FALSE(from_json("{}", back));
  EXPECT_FALSE(from_json("not json", back));
  auto bad = to_json(e);
  bad.replace(bad.find("ABC123"), 6, "../../x");
  EXPECT_FALSE(from_json(bad, back));  // an id is never a path
  EXPECT_FALSE(valid_id(""));
  EXPECT_FALSE(valid_id("abc"));
  EXPECT_TRUE(valid_id("0123456789BCDFGH"));
}

TEST(RelayQueue, DoneOnlyWhenNothingPendingAndEverythingReported) {
  auto e = sample_entry();
  EXPECT_FALSE(e.done());
  e.recipients[1].state = rcpt_state::delivered;
  EXPECT_FALSE(e.done());
  for (auto& r : e.recipients) r.reported = true;
  EXPECT_TRUE(e.done());
}

class RelayQueueFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("l7-relay-queue-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(RelayQueueFiles, AddUpdateLoadRemove) {
  queue q(dir_);
  EXPECT_TRUE(q.load().empty());  // no directory yet
  auto e = sample_entry();
  ASSERT_FALSE(q.add(e, "Subject: hi\r\n\r\nbody\r\n"));
  EXPECT_EQ((fs::status(dir_).permissions() & fs::perms::all), fs::perms::owner_all);
  std::string m;
  ASSERT_FALSE(q.read_message(e.id, m));
  EXPECT_EQ(m, "Subject: hi\r\n\r\nbody\r\n");
  e.attempts = 2;
  e.recipients[1].state = rcpt_state::delivered;
  ASSERT_FALSE(q.update(e));
  auto loaded = q.load();
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0], e);
  ASSERT_FALSE(q.remove(e.id));
  EXPECT_TRUE(q.load().empty());
  EXPECT_FALSE(fs::exists(dir_ / "ABC123.eml"));
}

TEST_F(RelayQueueFiles, OrphansAreDeletedAndCorruptFilesSetAside) {
  queue q(dir_);
  auto good = sample_entry();
  ASSERT_FALSE(q.add(good, "m1\r\n"));
  // A crash after the message and before the envelope: never acknowledged.
  { std::ofstream(dir_ / "ORPHAN1.eml") << "half"; }
  // An interrupted envelope rewrite.
  { std::ofstream(dir_ / "ABC123.json.tmp") << "{"; }
  // An envelope that does not parse, and one whose message is missing.
  { std::ofstream(dir_ / "BAD1.json") << "{\"version\":1"; }
  { std::ofstream(dir_ / "BAD1.eml") << "x"; }
  auto lost = sample_entry();
  lost.id = "LOST1";
  { std::ofstream(dir_ / "LOST1.json") << to_json(lost); }
  std::vector<std::string> problems;
  auto loaded = q.load(&problems);
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].id, "ABC123");
  EXPECT_EQ(problems.size(), 3u);
  EXPECT_FALSE(fs::exists(dir_ / "ORPHAN1.eml"));
  EXPECT_FALSE(fs::exists(dir_ / "ABC123.json.tmp"));
  EXPECT_TRUE(fs::exists(dir_ / "corrupt" / "BAD1.json"));
  EXPECT_TRUE(fs::exists(dir_ / "corrupt" / "BAD1.eml"));
  EXPECT_TRUE(fs::exists(dir_ / "corrupt" / "LOST1.json"));
  EXPECT_EQ(q.load().size(), 1u);  // a second load finds nothing more to fix
}

const std::string original =
    "Received: from a by b; Tue, 1 Dec 2026 10:00:00 +0000\r\n"
    "From: alice@example.test\r\nTo: bob@remote.test\r\nSubject: hello\r\n\r\nline one\r\n.dot line\r\n";

mail::mime_message parse_dsn(const std::string& text) {
  std::error_code ec;
  auto m = mail::parse_mime(text, mail::mime_limits{}, ec);
  EXPECT_FALSE(ec) << ec.message();
  return m;
}

TEST(RelayDsn, FailedReportHasTheThreeParts) {
  auto e = sample_entry();
  e.ret = "";  // the whole message comes back
  dsn_request r;
  r.reporting_mta = "mx.example.test";
  r.entry = &e;
  r.recipients = {&e.recipients[0]};
  r.original = original;
  r.now = 1'700'000'600;
  r.boundary = "b0undary";
  const auto text = build_dsn(r);
  EXPECT_NE(text.find("From: Mail Delivery System <MAILER-DAEMON@mx.example.test>\r\n"), std::string::npos);
  EXPECT_NE(text.find("To: <alice@example.test>\r\n"), std::string::npos);
  EXPECT_NE(text.find("Auto-Submitted: auto-replied\r\n"), std::string::npos);
  EXPECT_NE(text.find("multipart/report; report-type=delivery-status"), std::string::npos);
  EXPECT_NE(text.find("Reporting-MTA: dns; mx.example.test\r\n"), std::string::npos);
  EXPECT_NE(text.find("Original-Envelope-Id: env-42\r\n"), std::string::npos);
  EXPECT_NE(text.find("Original-Recipient: rfc822; Bob@remote.test\r\n"), std::string::npos);
  EXPECT_NE(text.find("Final-Recipient: rfc822; bob@remote.test\r\n"), std::string::npos);
  EXPECT_NE(text.find("Action: failed\r\nStatus: 5.1.1\r\n"), std::string::npos);
  EXPECT_NE(text.find("Remote-MTA: dns; mx.remote.test\r\n"), std::string::npos);
  EXPECT_NE(text.find("Diagnostic-Code: smtp; 550 5.1.1 <bob@remote.test>: User unknown\r\n"), std::string::npos);
  EXPECT_EQ(text.find("carol@"), std::string::npos);  // only the recipients asked for
  const auto mime = parse_dsn(text);
  ASSERT_FALSE(mime.parts.empty());
  const auto& root = mime.parts[0];
  EXPECT_EQ(root.subtype, "report");
  ASSERT_EQ(root.children.size(), 3u);
  EXPECT_EQ(mime.parts[root.children[1]].subtype, "delivery-status");
  EXPECT_EQ(mime.parts[root.children[2]].type, "message");
  EXPECT_EQ(mime.parts[root.children[2]].subtype, "rfc822");
  EXPECT_NE(text.find("\r\n.dot line\r\n"), std::string::npos);  // the original, unchanged
}

TEST(RelayDsn, HeadersOnlyForRetHdrsAndLargeMessagesAndGlobalForUtf8) {
  auto e = sample_entry();  // RET=HDRS
  dsn_request r;
  r.reporting_mta = "mx.example.test";
  r.entry = &e;
  r.recipients = {&e.recipients[0]};
  r.original = original;
  r.boundary = "b";
  auto text = build_dsn(r);
  EXPECT_NE(text.find("Content-Type: text/rfc822-headers\r\n"), std::string::npos);
  EXPECT_EQ(text.find("line one"), std::string::npos);
  e.ret = "FULL";
  r.full_limit = 10;  // a large message: headers only, whatever RET says
  text = build_dsn(r);
  EXPECT_EQ(text.find("line one"), std::string::npos);
  e.smtputf8 = true;
  e.recipients[0].address = "bjørn@remote.test";
  text = build_dsn(r);
  EXPECT_NE(text.find("report-type=global-delivery-status"), std::string::npos);
  EXPECT_NE(text.find("Content-Type: message/global-headers\r\n"), std::string::npos);
  EXPECT_NE(text.find("Final-Recipient: utf-8; bjørn@remote.test\r\n"), std::string::npos);
}

TEST(RelayDsn, DelayedReportAndNotifyRules) {
  auto e = sample_entry();
  e.recipients[1].status = "4.4.1";
  e.recipients[1].diagnostic = "mx.other.test[192.0.2.9]:25: Connection refused";
  dsn_request r;
  r.reporting_mta = "h";
  r.entry = &e;
  r.recipients = {&e.recipients[1]};
  r.action = dsn_action::delayed;
  r.original = original;
  r.boundary = "b";
  const auto text = build_dsn(r);
  EXPECT_NE(text.find("Action: delayed\r\nStatus: 4.4.1\r\n"), std::string::npos);
  EXPECT_NE(text.find("Diagnostic-Code: x-l7; mx.other.test"), std::string::npos);
  queued_recipient q;
  EXPECT_TRUE(wants_dsn(q, dsn_action::failed));  // no NOTIFY: failures only
  EXPECT_FALSE(wants_dsn(q, dsn_action::delayed));
  q.notify = notify_never;
  EXPECT_FALSE(wants_dsn(q, dsn_action::failed));
  q.notify = notify_success;
  EXPECT_FALSE(wants_dsn(q, dsn_action::failed));
  EXPECT_TRUE(wants_dsn(q, dsn_action::relayed));
  q.notify = notify_failure | notify_delay;
  EXPECT_TRUE(wants_dsn(q, dsn_action::failed));
  EXPECT_TRUE(wants_dsn(q, dsn_action::delayed));
  EXPECT_FALSE(wants_dsn(q, dsn_action::relayed));
}

TEST(RelayDsn, RelayedNoticeForNotifySuccess) {
  auto e = sample_entry();
  e.recipients[1].state = rcpt_state::delivered;
  e.recipients[1].status = "2.0.0";
  e.recipients[1].diagnostic = "250 2.0.0 Ok: queued as X";
  e.recipients[1].remote = "mx.other.test[192.0.2.9]:25";
  dsn_request r;
  r.reporting_mta = "h";
  r.entry = &e;
  r.recipients = {&e.recipients[1]};
  r.action = dsn_action::relayed;
  r.original = original;
  r.boundary = "b";
  const auto text = build_dsn(r);
  EXPECT_NE(text.find("Subject: Successful Mail Delivery Report\r\n"), std::string::npos);
  EXPECT_NE(text.find("Action: relayed\r\nStatus: 2.0.0\r\n"), std::string::npos);
  EXPECT_NE(text.find("Remote-MTA: dns; mx.other.test\r\n"), std::string::npos);
}

}  // namespace
}  // namespace l7::smtp::relay
