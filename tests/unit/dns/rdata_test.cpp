// Typed rdata: wire round trips and presentation for every type, RFC 3597 opaque data.
#include <gtest/gtest.h>

#include "dns/codec/types.hpp"
#include "dns_test_util.hpp"

namespace l7::dns {
namespace {

using testing::decode_error;
using testing::decode_ok;
using testing::encode_ok;
using testing::header_hex;
using testing::hex;
using testing::make_name;

struct rdata_case {
  std::uint16_t type;
  rdata data;
  std::string text;
};

std::vector<rdata_case> cases() {
  auto v6 = *ip_address::parse("2001:db8::1");
  return {
      {rr_type::a, a_rdata{ip_address::v4({192, 0, 2, 1})}, "192.0.2.1"},
      {rr_type::aaaa, aaaa_rdata{v6}, "2001:db8::1"},
      {rr_type::ns, ns_rdata{make_name("ns1.example.com")}, "ns1.example.com."},
      {rr_type::cname, cname_rdata{make_name("www.example.com")}, "www.example.com."},
      {rr_type::ptr, ptr_rdata{make_name("host.example.com")}, "host.example.com."},
      {rr_type::dname, dname_rdata{make_name("example.net")}, "example.net."},
      {rr_type::soa,
       soa_rdata{make_name("ns.example.com"), make_name("host\\.master.example.com"), 2024010101,
                 7200, 3600, 1209600, 300},
       "ns.example.com. host\\.master.example.com. 2024010101 7200 3600 1209600 300"},
      {rr_type::mx, mx_rdata{10, make_name("mail.example.com")}, "10 mail.example.com."},
      {rr_type::txt, txt_rdata{{"v=spf1 -all", "say \"hi\"\\", std::string("\x01\xff", 2), ""}},
       "\"v=spf1 -all\" \"say \\\"hi\\\"\\\\\" \"\\001\\255\" \"\""},
      {rr_type::srv, srv_rdata{10, 60, 5060, make_name("sip.example.com")},
       "10 60 5060 sip.example.com."},
      {rr_type::naptr,
       naptr_rdata{100, 10, "U", "E2U+sip", "!^.*$!sip:info@example.com!", name{}},
       "100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" ."},
      {rr_type::caa, caa_rdata{128, "issue", "letsencrypt.org"},
       "128 issue \"letsencrypt.org\""},
      {rr_type::ds, ds_rdata{60485, 5, 1, hex("2bb183af5f22588179a53b0a98631fad1a292118")},
       "60485 5 1 2bb183af5f22588179a53b0a98631fad1a292118"},
      {rr_type::dnskey, dnskey_rdata{257, 3, 8, hex("03010001")}, "257 3 8 AwEAAQ=="},
      {rr_type::rrsig,
       rrsig_rdata{rr_type::a, 8, 2, 3600, 1704067200, 1701388800, 12345,
                   make_name("example.com"), hex("01020304")},
       "A 8 2 3600 20240101000000 20231201000000 12345 example.com. AQIDBA=="},
      {rr_type::nsec, nsec_rdata{make_name("host.example.com"), {1, 15, 46, 47, 1234}},
       "host.example.com. A MX RRSIG NSEC TYPE1234"},
      {rr_type::nsec, nsec_rdata{make_name("a.example"), {}}, "a.example."},
      {rr_type::nsec3,
       nsec3_rdata{1, 1, 12, hex("aabbccdd"), hex("174eb2409fe28bcb4887a1836f957f0a8425e27b"),
                   {2, 6, 15, 46, 48, 51}},
       "1 1 12 aabbccdd 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR NS SOA MX RRSIG DNSKEY NSEC3PARAM"},
      {rr_type::nsec3, nsec3_rdata{1, 0, 0, {}, hex("ff"), {}}, "1 0 0 - VS"},
      {65280, opaque_rdata{hex("deadbeef")}, "\\# 4 deadbeef"},
      {rr_type::a, opaque_rdata{}, "\\# 0"},
  };
}

TEST(DnsRdata, RoundTripAndPresentationForEveryType) {
  for (const auto& c : cases()) {
    SCOPED_TRACE(c.text);
    message m;
    m.questions.push_back({make_name("example.com"), c.type, rr_class::in});
    resource_record rr{make_name("example.com"), c.type, rr_class::in, 300, c.data};
    m.answers.push_back(rr);
    m.authority.push_back(rr);
    testing::expect_round_trip(m);
    EXPECT_EQ(to_string(c.data), c.text);
    EXPECT_EQ(to_string(rr), "example.com.\t300\tIN\t" + type_to_string(c.type) + "\t" + c.text);
    if (type_of(c.data)) {
      EXPECT_EQ(*type_of(c.data), c.type);
    }
  }
}

TEST(DnsRdata, ClassSpecificTypesStayOpaqueOutsideIn) {
  // RFC 3597 §4: A in class CH is not the IN address format.
  const auto wire = hex(header_hex(0, 1, 0, 0) + "00 0001 0003 00000000 0002 0102");
  const message m = decode_ok(wire);
  ASSERT_EQ(m.answers.size(), 1u);
  EXPECT_EQ(m.answers[0].data, rdata(opaque_rdata{hex("0102")}));
  EXPECT_EQ(to_string(m.answers[0]), ".\t0\tCH\tA\t\\# 2 0102");
}

TEST(DnsRdata, MalformedRdata) {
  const std::string rr = header_hex(0, 1, 0, 0) + "00 ";
  EXPECT_EQ(decode_error(hex(rr + "0001 0001 00000000 0005 0102030405")), error::bad_rdata);
  EXPECT_EQ(decode_error(hex(rr + "001c 0001 00000000 0004 01020304")), error::bad_rdata);
  EXPECT_EQ(decode_error(hex(rr + "0010 0001 00000000 0003 05 6162")), error::bad_rdata);
  EXPECT_EQ(decode_error(hex(rr + "000f 0001 00000000 0004 000a 00 00")), error::bad_rdata);
  EXPECT_EQ(decode_error(hex(rr + "0101 0001 00000000 0004 00 00 6162")), error::bad_rdata);
  EXPECT_EQ(decode_error(hex(rr + "0101 0001 00000000 0004 00 01 2d 62")), error::bad_rdata);
  EXPECT_EQ(decode_error(hex(rr + "0005 0001 00000000 0004 0161 0000")), error::bad_rdata);
  EXPECT_EQ(decode_error(hex(rr + "0001 0001 00000000 0008 01020304")), error::truncated);
  // A compressed name in rdata must not run past RDLENGTH.
  EXPECT_EQ(decode_error(hex(rr + "0002 0001 00000000 0001 01 61 00")), error::bad_rdata);
}

TEST(DnsRdata, NsecTypeBitmapRfc4034Section4_3) {
  // The RFC's example: host.example.com. A MX RRSIG NSEC TYPE1234.
  const std::string rd = "04686f7374 076578616d706c65 03636f6d 00"
                            "0006 400100000003"
                            "041b" + std::string(26 * 2, '0') + "20";
  char len[8];
  std::snprintf(len, sizeof len, "%04zx", hex(rd).size());
  const auto wire = hex(header_hex(0, 1, 0, 0) + "00 002f 0001 00015180 " + len + rd);
  const message m = decode_ok(wire);
  EXPECT_EQ(m.answers[0].data,
            rdata(nsec_rdata{make_name("host.example.com"), {1, 15, 46, 47, 1234}}));
  EXPECT_EQ(encode_ok(m), wire);
  // Encoding sorts and de-duplicates the types.
  message u;
  u.answers.push_back(make_record(name{}, 0, nsec_rdata{name{}, {47, 1, 47}}));
  EXPECT_EQ(decode_ok(encode_ok(u)).answers[0].data, rdata(nsec_rdata{name{}, {1, 47}}));
}

TEST(DnsRdata, MalformedDnssecRdata) {
  const std::string rr = header_hex(0, 1, 0, 0) + "00 ";
  // NSEC bitmaps: empty window, window out of order, trailing zero octet, over 32 octets.
  EXPECT_EQ(decode_error(hex(rr + "002f 0001 00000000 0003 00 0000")), error::bad_rdata);
  EXPECT_EQ(decode_error(hex(rr + "002f 0001 00000000 0007 00 0101 40 000140")),
            error::bad_rdata);
  EXPECT_EQ(decode_error(hex(rr + "002f 0001 00000000 0005 00 0002 4000")), error::bad_rdata);
  EXPECT_EQ(decode_error(hex(rr + "002f 0001 00000000 0024 00 0021" + std::string(66, '1'))),
            error::bad_rdata);
  // NSEC3 with an empty hash, RRSIG shorter than its fixed part, DS without its fixed part.
  EXPECT_EQ(decode_error(hex(rr + "0032 0001 00000000 0006 01 00 0000 00 00")), error::bad_rdata);
  EXPECT_EQ(decode_error(hex(rr + "002e 0001 00000000 0004 0001 0802")), error::bad_rdata);
  EXPECT_EQ(decode_error(hex(rr + "002b 0001 00000000 0003 0001 08")), error::bad_rdata);
}

// RFC 9460 Appendix D test vectors: (type, rdata wire, presentation).
TEST(DnsRdata, SvcbAndHttpsRfc9460AppendixD) {
  const std::string foo = "03666f6f 076578616d706c65 03636f6d 00 ";
  const std::string foo_org = "03666f6f 076578616d706c65 036f7267 00 ";
  const std::tuple<std::uint16_t, std::string, std::string> vectors[] = {
      {rr_type::https, "0000 " + foo, "0 foo.example.com."},
      {rr_type::svcb, "0001 00", "1 ."},
      {rr_type::svcb, "0010 " + foo + "0003 0002 0035", "16 foo.example.com. port=53"},
      {rr_type::svcb, "0001 " + foo + "029b 0005 68656c6c6f",
       "1 foo.example.com. key667=\"hello\""},
      {rr_type::svcb, "0001 " + foo + "029b 000a 68656c6c6f d2a2 2c 3234",
       "1 foo.example.com. key667=\"hello\\210\\162,24\""},
      {rr_type::svcb,
       "0001 00 0006 0020 20010db8000000000000000000000001 20010db8000000000000000000530001",
       "1 . ipv6hint=2001:db8::1,2001:db8::53:1"},
      {rr_type::svcb,
       "0010 " + foo_org +
           "0000 0004 0001 0004 0001 0009 026832 056833 2d3139 0004 0004 c0000201",
       "16 foo.example.org. mandatory=alpn,ipv4hint alpn=h2,h3-19 ipv4hint=192.0.2.1"},
      {rr_type::svcb, "0010 " + foo_org + "0001 000c 08 665c6f6f 2c626172 026832",
       "16 foo.example.org. key1=\"\\008f\\\\oo,bar\\002h2\""},
      {rr_type::https, "0001 00 0002 0000 0005 0003 010203", "1 . no-default-alpn ech=AQID"},
  };
  for (const auto& [type, rd, text] : vectors) {
    SCOPED_TRACE(text);
    char len[8];
    std::snprintf(len, sizeof len, "%04zx", hex(rd).size());
    const std::string type_hex = type == rr_type::svcb ? "0040" : "0041";
    const auto wire = hex(header_hex(0, 1, 0, 0) + "00 " + type_hex + " 0001 00000000 " + len + rd);
    const message m = decode_ok(wire);
    ASSERT_EQ(m.answers.size(), 1u);
    EXPECT_EQ(to_string(m.answers[0].data), text);
    EXPECT_EQ(encode_ok(m), wire);
  }
}

TEST(DnsRdata, MalformedSvcParamsRfc9460Section2_2) {
  const std::string rr = header_hex(0, 1, 0, 0) + "00 0040 0001 00000000 ";
  // Keys out of order, a duplicate key, a bad port, an empty alpn id, a value past RDLENGTH.
  for (const char* bad :
       {"000b 0001 00 0003 0002 0035 0001 0000", "000b 0001 00 0003 0002 0035 0003 0000",
        "0008 0001 00 0003 0001 35", "0008 0001 00 0001 0001 00", "0008 0001 00 0003 0003 0035"}) {
    EXPECT_EQ(decode_error(hex(rr + bad + "00")), std::error_code(error::bad_rdata)) << bad;
  }
  message m;
  const std::vector<svc_param> unordered{{3, hex("0035")}, {1, hex("026832")}};
  m.answers.push_back(make_record(name{}, 0, svcb_rdata{1, name{}, unordered}));
  std::vector<std::byte> out;
  EXPECT_EQ(encode(m, out), error::bad_rdata);
}

TEST(DnsRdata, TypeAndClassMnemonics) {
  EXPECT_EQ(type_to_string(rr_type::https), "HTTPS");
  EXPECT_EQ(type_to_string(65280), "TYPE65280");
  EXPECT_EQ(type_from_string("aaaa"), rr_type::aaaa);
  EXPECT_EQ(type_from_string("TYPE99"), 99);
  EXPECT_EQ(type_from_string("TYPE65536"), std::nullopt);
  EXPECT_EQ(type_from_string("BOGUS"), std::nullopt);
  EXPECT_EQ(class_to_string(3), "CH");
  EXPECT_EQ(class_to_string(42), "CLASS42");
  EXPECT_EQ(class_from_string("in"), rr_class::in);
  EXPECT_EQ(opcode_to_string(opcode::notify), "NOTIFY");
  EXPECT_EQ(rcode_to_string(11), "11");
}

}  // namespace
}  // namespace l7::dns
