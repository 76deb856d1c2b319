// The DNS server's synchronous parts: the query pipeline's fast path (engine::answer_now), the
// wire helpers and the response rate limiter. The transports are covered by the interop tests.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "dns/codec/types.hpp"
#include "dns/server/engine.hpp"
#include "dns/server/packet_cache.hpp"
#include "dns/server/rate_limit.hpp"
#include "dns/server/wire.hpp"
#include "dns_test_util.hpp"

namespace l7::dns::server {
namespace {

using testing::make_name;
namespace fs = std::filesystem;

ip_address ip(const char* s) { return *ip_address::parse(s); }

message query(const char* qname, std::uint16_t qtype, bool edns = true) {
  message q;
  q.hdr.id = 4242;
  q.hdr.rd = true;
  q.questions.push_back({make_name(qname), qtype, rr_class::in});
  if (edns) q.opt.emplace();
  return q;
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("l7-engine-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "zones");
    std::ofstream(dir_ / "zones" / "example.test.zone") << "$TTL 300\n"
        "@ IN SOA ns1 host 1 3600 600 86400 60\n"
        "  IN NS ns1\n"
        "ns1 IN A 192.0.2.53\n"
        "www IN A 192.0.2.1\n";
    std::ofstream(dir_ / "hosts") << "192.0.2.77 box.lan\n";
    settings s;
    s.zones_dir = dir_ / "zones";
    s.hosts_file = dir_ / "hosts";
    s.allow_recursion.prefixes.push_back(*ip_prefix::parse("127.0.0.0/8"));
    engine_ = std::make_unique<engine>(s);
    ASSERT_TRUE(engine_->reload(true));
  }
  void TearDown() override { fs::remove_all(dir_); }

  message ask(const message& q, const char* client = "127.0.0.1") {
    auto r = engine_->answer_now(q, {ip(client), transport::udp}, io_.get_executor());
    EXPECT_TRUE(r.has_value());
    return r ? *r : message{};
  }

  fs::path dir_;
  asio::io_context io_;
  std::unique_ptr<engine> engine_;
};

TEST_F(EngineTest, AuthoritativeAnswerEchoesIdQuestionAndEdns) {
  auto r = ask(query("WWW.example.test.", rr_type::a));
  EXPECT_EQ(r.hdr.id, 4242);
  EXPECT_TRUE(r.hdr.qr);
  EXPECT_TRUE(r.hdr.aa);
  EXPECT_TRUE(r.hdr.rd);
  EXPECT_FALSE(r.hdr.ra);  // no upstream configured
  ASSERT_EQ(r.questions.size(), 1u);
  EXPECT_EQ(r.questions[0].qname.to_string(), "WWW.example.test.");
  ASSERT_EQ(r.answers.size(), 1u);
  ASSERT_TRUE(r.opt);
  EXPECT_EQ(r.opt->udp_payload_size, 1232);
}

TEST_F(EngineTest, HostsAnswers) {
  auto r = ask(query("box.lan.", rr_type::a));
  ASSERT_EQ(r.answers.size(), 1u);
  EXPECT_EQ(std::get<a_rdata>(r.answers[0].data).address, ip("192.0.2.77"));
  auto p = ask(query("77.2.0.192.in-addr.arpa.", rr_type::ptr));
  ASSERT_EQ(p.answers.size(), 1u);
}

TEST_F(EngineTest, ErrorsBeforeLookup) {
  auto v = query("www.example.test.", rr_type::a);
  v.opt->version = 1;
  EXPECT_EQ(ask(v).full_rcode(), rcode::badvers);
  auto op = query("www.example.test.", rr_type::a);
  op.hdr.opcode = opcode::status;
  EXPECT_EQ(ask(op).full_rcode(), rcode::notimp);
  auto two = query("www.example.test.", rr_type::a);
  two.questions.push_back(two.questions[0]);
  EXPECT_EQ(ask(two).full_rcode(), rcode::formerr);
  auto none = query("www.example.test.", rr_type::a);
  none.questions.clear();
  EXPECT_EQ(ask(none).full_rcode(), rcode::formerr);
  EXPECT_EQ(ask(query("www.example.test.", rr_type::axfr)).full_rcode(), rcode::refused);
  auto ch = query("version.bind.", rr_type::txt);
  ch.questions[0].qclass = rr_class::ch;
  EXPECT_EQ(ask(ch).full_rcode(), rcode::refused);
}

// A query with every header bit set (RFC 1035 §4.1.1, RFC 4035 §3.2).
message all_flags(message q) {
  q.hdr.aa = q.hdr.tc = q.hdr.rd = q.hdr.ra = q.hdr.z = q.hdr.ad = q.hdr.cd = true;
  return q;
}

// The flag bits of an encoded response: byte 2 (QR, opcode, AA, TC, RD) and byte 3 (RA, Z,
// AD, CD, RCODE).
std::pair<std::uint8_t, std::uint8_t> wire_flags(const message& r) {
  std::vector<std::byte> out;
  encode_response(r, out, 65535);
  return {std::to_integer<std::uint8_t>(out.at(2)), std::to_integer<std::uint8_t>(out.at(3))};
}

TEST_F(EngineTest, OtherOpcodesGetNotimpWithoutQueryFlags) {
  // RD, CD, RA, AA, TC, AD and Z are defined for QUERY only (RFC 6895 §2): a response to any
  // other opcode, known (IQUERY, STATUS, NOTIFY, UPDATE, DSO) or not, carries none of them.
  for (std::uint8_t op = 1; op <= 15; ++op) {
    SCOPED_TRACE(static_cast<int>(op));
    auto q = all_flags(query("www.example.test.", rr_type::a));
    q.hdr.opcode = op;
    auto r = ask(q);
    EXPECT_EQ(r.full_rcode(), rcode::notimp);
    EXPECT_TRUE(r.hdr.qr);
    EXPECT_EQ(r.hdr.opcode, op);
    EXPECT_EQ(r.hdr.id, 4242);
    auto [b2, b3] = wire_flags(r);
    EXPECT_EQ(b2, 0x80 | (op << 3)) << "only QR and the opcode";
    EXPECT_EQ(b3, rcode::notimp) << "no RA, Z, AD or CD";
  }
}

TEST_F(EngineTest, QueryFlagsInResponses) {
  // Authoritative answer to a query with every bit set: RD and CD copied (RFC 1035 §4.1.1,
  // RFC 4035 §3.2.2), AA ours (we are authoritative), TC clear (it fits), Z zero, AD clear
  // (nothing validated, RFC 4035 §3.2.3), RA clear (no recursion configured).
  auto r = ask(all_flags(query("www.example.test.", rr_type::a)));
  EXPECT_EQ(r.full_rcode(), rcode::noerror);
  auto [b2, b3] = wire_flags(r);
  EXPECT_EQ(b2, 0x80 | 0x04 | 0x01) << "QR, AA, RD";
  EXPECT_EQ(b3, 0x10) << "CD only";

  // The same from the hosts table (its names are ours: AA too).
  auto h = ask(all_flags(query("box.lan.", rr_type::a)));
  std::tie(b2, b3) = wire_flags(h);
  EXPECT_EQ(b2, 0x80 | 0x04 | 0x01) << "QR, AA, RD";
  EXPECT_EQ(b3, 0x10) << "CD only";

  // RD and CD clear in the query: clear in the response; AA, TC, Z, AD of the query are
  // never echoed.
  auto q = query("www.example.test.", rr_type::a);
  q.hdr.rd = false;
  q.hdr.tc = q.hdr.z = q.hdr.ad = true;
  auto plain = ask(q);
  std::tie(b2, b3) = wire_flags(plain);
  EXPECT_EQ(b2, 0x80 | 0x04) << "QR, AA";
  EXPECT_EQ(b3, 0x00);

  // An error answer (REFUSED outside our data, from a client that may not recurse) keeps
  // RD and CD and sets nothing else.
  auto refused = ask(all_flags(query("example.org.", rr_type::a)), "192.0.2.9");
  EXPECT_EQ(refused.full_rcode(), rcode::refused);
  std::tie(b2, b3) = wire_flags(refused);
  EXPECT_EQ(b2, 0x80 | 0x01);
  EXPECT_EQ(b3, 0x10 | rcode::refused);
}

TEST_F(EngineTest, NoOpenResolver) {
  // Outside our data, from a client not allowed to recurse: REFUSED with EDE 18 (Prohibited).
  auto r = ask(query("example.org.", rr_type::a), "192.0.2.9");
  EXPECT_EQ(r.full_rcode(), rcode::refused);
  ASSERT_TRUE(r.opt);
  ASSERT_EQ(r.opt->options.size(), 1u);
  std::error_code ec;
  auto ede = parse_extended_error(r.opt->options[0], ec);
  ASSERT_TRUE(ede);
  EXPECT_EQ(ede->info_code, 18);
  // Our own zones still answer such a client.
  EXPECT_EQ(ask(query("www.example.test.", rr_type::a), "192.0.2.9").answers.size(), 1u);
}

TEST_F(EngineTest, ReloadSeesChangedFiles) {
  EXPECT_FALSE(engine_->reload());
  std::ofstream(dir_ / "hosts", std::ios::app) << "192.0.2.78 other.lan\n";
  EXPECT_TRUE(engine_->reload());
  EXPECT_EQ(ask(query("other.lan.", rr_type::a)).answers.size(), 1u);
}

TEST(Wire, UdpBudget) {
  EXPECT_EQ(udp_budget(query("a.", rr_type::a, false), 1232), 512u);
  auto q = query("a.", rr_type::a);
  q.opt->udp_payload_size = 4096;
  EXPECT_EQ(udp_budget(q, 1232), 1232u);
  q.opt->udp_payload_size = 100;  // below 512 counts as 512 (RFC 6891 §6.2.5)
  EXPECT_EQ(udp_budget(q, 1232), 512u);
}

TEST(Wire, FormerrReply) {
  EXPECT_FALSE(formerr_reply(testing::hex("1234 0100 0001")));
  EXPECT_FALSE(formerr_reply(testing::hex("1234 8100 0001 0000 0000 0000")));  // a response
  auto f = formerr_reply(testing::hex("1234 0100 0001 0000 0000 0000 ff"));
  ASSERT_TRUE(f);
  EXPECT_EQ(*f, testing::hex("1234 8101 0000 0000 0000 0000"));
  // Another opcode (15) with every flag: QR and the opcode only, RD not copied.
  auto other = formerr_reply(testing::hex("1234 7fff 0001 0000 0000 0000 ff"));
  ASSERT_TRUE(other);
  EXPECT_EQ(*other, testing::hex("1234 f801 0000 0000 0000 0000"));
}

TEST(Wire, EncodeResponseTruncatesToBudget) {
  message r = query("big.example.", rr_type::a);
  r.hdr.qr = true;
  for (int i = 0; i < 100; ++i)
    r.answers.push_back(make_record(make_name("big.example."), 60,
                                    a_rdata{ip_address::v4({192, 0, 2, static_cast<std::uint8_t>(i)})}));
  std::vector<std::byte> out;
  encode_response(r, out, 512);
  EXPECT_LE(out.size(), 512u);
  message back;
  std::error_code ec;
  decode(out, back, ec);
  ASSERT_FALSE(ec);
  EXPECT_TRUE(back.hdr.tc);
  EXPECT_LT(back.answers.size(), 100u);
}

TEST(PacketCache, PatchesIdAndRespectsGenerationAndRecursion) {
  packet_cache pc(3);
  auto q1 = testing::hex("1111 0100 0001 0000 0000 0000 0161 00 0001 0001");
  auto q2 = testing::hex("2222 0100 0001 0000 0000 0000 0161 00 0001 0001");  // same but the ID
  auto r1 = testing::hex("1111 8500 0001 0000 0000 0000 0161 00 0001 0001");
  EXPECT_EQ(pc.find(q1, false, 7), nullptr);
  pc.store(q1, false, 7, r1);
  const auto* hit = pc.find(q2, false, 7);
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(*hit, testing::hex("2222 8500 0001 0000 0000 0000 0161 00 0001 0001"));
  EXPECT_EQ(pc.find(q2, true, 7), nullptr);   // RA differs for clients that may recurse
  EXPECT_EQ(pc.find(q2, false, 8), nullptr);  // the data was reloaded ...
  EXPECT_EQ(pc.find(q2, false, 7), nullptr);  // ... and the stale entry is gone
  auto upper = testing::hex("3333 0100 0001 0000 0000 0000 0141 00 0001 0001");
  EXPECT_EQ(pc.find(upper, false, 7), nullptr);  // the question's case is part of the key
  EXPECT_EQ(pc.find(testing::hex("1111 0100"), false, 7), nullptr);
  pc.store(q1, false, 7, r1);
  pc.store(upper, false, 7, r1);
  pc.store(q1, true, 7, r1);
  EXPECT_EQ(pc.size(), 3u);
  pc.store(testing::hex("4444 0100 0001 0000 0000 0000 0162 00 0001 0001"), false, 7, r1);
  EXPECT_EQ(pc.size(), 1u);  // full: cleared, then the new entry
}

TEST(PacketCache, AgingEntriesRewriteTtls) {
  using clock = packet_cache::clock;
  // A response with one A record (TTL 300) and an OPT record (its TTL field holds flags).
  message r = query("a.example.", rr_type::a);
  r.hdr.qr = true;
  r.answers.push_back(make_record(make_name("a.example."), 300, a_rdata{ip("192.0.2.1")}));
  std::vector<std::byte> wire;
  ASSERT_FALSE(encode(r, wire));
  auto offsets = ttl_offsets(wire);
  ASSERT_TRUE(offsets);
  ASSERT_EQ(offsets->size(), 1u);  // the OPT record is skipped
  std::vector<std::byte> q;
  ASSERT_FALSE(encode(query("a.example.", rr_type::a), q));
  packet_cache pc;
  const auto t0 = clock::time_point{} + std::chrono::hours(1);
  pc.store_aging(q, true, 1, wire, t0, t0 + std::chrono::seconds(150));
  auto ttl_at = [&](clock::time_point t) -> std::optional<std::uint32_t> {
    const auto* hit = pc.find(q, true, 1, t);
    if (!hit) return std::nullopt;
    message m;
    std::error_code ec;
    decode(*hit, m, ec);
    EXPECT_FALSE(ec);
    return m.answers.at(0).ttl;
  };
  EXPECT_EQ(ttl_at(t0), 300u);
  EXPECT_EQ(ttl_at(t0 + std::chrono::milliseconds(10'999)), 290u);
  EXPECT_EQ(ttl_at(t0 + std::chrono::seconds(149)), 151u);
  EXPECT_EQ(ttl_at(t0 + std::chrono::seconds(150)), std::nullopt);  // expired: back to the slow path
  // Octets that do not parse are not stored.
  pc.store_aging(q, true, 1, testing::hex("1234 8180 0000 0001 0000 0000 01"), t0,
                 t0 + std::chrono::seconds(10));
  EXPECT_EQ(pc.find(q, true, 1, t0), nullptr);
  EXPECT_FALSE(ttl_offsets(testing::hex("1234 8180 0000 0001 0000 0000 01")));
}

TEST(RateLimit, BucketSlipAndRefill) {
  using clock = rate_limiter::clock;
  ip_acl exempt;
  exempt.prefixes.push_back(*ip_prefix::parse("127.0.0.0/8"));
  rate_limiter rl(3, 2, exempt);
  const auto t0 = clock::time_point{} + std::chrono::hours(1);
  const auto a = ip("198.51.100.7");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(rl.check(a, t0), rate_limiter::verdict::send);
  EXPECT_EQ(rl.check(a, t0), rate_limiter::verdict::drop);
  EXPECT_EQ(rl.check(a, t0), rate_limiter::verdict::slip);  // every 2nd limited one
  EXPECT_EQ(rl.check(a, t0), rate_limiter::verdict::drop);
  // The same /24 shares the bucket; another prefix has its own.
  EXPECT_NE(rl.check(ip("198.51.100.8"), t0), rate_limiter::verdict::send);
  EXPECT_EQ(rl.check(ip("198.51.101.8"), t0), rate_limiter::verdict::send);
  // A third of a second later one token is back.
  EXPECT_EQ(rl.check(a, t0 + std::chrono::milliseconds(340)), rate_limiter::verdict::send);
  EXPECT_NE(rl.check(a, t0 + std::chrono::milliseconds(340)), rate_limiter::verdict::send);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(rl.check(ip("127.0.0.1"), t0), rate_limiter::verdict::send);
  rate_limiter off(0, 2, {});
  for (int i = 0; i < 10; ++i) EXPECT_EQ(off.check(a, t0), rate_limiter::verdict::send);
}

}  // namespace
}  // namespace l7::dns::server
