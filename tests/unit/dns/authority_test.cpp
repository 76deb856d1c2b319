// The authoritative lookup (RFC 1034 §4.3.2, RFC 2308, RFC 4592, RFC 6672, RFC 8482) and the
// hosts table, on zones built from records in the test.
#include "dns/auth/authority.hpp"

#include <gtest/gtest.h>

#include "dns/auth/hosts_table.hpp"
#include "dns/codec/types.hpp"
#include "dns_test_util.hpp"

namespace l7::dns::auth {
namespace {

using testing::make_name;

ip_address ip(const char* s) { return *ip_address::parse(s); }

resource_record rr(const char* owner, std::uint32_t ttl, rdata d) {
  return make_record(make_name(owner), ttl, std::move(d));
}

std::vector<resource_record> example_records() {
  return {
      rr("example.", 3600, soa_rdata{make_name("ns1.example."), make_name("admin.example."), 7,
                                     3600, 600, 86400, 300}),
      rr("example.", 3600, ns_rdata{make_name("ns1.example.")}),
      rr("ns1.example.", 3600, a_rdata{ip("192.0.2.53")}),
      rr("www.example.", 300, a_rdata{ip("192.0.2.1")}),
      rr("www.example.", 300, a_rdata{ip("192.0.2.2")}),
      rr("www.example.", 300, aaaa_rdata{ip("2001:db8::1")}),
      rr("alias.example.", 60, cname_rdata{make_name("www.example.")}),
      rr("chain.example.", 60, cname_rdata{make_name("alias.example.")}),
      rr("outside.example.", 60, cname_rdata{make_name("www.elsewhere.")}),
      rr("loop1.example.", 60, cname_rdata{make_name("loop2.example.")}),
      rr("loop2.example.", 60, cname_rdata{make_name("loop1.example.")}),
      rr("example.", 300, mx_rdata{10, make_name("mail.example.")}),
      rr("mail.example.", 300, a_rdata{ip("192.0.2.25")}),
      rr("a.b.c.example.", 300, txt_rdata{{"deep"}}),
      rr("*.wild.example.", 120, a_rdata{ip("192.0.2.99")}),
      rr("*.wild.example.", 120, txt_rdata{{"wildcard"}}),
      rr("host.wild.example.", 120, a_rdata{ip("192.0.2.100")}),
      rr("*.walias.example.", 120, cname_rdata{make_name("www.example.")}),
      rr("sub.example.", 86400, ns_rdata{make_name("ns.sub.example.")}),
      rr("sub.example.", 86400, ns_rdata{make_name("ns.other.")}),
      rr("ns.sub.example.", 86400, a_rdata{ip("192.0.2.153")}),
      rr("sub.example.", 3600, ds_rdata{12345, 8, 2, std::vector<std::byte>(32, std::byte{1})}),
      rr("dn.example.", 300, dname_rdata{make_name("www.")}),
  };
}

zone make_zone(std::vector<resource_record> records, const char* origin = "example.") {
  std::string error;
  auto z = zone::build(make_name(origin), std::move(records), error);
  EXPECT_TRUE(z) << error;
  return std::move(*z);
}

authority example_authority() {
  authority a;
  a.add(make_zone(example_records()));
  // A second zone that the first one's CNAMEs can reach.
  a.add(make_zone({rr("www.", 3600, soa_rdata{make_name("ns.www."), make_name("h.www."), 1, 2, 3, 4, 5}),
                   rr("www.", 3600, ns_rdata{make_name("ns.www.")}),
                   rr("x.www.", 30, a_rdata{ip("198.51.100.7")})},
                  "www."));
  return a;
}

message ask(const authority& a, const char* qname, std::uint16_t qtype, lookup_options o = {}) {
  message m;
  EXPECT_TRUE(a.answer(question{make_name(qname), qtype, rr_class::in}, m, o)) << qname;
  return m;
}

TEST(Authority, PositiveAnswerIsAuthoritative) {
  auto a = example_authority();
  auto m = ask(a, "WWW.Example.", rr_type::a);
  EXPECT_TRUE(m.hdr.aa);
  EXPECT_EQ(m.hdr.rcode, rcode::noerror);
  ASSERT_EQ(m.answers.size(), 2u);
  EXPECT_EQ(m.answers[0].ttl, 300u);
  EXPECT_TRUE(m.authority.empty());
}

TEST(Authority, NxdomainCarriesSoaWithMinimumTtl) {
  auto a = example_authority();
  auto m = ask(a, "nope.example.", rr_type::a);
  EXPECT_EQ(m.hdr.rcode, rcode::nxdomain);
  EXPECT_TRUE(m.hdr.aa);
  ASSERT_EQ(m.authority.size(), 1u);
  EXPECT_EQ(m.authority[0].type, rr_type::soa);
  EXPECT_EQ(m.authority[0].ttl, 300u);  // min(SOA TTL 3600, MINIMUM 300), RFC 2308 §3
}

TEST(Authority, NodataForMissingTypeAndEmptyNonTerminal) {
  auto a = example_authority();
  auto m = ask(a, "www.example.", rr_type::mx);
  EXPECT_EQ(m.hdr.rcode, rcode::noerror);
  EXPECT_TRUE(m.answers.empty());
  ASSERT_EQ(m.authority.size(), 1u);
  EXPECT_EQ(m.authority[0].type, rr_type::soa);
  // b.c.example. has no records but a descendant: it exists (RFC 4592 §2.2.2).
  auto ent = ask(a, "c.example.", rr_type::a);
  EXPECT_EQ(ent.hdr.rcode, rcode::noerror);
  EXPECT_EQ(ent.authority.size(), 1u);
}

TEST(Authority, CnameChainInsideAndAcrossZones) {
  auto a = example_authority();
  auto m = ask(a, "chain.example.", rr_type::a);
  ASSERT_EQ(m.answers.size(), 4u);  // chain -> alias -> www (2 A)
  EXPECT_EQ(m.answers[0].type, rr_type::cname);
  EXPECT_EQ(m.answers[1].type, rr_type::cname);
  EXPECT_EQ(m.answers[2].type, rr_type::a);
  // CNAME query returns the CNAME itself.
  auto c = ask(a, "alias.example.", rr_type::cname);
  ASSERT_EQ(c.answers.size(), 1u);
  // A target outside every zone ends the chain with just the CNAME.
  auto o = ask(a, "outside.example.", rr_type::a);
  ASSERT_EQ(o.answers.size(), 1u);
  EXPECT_EQ(o.hdr.rcode, rcode::noerror);
}

TEST(Authority, CnameLoopStops) {
  auto a = example_authority();
  auto m = ask(a, "loop1.example.", rr_type::a);
  EXPECT_EQ(m.answers.size(), 2u);
  EXPECT_EQ(m.hdr.rcode, rcode::noerror);
}

TEST(Authority, ReferralWithGlueIsNotAuthoritative) {
  auto a = example_authority();
  auto m = ask(a, "deep.host.sub.example.", rr_type::a);
  EXPECT_FALSE(m.hdr.aa);
  EXPECT_TRUE(m.answers.empty());
  ASSERT_EQ(m.authority.size(), 2u);
  EXPECT_EQ(m.authority[0].type, rr_type::ns);
  ASSERT_EQ(m.additional.size(), 1u);  // glue only for the in-zone name server
  EXPECT_EQ(std::get<a_rdata>(m.additional[0].data).address, ip("192.0.2.153"));
  // NS at the cut is a referral too; DS at the cut is answered by the parent (RFC 4035 §3.1.4.1).
  EXPECT_FALSE(ask(a, "sub.example.", rr_type::ns).hdr.aa);
  auto ds = ask(a, "sub.example.", rr_type::ds);
  EXPECT_TRUE(ds.hdr.aa);
  ASSERT_EQ(ds.answers.size(), 1u);
  EXPECT_EQ(ds.answers[0].type, rr_type::ds);
}

TEST(Authority, WildcardSynthesis) {
  auto a = example_authority();
  auto m = ask(a, "anything.wild.example.", rr_type::a);
  ASSERT_EQ(m.answers.size(), 1u);
  EXPECT_EQ(m.answers[0].owner, make_name("anything.wild.example."));
  EXPECT_EQ(std::get<a_rdata>(m.answers[0].data).address, ip("192.0.2.99"));
  // Deeper names match the same wildcard (closest encloser wild.example.).
  EXPECT_EQ(ask(a, "x.y.wild.example.", rr_type::txt).answers.size(), 1u);
  // An existing name is not covered by the wildcard (RFC 4592 §2.2.1) ...
  auto h = ask(a, "host.wild.example.", rr_type::txt);
  EXPECT_TRUE(h.answers.empty());
  EXPECT_EQ(h.hdr.rcode, rcode::noerror);
  // ... and neither is a name below an existing one (closest encloser host.wild.example.).
  EXPECT_EQ(ask(a, "sub.host.wild.example.", rr_type::a).hdr.rcode, rcode::nxdomain);
  // Wildcard NODATA.
  auto nd = ask(a, "q.wild.example.", rr_type::mx);
  EXPECT_TRUE(nd.answers.empty());
  EXPECT_EQ(nd.hdr.rcode, rcode::noerror);
  // A wildcard CNAME is followed.
  auto wc = ask(a, "z.walias.example.", rr_type::a);
  ASSERT_EQ(wc.answers.size(), 3u);
  EXPECT_EQ(wc.answers[0].owner, make_name("z.walias.example."));
}

TEST(Authority, DnameSubstitution) {
  auto a = example_authority();
  auto m = ask(a, "x.dn.example.", rr_type::a);
  ASSERT_EQ(m.answers.size(), 3u);  // DNAME, synthesised CNAME, then x.www. A from the 2nd zone
  EXPECT_EQ(m.answers[0].type, rr_type::dname);
  EXPECT_EQ(m.answers[1].type, rr_type::cname);
  EXPECT_EQ(std::get<cname_rdata>(m.answers[1].data).target, make_name("x.www."));
  EXPECT_EQ(m.answers[2].type, rr_type::a);
}

TEST(Authority, AnyPerRfc8482) {
  auto a = example_authority();
  EXPECT_EQ(ask(a, "www.example.", rr_type::any).answers.size(), 2u);  // one RRset: the A set
  EXPECT_EQ(ask(a, "www.example.", rr_type::any, {.full_any = true}).answers.size(), 3u);
}

TEST(Authority, AdditionalAddressesForMx) {
  auto a = example_authority();
  auto m = ask(a, "example.", rr_type::mx);
  ASSERT_EQ(m.answers.size(), 1u);
  ASSERT_EQ(m.additional.size(), 1u);
  EXPECT_EQ(m.additional[0].owner, make_name("mail.example."));
}

TEST(Authority, NotAuthoritativeOutsideZones) {
  auto a = example_authority();
  message m;
  EXPECT_FALSE(a.answer(question{make_name("example.org."), rr_type::a, rr_class::in}, m));
  EXPECT_EQ(a.find_zone(make_name("deep.x.www."))->origin(), make_name("www."));
}

TEST(Zone, BuildRejectsBadData) {
  std::string error;
  auto soa = rr("z.", 60, soa_rdata{make_name("ns.z."), make_name("h.z."), 1, 2, 3, 4, 5});
  auto ns = rr("z.", 60, ns_rdata{make_name("ns.z.")});
  EXPECT_FALSE(zone::build(make_name("z."), {ns}, error));
  EXPECT_NE(error.find("no SOA"), std::string::npos);
  EXPECT_FALSE(zone::build(make_name("z."), {soa}, error));
  EXPECT_NE(error.find("no NS"), std::string::npos);
  EXPECT_FALSE(zone::build(make_name("z."), {soa, ns, rr("other.", 60, a_rdata{ip("192.0.2.1")})}, error));
  EXPECT_NE(error.find("outside"), std::string::npos);
  EXPECT_FALSE(zone::build(make_name("z."),
                           {soa, ns, rr("a.z.", 60, cname_rdata{make_name("b.z.")}),
                            rr("a.z.", 60, a_rdata{ip("192.0.2.1")})},
                           error));
  EXPECT_NE(error.find("CNAME and other data"), std::string::npos);
}

TEST(Zone, DuplicatesDroppedAndTtlsUnified) {
  std::string error;
  std::vector<std::string> warnings;
  auto z = zone::build(make_name("z."),
                       {rr("z.", 60, soa_rdata{make_name("ns.z."), make_name("h.z."), 1, 2, 3, 4, 5}),
                        rr("z.", 60, ns_rdata{make_name("ns.z.")}),
                        rr("a.z.", 60, a_rdata{ip("192.0.2.1")}),
                        rr("a.z.", 60, a_rdata{ip("192.0.2.1")}),
                        rr("a.z.", 30, a_rdata{ip("192.0.2.2")})},
                       error, &warnings);
  ASSERT_TRUE(z) << error;
  EXPECT_EQ(z->record_count(), 4u);
  EXPECT_EQ(z->find(make_name("a.z."), rr_type::a)->ttl, 30u);
  EXPECT_EQ(warnings.size(), 2u);
}

TEST(Zone, TransferStartsAndEndsWithSoa) {
  auto z = make_zone(example_records());
  auto recs = z.transfer_records();
  ASSERT_GE(recs.size(), 3u);
  EXPECT_EQ(recs.front().type, rr_type::soa);
  EXPECT_EQ(recs.back().type, rr_type::soa);
  EXPECT_EQ(recs.size(), z.record_count() + 1);
  // Canonical order: the apex's records come first after the SOA.
  EXPECT_EQ(recs[1].owner, make_name("example."));
}

TEST(Hosts, ForwardAndReverse) {
  hosts_table h;
  h.add(ip("192.0.2.10"), make_name("box.lan."));
  h.add(ip("192.0.2.10"), make_name("alias.lan."));
  h.add(ip("2001:db8::10"), make_name("box.lan."));
  message m;
  ASSERT_TRUE(h.answer(question{make_name("BOX.lan."), rr_type::a, rr_class::in}, m, 60));
  ASSERT_EQ(m.answers.size(), 1u);
  EXPECT_TRUE(m.hdr.aa);
  message v6;
  ASSERT_TRUE(h.answer(question{make_name("box.lan."), rr_type::aaaa, rr_class::in}, v6, 60));
  EXPECT_EQ(v6.answers.size(), 1u);
  message nodata;  // alias has no IPv6: NODATA, still answered from hosts
  ASSERT_TRUE(h.answer(question{make_name("alias.lan."), rr_type::aaaa, rr_class::in}, nodata, 60));
  EXPECT_TRUE(nodata.answers.empty());
  message mx;
  EXPECT_FALSE(h.answer(question{make_name("box.lan."), rr_type::mx, rr_class::in}, mx, 60));
  message ptr;
  ASSERT_TRUE(h.answer(question{make_name("10.2.0.192.in-addr.arpa."), rr_type::ptr, rr_class::in}, ptr, 60));
  EXPECT_EQ(std::get<ptr_rdata>(ptr.answers.at(0).data).target, make_name("box.lan."));
  message ptr6;
  ASSERT_TRUE(h.answer(question{reverse_name(ip("2001:db8::10")), rr_type::ptr, rr_class::in}, ptr6, 60));
}

TEST(Hosts, ReverseNames) {
  EXPECT_EQ(reverse_name(ip("192.0.2.1")).to_string(), "1.2.0.192.in-addr.arpa.");
  EXPECT_EQ(reverse_name(ip("::ffff:192.0.2.1")).to_string(), "1.2.0.192.in-addr.arpa.");
  EXPECT_EQ(reverse_name(ip("2001:db8::567:89ab")).to_string(),
            "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.");
  EXPECT_EQ(address_from_reverse(reverse_name(ip("2001:db8::567:89ab"))), ip("2001:db8::567:89ab"));
  // RFC 3596 §2.5's own example.
  EXPECT_EQ(reverse_name(ip("4321:0:1:2:3:4:567:89ab")).to_string(),
            "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa.");
  EXPECT_EQ(address_from_reverse(make_name("1.2.0.192.in-addr.arpa.")), ip("192.0.2.1"));
  EXPECT_FALSE(address_from_reverse(make_name("2.0.192.in-addr.arpa.")));
  EXPECT_FALSE(address_from_reverse(make_name("01.2.0.192.in-addr.arpa.")));
}

}  // namespace
}  // namespace l7::dns::auth
