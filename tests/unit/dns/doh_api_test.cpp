// The JSON API (/resolve) and HTTPDNS (/d): parameters to queries, responses to text.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "dns/codec/types.hpp"
#include "dns/doh/httpdns.hpp"
#include "dns/doh/json_api.hpp"
#include "doh_test_util.hpp"
#include "dns_test_util.hpp"

namespace l7::dns::doh {
namespace {

using dns::testing::make_name;
using namespace dns::doh_testing;
using json = nlohmann::json;

aaaa_rdata v6(std::string_view text) { return {*ip_address::parse(text)}; }
std::optional<client_subnet> ecs_of(const message& q) {
  if (!q.opt) return std::nullopt;
  for (const auto& o : q.opt->options) {
    std::error_code ec;
    if (o.code == option_code::client_subnet) return parse_client_subnet(o, ec);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------- JSON request

message json_query(std::string_view q) {
  auto m = parse_json_request(params(q));
  EXPECT_TRUE(m) << q << ": " << (m ? "" : m.error().message);
  return m ? *m : message{};
}
std::string json_error(std::string_view q) {
  auto m = parse_json_request(params(q));
  EXPECT_FALSE(m) << q;
  if (m) return {};
  EXPECT_EQ(m.error().status, 400);
  return m.error().message;
}

TEST(DohJsonRequest, NameAndTypeWithDefaults) {
  const auto q = json_query("name=example.com");
  ASSERT_EQ(q.questions.size(), 1u);
  EXPECT_EQ(q.questions[0], (question{make_name("example.com."), rr_type::a, rr_class::in}));
  EXPECT_TRUE(q.hdr.rd);
  EXPECT_FALSE(q.hdr.qr || q.hdr.cd);
  EXPECT_FALSE(q.opt);  // neither do nor ECS: no EDNS
  const std::pair<const char*, std::uint16_t> types[] = {{"AAAA", rr_type::aaaa},
                                                         {"aaaa", rr_type::aaaa},
                                                         {"Mx", rr_type::mx},
                                                         {"28", 28},
                                                         {"1", 1},
                                                         {"65535", 65535},
                                                         {"TYPE65", rr_type::https},
                                                         {"ANY", rr_type::any},
                                                         {"255", 255},
                                                         {"", rr_type::a}};
  for (auto [text, want] : types)
    EXPECT_EQ(json_query("name=example.com&type=" + std::string(text)).questions[0].qtype, want)
        << text;
  EXPECT_EQ(json_query("name=.&type=NS").questions[0].qname, name{});  // the root
  // RFC 4343 escapes: "a\.b" is one label.
  EXPECT_EQ(json_query("name=a%5C.b.example").questions[0].qname.labels(),
            (std::vector<std::string>{"a.b", "example"}));
}

TEST(DohJsonRequest, BadNamesAndTypes) {
  EXPECT_EQ(json_error("type=A"), "missing name parameter");
  EXPECT_EQ(json_error("name="), "empty name parameter");
  for (auto bad : {".example.com", "example..com", "a\\"})
    EXPECT_NE(json_error("name=" + std::string(bad)).find("invalid name"), std::string::npos)
        << bad;
  EXPECT_NE(json_error("name=" + std::string(64, 'a') + ".com").find("63"), std::string::npos);
  std::string long_name;
  for (int i = 0; i < 50; ++i) long_name += "abcde.";
  EXPECT_NE(json_error("name=" + long_name).find("255"), std::string::npos);
  for (auto bad : {"0", "65536", "99999999999999999999", "-1", "FOO", "TYPE0", "A A", "1.5"})
    EXPECT_NE(json_error("name=x.example&type=" + std::string(bad)).find("invalid type"),
              std::string::npos)
        << bad;
}

TEST(DohJsonRequest, CdDoAndFlagErrors) {
  EXPECT_TRUE(json_query("name=x.example&cd=1").hdr.cd);
  EXPECT_TRUE(json_query("name=x.example&cd=true").hdr.cd);
  EXPECT_FALSE(json_query("name=x.example&cd=false").hdr.cd);
  const auto d = json_query("name=x.example&do=1");
  ASSERT_TRUE(d.opt);
  EXPECT_TRUE(d.opt->dnssec_ok);
  EXPECT_TRUE(d.opt->options.empty());
  EXPECT_FALSE(json_query("name=x.example&do=0").opt);
  EXPECT_EQ(json_error("name=x.example&cd=yes"), "invalid cd value 'yes': use 0, 1, true or false");
  EXPECT_EQ(json_error("name=x.example&do=2"), "invalid do value '2': use 0, 1, true or false");
  // ct and random_padding are accepted and change nothing.
  EXPECT_EQ(json_query("name=x.example&ct=application/dns-json&random_padding=XXXXXXXX"),
            json_query("name=x.example"));
}

TEST(DohJsonRequest, ClientSubnet) {  // RFC 7871
  auto s = ecs_of(json_query("name=x.example&edns_client_subnet=192.0.2.77/24"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->source_prefix, 24);
  EXPECT_EQ(s->scope_prefix, 0);
  EXPECT_EQ(s->address, *ip_address::parse("192.0.2.0"));  // bits past the prefix cleared
  s = ecs_of(json_query("name=x.example&edns_client_subnet=2001:db8:aaaa:bbbb::1/56"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->source_prefix, 56);
  EXPECT_EQ(s->address, *ip_address::parse("2001:db8:aaaa:bb00::"));
  s = ecs_of(json_query("name=x.example&edns_client_subnet=198.51.100.7"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->source_prefix, 32);
  s = ecs_of(json_query("name=x.example&edns_client_subnet=0.0.0.0/0"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->source_prefix, 0);
  const auto both = json_query("name=x.example&do=1&edns_client_subnet=192.0.2.1/24");
  EXPECT_TRUE(both.opt->dnssec_ok);
  EXPECT_EQ(both.opt->options.size(), 1u);
  EXPECT_FALSE(json_query("name=x.example&edns_client_subnet=").opt);
  for (auto bad :
       {"192.0.2.1/33", "2001:db8::/129", "192.0.2.1/", "192.0.2.1/x", "example.com", "192.0.2/24"})
    EXPECT_NE(json_error("name=x.example&edns_client_subnet=" + std::string(bad))
                  .find("edns_client_subnet"),
              std::string::npos)
        << bad;
}

// ---------------------------------------------------------------------------- JSON response

TEST(DohJsonResponse, GoogleSchemaExactly) {
  auto m = response_for("www.example.test", rr_type::a);
  m.answers.push_back(rr("www.example.test", 60, cname("example.test")));
  m.answers.push_back(rr("example.test", 300, v4(93, 184, 216, 34)));
  EXPECT_EQ(format_json(m),
            R"({"Status":0,"TC":false,"RD":true,"RA":true,"AD":false,"CD":false,)"
            R"("Question":[{"name":"www.example.test.","type":1}],)"
            R"("Answer":[{"name":"www.example.test.","type":5,"TTL":60,"data":"example.test."},)"
            R"({"name":"example.test.","type":1,"TTL":300,"data":"93.184.216.34"}]})");
}

TEST(DohJsonResponse, EveryFlagAndStatus) {
  auto m = response_for("example.test", rr_type::a);
  m.hdr.rd = m.hdr.ra = false;
  const char* flags[] = {"TC", "RD", "RA", "AD", "CD"};
  bool header::*bits[] = {&header::tc, &header::rd, &header::ra, &header::ad, &header::cd};
  for (int i = 0; i < 5; ++i) {
    auto one = m;
    one.hdr.*bits[i] = true;
    const auto j = json::parse(format_json(one));
    for (int k = 0; k < 5; ++k)
      EXPECT_EQ(j[flags[k]].get<bool>(), k == i) << flags[i] << " " << flags[k];
  }
  for (std::uint16_t rc : {rcode::noerror, rcode::formerr, rcode::servfail, rcode::nxdomain,
                           rcode::notimp, rcode::refused, rcode::badvers, std::uint16_t{4095}}) {
    auto r = m;
    r.set_rcode(rc);  // 12-bit RCODEs: the upper bits ride in OPT (RFC 6891 §6.1.3)
    EXPECT_EQ(json::parse(format_json(r))["Status"].get<int>(), rc);
  }
}

TEST(DohJsonResponse, SectionsOnlyWhenNotEmpty) {
  auto nx = response_for("nx.example.test", rr_type::a, rcode::nxdomain);
  auto j = json::parse(format_json(nx));
  EXPECT_FALSE(j.contains("Answer") || j.contains("Authority") || j.contains("Additional"));
  EXPECT_EQ(j["Question"].size(), 1u);
  nx.authority.push_back(rr(
      "example.test", 3600,
      soa_rdata{make_name("ns.example.test"), make_name("admin.example.test"), 7, 1, 2, 3, 300}));
  nx.additional.push_back(rr("ns.example.test", 100, v6("2001:db8::53")));
  nx.opt.emplace();  // OPT is not a record of the Additional section
  j = json::parse(format_json(nx));
  EXPECT_FALSE(j.contains("Answer"));
  EXPECT_EQ(j["Authority"][0]["data"], "ns.example.test. admin.example.test. 7 1 2 3 300");
  EXPECT_EQ(j["Authority"][0]["type"], 6);
  ASSERT_EQ(j["Additional"].size(), 1u);
  EXPECT_EQ(j["Additional"][0]["data"], "2001:db8::53");
  EXPECT_EQ(j["Status"], 3);
}

TEST(DohJsonResponse, TxtAndOddNamesAreEscaped) {
  auto m = response_for("example.test", rr_type::txt);
  m.answers.push_back(rr("example.test", 1, txt_rdata{{"v=spf1 -all", "say \"hi\" \\ \x01\xff"}}));
  name odd;
  std::error_code ec;
  odd = name::from_labels({"a\"b", "c\\d", "e.f", std::string("\x00\xc3\xa9", 3), "test"}, ec);
  ASSERT_FALSE(ec);
  m.answers.push_back(make_record(odd, 2, v4(192, 0, 2, 1)));
  const auto text = format_json(m);
  EXPECT_NE(text.find(R"("data":"\"v=spf1 -all\" \"say \\\"hi\\\" \\\\ \\001\\255\"")"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"("name":"a\\\"b.c\\\\d.e\\.f.\\000\\195\\169.test.")"), std::string::npos)
      << text;
  const auto j = json::parse(text);  // valid JSON
  EXPECT_EQ(j["Answer"][0]["data"], "\"v=spf1 -all\" \"say \\\"hi\\\" \\\\ \\001\\255\"");
  EXPECT_EQ(j["Answer"][1]["name"], odd.to_string());
}

TEST(DohJsonResponse, ClientSubnetAndExtendedErrors) {
  auto m = response_for("example.test", rr_type::a, rcode::servfail);
  m.opt.emplace();
  m.opt->options.push_back(make_option(client_subnet{24, 16, *ip_address::parse("192.0.2.0")}));
  m.opt->options.push_back(make_option(extended_error{22, "no reachable authority"}));
  m.opt->options.push_back(make_option(extended_error{9, ""}));
  m.opt->options.push_back(
      edns_option{option_code::extended_error, {std::byte{1}}});  // malformed: skipped
  const auto j = json::parse(format_json(m));
  EXPECT_EQ(j["edns_client_subnet"], "192.0.2.0/16");
  EXPECT_EQ(j["Comment"], "EDE 22: no reachable authority; EDE 9");
  EXPECT_FALSE(
      json::parse(format_json(response_for("example.test", rr_type::a))).contains("Comment"));
}

TEST(DohJsonResponse, ErrorObject) {
  EXPECT_EQ(format_json_error("invalid type 'x\"y'"), R"({"error":"invalid type 'x\"y'"})");
  // Bytes that are not UTF-8 (echoed from a query) are replaced, never thrown over.
  const auto text = format_json_error("invalid name '\xff'");
  EXPECT_EQ(json::parse(text)["error"], "invalid name '\xef\xbf\xbd'");
}

// ---------------------------------------------------------------------------- HTTPDNS

httpdns_request httpdns(std::string_view q) {
  auto r = parse_httpdns_request(params(q));
  EXPECT_TRUE(r) << q << ": " << (r ? "" : r.error().message);
  return r ? *r : httpdns_request{};
}
std::string httpdns_error(std::string_view q) {
  auto r = parse_httpdns_request(params(q));
  EXPECT_FALSE(r) << q;
  if (r) return {};
  EXPECT_EQ(r.error().status, 400);
  return r.error().message;
}

TEST(HttpdnsRequest, Parameters) {
  auto r = httpdns("dn=www.example.test");
  ASSERT_EQ(r.names.size(), 1u);
  EXPECT_EQ(r.names[0], make_name("www.example.test"));
  EXPECT_EQ(r.qtype, rr_type::a);
  EXPECT_FALSE(r.client_ip);
  EXPECT_FALSE(r.with_ttl);
  EXPECT_EQ(httpdns("dn=x.test&type=AAAA").qtype, rr_type::aaaa);
  EXPECT_EQ(httpdns("dn=x.test&type=aaaa").qtype, rr_type::aaaa);
  EXPECT_EQ(httpdns("dn=x.test&type=a").qtype, rr_type::a);
  EXPECT_TRUE(httpdns("dn=x.test&ttl=1").with_ttl);
  for (auto off : {"ttl=0", "ttl=", "ttl=true", "ttl=2"})
    EXPECT_FALSE(httpdns("dn=x.test&" + std::string(off)).with_ttl);
  EXPECT_EQ(httpdns("dn=x.test&ip=::ffff:198.51.100.9").client_ip,
            ip_address::parse("198.51.100.9"));
  const auto batch = httpdns("dn=a.test,b.test.,C.TEST");
  ASSERT_EQ(batch.names.size(), 3u);
  EXPECT_EQ(batch.names[1], make_name("b.test"));
  std::string sixteen = "dn=n0.test";
  for (int i = 1; i < 16; ++i) sixteen += ",n" + std::to_string(i) + ".test";
  EXPECT_EQ(httpdns(sixteen).names.size(), 16u);
  EXPECT_NE(httpdns_error(sixteen + ",n16.test").find("too many names"), std::string::npos);
}

TEST(HttpdnsRequest, Errors) {
  EXPECT_NE(httpdns_error("type=A").find("missing dn"), std::string::npos);
  EXPECT_NE(httpdns_error("dn=").find("missing dn"), std::string::npos);
  for (auto bad : {"a.test,,b.test", "a.test,", ",a.test", "."})
    EXPECT_NE(httpdns_error("dn=" + std::string(bad)).find("empty name"), std::string::npos) << bad;
  EXPECT_NE(httpdns_error("dn=a..test").find("invalid name 'a..test'"), std::string::npos);
  EXPECT_NE(httpdns_error("dn=" + std::string(64, 'x') + ".test").find("63"), std::string::npos);
  EXPECT_NE(httpdns_error("dn=x.test&type=MX").find("A or AAAA"), std::string::npos);
  EXPECT_NE(httpdns_error("dn=x.test&ip=300.1.1.1").find("invalid ip"), std::string::npos);
  EXPECT_NE(httpdns_error("dn=x.test&ip=192.0.2.0/24").find("invalid ip"), std::string::npos);
}

TEST(HttpdnsRequest, QueriesCarryTheClientSubnet) {
  auto q = make_httpdns_query(httpdns("dn=x.test&ip=203.0.113.77"), make_name("x.test"));
  EXPECT_TRUE(q.hdr.rd);
  EXPECT_EQ(q.questions[0], (question{make_name("x.test"), rr_type::a, rr_class::in}));
  auto s = ecs_of(q);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->source_prefix, 24);
  EXPECT_EQ(s->address, *ip_address::parse("203.0.113.0"));
  s = ecs_of(
      make_httpdns_query(httpdns("dn=x.test&type=AAAA&ip=2001:db8:1:2ff::9"), make_name("x.test")));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->source_prefix, 56);
  EXPECT_EQ(s->address, *ip_address::parse("2001:db8:1:200::"));
  EXPECT_FALSE(make_httpdns_query(httpdns("dn=x.test"), make_name("x.test")).opt);
}

TEST(HttpdnsAnswer, FollowsTheCnameChain) {
  auto m = response_for("www.example.test", rr_type::a);
  m.answers.push_back(rr("example.test", 300, v4(192, 0, 2, 1)));  // order does not matter
  m.answers.push_back(rr("www.example.test", 600, cname("cdn.EXAMPLE.test")));
  m.answers.push_back(rr("cdn.example.test", 120, cname("example.test")));
  m.answers.push_back(rr("example.test", 200, v4(192, 0, 2, 2)));
  m.answers.push_back(rr("other.test", 5, v4(198, 51, 100, 1)));  // not on the chain
  m.answers.push_back(rr("example.test", 1, v6("2001:db8::1")));  // not the asked type
  auto a = final_addresses(m, make_name("WWW.example.test"), rr_type::a);
  EXPECT_EQ(format_addresses(a, false), "192.0.2.1;192.0.2.2");
  EXPECT_EQ(format_addresses(a, true), "192.0.2.1;192.0.2.2,120");  // smallest along the chain
  EXPECT_EQ(
      format_addresses(final_addresses(m, make_name("www.example.test"), rr_type::aaaa), true),
      "2001:db8::1,1");
  EXPECT_EQ(format_addresses(final_addresses(m, make_name("example.test"), rr_type::a), true),
            "192.0.2.1;192.0.2.2,200");
  EXPECT_EQ(format_batch_line(make_name("www.example.test"), a, true),
            "www.example.test.:192.0.2.1;192.0.2.2,120\n");
}

TEST(HttpdnsAnswer, NoAddressesGiveAnEmptyBody) {
  auto loop = response_for("a.test", rr_type::a);
  loop.answers.push_back(rr("a.test", 60, cname("b.test")));
  loop.answers.push_back(rr("b.test", 60, cname("a.test")));
  const auto none = final_addresses(loop, make_name("a.test"), rr_type::a);
  EXPECT_TRUE(none.addresses.empty());
  EXPECT_FALSE(none.ttl);
  EXPECT_EQ(format_addresses(none, true), "");
  EXPECT_EQ(format_batch_line(make_name("a.test"), none, true), "a.test.:\n");
  auto nx = response_for("nx.test", rr_type::a, rcode::nxdomain);
  nx.answers.push_back(rr("nx.test", 60, v4(192, 0, 2, 1)));  // ignored: not NOERROR
  EXPECT_TRUE(final_addresses(nx, make_name("nx.test"), rr_type::a).addresses.empty());
  auto dangling = response_for("x.test", rr_type::a);
  dangling.answers.push_back(rr("x.test", 60, cname("gone.test")));
  EXPECT_TRUE(final_addresses(dangling, make_name("x.test"), rr_type::a).addresses.empty());
  auto chaos = response_for("x.test", rr_type::a);
  auto ch =
      rr("x.test", 60, opaque_rdata{{std::byte{192}, std::byte{0}, std::byte{2}, std::byte{1}}});
  ch.type = rr_type::a;
  ch.klass = rr_class::ch;
  chaos.answers.push_back(ch);
  EXPECT_TRUE(final_addresses(chaos, make_name("x.test"), rr_type::a).addresses.empty());
}

}  // namespace
}  // namespace l7::dns::doh
