// Presentation format -> rdata: every typed type round-trips wire -> text -> wire, the RFC 3597
// generic form, names relative to an origin, TTL units, and the malformed inputs.
#include "dns/codec/rdata_parse.hpp"

#include <gtest/gtest.h>

#include "dns/codec/types.hpp"
#include "dns/codec/zone_lexer.hpp"
#include "dns_test_util.hpp"

namespace l7::dns {
namespace {

using testing::hex;
using testing::make_name;

// Owns a text and its tokens as the zone lexer cuts them.
struct tokenized {
  explicit tokenized(std::string t) : text(std::move(t)) {
    detail::zone_lexer lexer(text);
    detail::zone_entry e;
    e.blank_owner = true;
    while (lexer.next(e)) tokens.insert(tokens.end(), e.tokens.begin(), e.tokens.end());
    EXPECT_EQ(lexer.error(), nullptr) << text;
  }
  std::string text;
  std::vector<std::string_view> tokens;
};

std::optional<rdata> parse(std::uint16_t type, std::string text, std::error_code& ec,
                           const name& origin = {}) {
  const tokenized t(std::move(text));
  return parse_rdata(type, t.tokens, origin, ec);
}

rdata parse_ok(std::uint16_t type, std::string text, const name& origin = {}) {
  std::error_code ec;
  auto d = parse(type, text, ec, origin);
  EXPECT_FALSE(ec) << text << ": " << ec.message();
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(rdata());
}

std::error_code parse_error(std::uint16_t type, std::string text) {
  std::error_code ec;
  const auto d = parse(type, text, ec);
  EXPECT_FALSE(d.has_value()) << text;
  return ec;
}

std::vector<std::byte> wire_of(const rdata& d) {
  std::vector<std::byte> out;
  byte_writer w(out);
  name_compressor c(0);
  EXPECT_FALSE(write_rdata(w, c, d));
  return out;
}

rdata from_wire(std::uint16_t type, const std::vector<std::byte>& wire) {
  byte_reader r(wire);
  std::error_code ec;
  rdata d = read_rdata(r, type, rr_class::in, static_cast<std::uint16_t>(wire.size()), ec);
  EXPECT_FALSE(ec) << ec.message();
  return d;
}

struct typed_case {
  std::uint16_t type;
  std::string wire_hex;  // the rdata octets; decoded, printed, parsed, encoded again
};

// One wire example per typed type (names uncompressed, so the wire is exactly the rdata).
const std::vector<typed_case> typed_cases = {
    {rr_type::a, "c0000201"},
    {rr_type::aaaa, "20010db8000000000000000000000001"},
    {rr_type::ns, "036e7331076578616d706c6503636f6d00"},
    {rr_type::cname, "03777777076578616d706c6503636f6d00"},
    {rr_type::ptr, "04686f7374076578616d706c6503636f6d00"},
    {rr_type::dname, "076578616d706c65036e657400"},
    {rr_type::soa, "026e73076578616d706c6503636f6d00 0b686f73742e6d6173746572076578616d706c6503636f6d00"
                   "78a4c2a9 00001c20 00000e10 00127500 0000012c"},
    {rr_type::mx, "000a 046d61696c076578616d706c6503636f6d00"},
    {rr_type::txt, "0b763d73706631202d616c6c 0973617920226869225c 0201ff 00"},
    {rr_type::srv, "000a 003c 13c4 03736970076578616d706c6503636f6d00"},
    {rr_type::naptr, "0064 000a 0155 074532552b736970 1b215e2e2a24217369703a696e666f406578616d706c652e636f6d21 00"},
    {rr_type::caa, "80 056973737565 6c657473656e63727970742e6f7267"},
    {rr_type::caa, "00 05696f646566 22"},  // a value that is a lone double quote
    {rr_type::ds, "ec45 05 01 2bb183af5f22588179a53b0a98631fad1a292118"},
    {rr_type::dnskey, "0101 03 08 03010001"},
    {rr_type::rrsig, "0001 08 02 00000e10 65920080 65692200 3039 076578616d706c6503636f6d00 01020304"},
    {rr_type::rrsig, "002e 0d 00 00000000 ffffffff 00000000 0000 00 ff"},
    {rr_type::nsec, "04686f7374076578616d706c6503636f6d00 0006200100000003 040180"},
    {rr_type::nsec, "016100"},
    {rr_type::nsec3, "01 01 000c 04aabbccdd 14174eb2409fe28bcb4887a1836f957f0a8425e27b 000722000000000290"},
    {rr_type::nsec3, "01 00 0000 00 01ff"},
    {rr_type::svcb, "0000 03666f6f076578616d706c6503636f6d00"},
    {rr_type::https, "0001 00 0001000c02683208687474702f312e31 00020000 000300020050 0004000801020304c0000201"
                     " 0005000401020304 0006001020010db8000000000000000000000001 fde8000141"},
    // An alpn id with a comma and a backslash: printed as key1="...", parsed back the same.
    {rr_type::svcb, "0001 00 0001000803612c6203785c79"},
};

TEST(DnsRdataParse, EveryTypedTypeRoundTripsWireTextWire) {
  for (const auto& c : typed_cases) {
    const auto wire = hex(c.wire_hex);
    const rdata d = from_wire(c.type, wire);
    ASSERT_TRUE(type_of(d).has_value()) << c.wire_hex;
    const std::string text = to_string(d);
    SCOPED_TRACE(type_to_string(c.type) + " " + text);
    const rdata back = parse_ok(c.type, text);
    EXPECT_EQ(back, d);
    // SOA names compress against each other inside the rdata; the others encode as they came.
    EXPECT_EQ(wire_of(back), wire_of(d));
    if (c.type != rr_type::soa) {
      EXPECT_EQ(wire_of(back), wire);
    }
    // The same octets in the RFC 3597 generic form decode into the typed form too.
    EXPECT_EQ(parse_ok(c.type, to_string(rdata(opaque_rdata{wire}))), d);
  }
}

TEST(DnsRdataParse, OriginCompletesRelativeNames) {
  const name origin = make_name("example.com");
  EXPECT_EQ(parse_ok(rr_type::ns, "ns1", origin), rdata(ns_rdata{make_name("ns1.example.com")}));
  EXPECT_EQ(parse_ok(rr_type::cname, "@", origin), rdata(cname_rdata{origin}));
  EXPECT_EQ(parse_ok(rr_type::mx, "10 mail.example.net.", origin),
            rdata(mx_rdata{10, make_name("mail.example.net")}));
  EXPECT_EQ(parse_ok(rr_type::soa, "ns hostmaster 1 2h 30M 1w2d 1h30m", origin),
            rdata(soa_rdata{make_name("ns.example.com"), make_name("hostmaster.example.com"), 1,
                            7200, 1800, 777600, 5400}));
  EXPECT_EQ(parse_ok(rr_type::srv, "0 5 5060 sip", origin),
            rdata(srv_rdata{0, 5, 5060, make_name("sip.example.com")}));
}

TEST(DnsRdataParse, NameHelper) {
  std::error_code ec;
  const name origin = make_name("example.com");
  EXPECT_EQ(parse_name_relative("www", origin, ec), make_name("www.example.com"));
  EXPECT_EQ(parse_name_relative("www.", origin, ec), make_name("www"));
  EXPECT_EQ(parse_name_relative("@", origin, ec), origin);
  EXPECT_EQ(parse_name_relative(".", origin, ec), name{});
  // An escaped final dot is part of the label, so the name is still relative.
  const name dotted = parse_name_relative("a\\.", origin, ec);
  EXPECT_FALSE(ec);
  ASSERT_EQ(dotted.label_count(), 3u);
  EXPECT_EQ(dotted.labels()[0], "a.");
  EXPECT_EQ(parse_name_relative("a\\\\.", origin, ec), make_name("a\\\\"));
  EXPECT_EQ(parse_name_relative("\\065\\@b", origin, ec).labels()[0], "A@b");
  for (const char* bad : {"", "a..b", ".a", "\"quoted\"", "a\\25", "a\\256", "a\\"}) {
    parse_name_relative(bad, origin, ec);
    EXPECT_EQ(ec, error::bad_name_text) << bad;
  }
  parse_name_relative(std::string(64, 'a'), origin, ec);
  EXPECT_EQ(ec, error::label_too_long);
  std::string long_name;
  for (int i = 0; i < 70; ++i) long_name += "abc.";
  parse_name_relative(long_name, origin, ec);
  EXPECT_EQ(ec, error::name_too_long);
}

TEST(DnsRdataParse, TtlUnits) {
  EXPECT_EQ(parse_ttl("0"), 0u);
  EXPECT_EQ(parse_ttl("3600"), 3600u);
  EXPECT_EQ(parse_ttl("1h30m"), 5400u);
  EXPECT_EQ(parse_ttl("1W"), 604800u);
  EXPECT_EQ(parse_ttl("1d1"), 86401u);
  EXPECT_EQ(parse_ttl("4294967295"), 4294967295u);
  for (const char* bad : {"", "h", "1x", "-1", "4294967296", "1h-", "99999999999w"})
    EXPECT_FALSE(parse_ttl(bad).has_value()) << bad;
}

TEST(DnsRdataParse, CharacterStrings) {
  EXPECT_EQ(parse_ok(rr_type::txt, "unquoted \"two words\" \"semi;colon(paren\""),
            rdata(txt_rdata{{"unquoted", "two words", "semi;colon(paren"}}));
  EXPECT_EQ(parse_ok(rr_type::txt, "a\\\"b \"\\065\\x\\\\\" \"\""),
            rdata(txt_rdata{{"a\"b", "Ax\\", ""}}));
  EXPECT_EQ(parse_ok(rr_type::txt, "esc\\ aped"), rdata(txt_rdata{{"esc aped"}}));
  EXPECT_EQ(parse_ok(rr_type::txt, '"' + std::string(255, 'x') + '"'),
            rdata(txt_rdata{{std::string(255, 'x')}}));
  EXPECT_EQ(parse_error(rr_type::txt, '"' + std::string(256, 'x') + '"'), error::bad_rdata);
  EXPECT_EQ(parse_error(rr_type::txt, std::string(254, 'x') + "\\001\\002"), error::bad_rdata);
  EXPECT_EQ(parse_error(rr_type::txt, ""), error::bad_rdata);
  EXPECT_EQ(parse_error(rr_type::txt, "\"\\300\""), error::bad_rdata);
  EXPECT_EQ(parse_error(rr_type::txt, "\"\\12\""), error::bad_rdata);
  // CAA values are the rest of the rdata, not limited to 255 octets (RFC 8659 §4.1).
  const auto caa = parse_ok(rr_type::caa, "0 issue \"" + std::string(300, 'v') + "\"");
  EXPECT_EQ(std::get<caa_rdata>(caa).value.size(), 300u);
  EXPECT_EQ(parse_ok(rr_type::caa, "0 issue ca.example.net"),
            rdata(caa_rdata{0, "issue", "ca.example.net"}));
}

TEST(DnsRdataParse, DnssecTextForms) {
  // Split digests and keys, mnemonic algorithms, integer timestamps (RFC 4034 §3.2).
  EXPECT_EQ(parse_ok(rr_type::ds, "60485 RSASHA1 1 ( 2BB183AF5F22588179A5 3B0A98631FAD1A292118 )"),
            rdata(ds_rdata{60485, 5, 1, hex("2bb183af5f22588179a53b0a98631fad1a292118")}));
  EXPECT_EQ(parse_ok(rr_type::dnskey, "256 3 ECDSAP256SHA256 AwEA AQ=="),
            rdata(dnskey_rdata{256, 3, 13, hex("03010001")}));
  const rdata sig{rrsig_rdata{rr_type::a, 8, 2, 3600, 1704067200, 1701388800, 12345,
                              make_name("example.com"), hex("01020304")}};
  EXPECT_EQ(parse_ok(rr_type::rrsig, "A 8 2 1h 1704067200 1701388800 12345 example.com. AQID BA=="),
            sig);
  EXPECT_EQ(parse_ok(rr_type::rrsig, "A 8 2 3600 20240101000000 20231201000000 12345 example.com. AQIDBA=="),
            sig);
  // 2106-02-07 06:28:15 is 2^32-1; leap days count.
  EXPECT_EQ(std::get<rrsig_rdata>(parse_ok(rr_type::rrsig,
                                           "A 8 2 0 21060207062815 20000229000000 1 . AA=="))
                .expiration,
            4294967295u);
  EXPECT_EQ(std::get<rrsig_rdata>(parse_ok(rr_type::rrsig,
                                           "A 8 2 0 21060207062815 20000229000000 1 . AA=="))
                .inception,
            951782400u);
  EXPECT_EQ(parse_ok(rr_type::nsec, "b.example. A a TYPE1234 A"),
            rdata(nsec_rdata{make_name("b.example"), {1, 1234}}));
  EXPECT_EQ(parse_ok(rr_type::nsec3, "1 0 0 - 2t7b4g4vsa5smi47k61mv5bv1a22bojr MX"),
            rdata(nsec3_rdata{1, 0, 0, {}, hex("174eb2409fe28bcb4887a1836f957f0a8425e27b"), {15}}));
  for (const char* bad : {"A 8 2 0 20230229000000 0 1 . AA==", "A 8 2 0 20241301000000 0 1 . AA==",
                          "A 8 2 0 19691231235959 0 1 . AA==", "A 8 2 0 4294967296 0 1 . AA==",
                          "BOGUS 8 2 0 0 0 1 . AA==", "A 8 2 0 0 0 1 . AA=", "A 8 2 0 0 0 1"})
    EXPECT_EQ(parse_error(rr_type::rrsig, bad), error::bad_rdata) << bad;
  for (const char* bad : {"1 0 0 - 2t7b4g4vsa5smi47k61mv5bv1a22bojw", "1 0 0 abc VS",
                          "1 0 0 - V", "1 0 0 - VT", "1 0 0 -", "1 0 0 - VS NOTATYPE"})
    EXPECT_EQ(parse_error(rr_type::nsec3, bad), error::bad_rdata) << bad;
  EXPECT_EQ(parse_error(rr_type::ds, "1 5 1 abc"), error::bad_rdata);
  EXPECT_EQ(parse_error(rr_type::dnskey, "256 3 NOSUCHALG AwEAAQ=="), error::bad_rdata);
}

// RFC 9460 Appendix D test vectors.
TEST(DnsRdataParse, SvcbRfc9460Vectors) {
  const std::string foo_com = "03666f6f076578616d706c6503636f6d00";
  const std::string foo_org = "03666f6f076578616d706c65036f726700";
  const std::pair<std::string, std::string> vectors[] = {
      {"0 foo.example.com.", "0000" + foo_com},
      {"1 .", "0001 00"},
      {"16 foo.example.com. port=53", "0010" + foo_com + "0003 0002 0035"},
      {"1 foo.example.com. key667=hello", "0001" + foo_com + "029b 0005 68656c6c6f"},
      {"1 foo.example.com. key667=\"hello\\210qoo\"",
       "0001" + foo_com + "029b 0009 68656c6c6fd2716f6f"},
      {"1 foo.example.com. ( ipv6hint=\"2001:db8::1,2001:db8::53:1\" )",
       "0001" + foo_com + "0006 0020 20010db8000000000000000000000001 20010db8000000000000000000530001"},
      {"16 foo.example.org. ( alpn=h2,h3-19 mandatory=ipv4hint,alpn ipv4hint=192.0.2.1 )",
       "0010" + foo_org + "0000 0004 00010004 0001 0009 026832 0568332d3139 0004 0004 c0000201"},
      {"16 foo.example.org. alpn=\"f\\\\\\\\oo\\\\,bar,h2\"",
       "0010" + foo_org + "0001 000c 08665c6f6f2c626172 026832"},
      {"16 foo.example.org. alpn=f\\\\\\092oo\\092,bar,h2",
       "0010" + foo_org + "0001 000c 08665c6f6f2c626172 026832"},
  };
  for (const auto& [text, wire_hex] : vectors) {
    SCOPED_TRACE(text);
    const rdata d = parse_ok(rr_type::svcb, text);
    EXPECT_EQ(wire_of(d), hex(wire_hex));
    EXPECT_EQ(parse_ok(rr_type::svcb, to_string(d)), d);
  }
}

TEST(DnsRdataParse, SvcbFailureCases) {
  // RFC 9460 Appendix D.3, plus reserved and malformed keys.
  for (const char* bad : {
           "1 foo.example.com. key123=abc key123=def", "1 foo.example.com. mandatory",
           "1 foo.example.com. alpn", "1 foo.example.com. port", "1 foo.example.com. ipv4hint",
           "1 foo.example.com. ipv6hint", "1 foo.example.com. no-default-alpn=abc",
           "1 foo.example.com. mandatory=key123", "1 foo.example.com. mandatory=mandatory",
           "1 foo.example.com. ( mandatory=key123,key123 key123=abc )",
           "1 . key65535=x", "1 . bogus=1", "1 . port=65536", "1 . ipv4hint=2001:db8::1",
           "1 . ipv6hint=192.0.2.1", "1 . alpn=h2,,h3", "1 . ech=!!", "1 . ech=\"\"",
           "1 . key3=\\000"})
    EXPECT_EQ(parse_error(rr_type::https, bad), error::bad_rdata) << bad;  // Tokens handed over directly (not through the lexer) with an unclosed quoted value.
  std::error_code ec;
  const std::string_view unclosed[] = {"1", ".", "alpn=\"h2"};
  EXPECT_FALSE(parse_rdata(rr_type::https, unclosed, name{}, ec).has_value());
  EXPECT_EQ(ec, error::bad_rdata);
}

TEST(DnsRdataParse, GenericForm) {
  // RFC 3597 §5: unknown types stay opaque, known ones decode; whitespace may split the hex.
  EXPECT_EQ(parse_ok(65280, "\\# 4 0A 00 00 01"), rdata(opaque_rdata{hex("0a000001")}));
  EXPECT_EQ(parse_ok(65280, "\\# 0"), rdata(opaque_rdata{}));
  EXPECT_EQ(parse_ok(rr_type::a, "\\# 4 c0000201"), rdata(a_rdata{ip_address::v4({192, 0, 2, 1})}));
  EXPECT_EQ(parse_ok(rr_type::a, "\\# 0"), rdata(opaque_rdata{}));  // as read_rdata decodes it
  for (const char* bad : {"\\# 3 0a0000", "\\# 4 0a00000", "\\# 4 0a0000010b", "\\# x 00",
                          "\\#", "\\# 65536", "\\# 1 zz"})
    EXPECT_EQ(parse_error(rr_type::a, bad), error::bad_rdata) << bad;
  // A compression pointer inside generic data is refused (RFC 3597 §5): the SOA's rname points
  // back into its mname (offset 12 of the rdata) and would otherwise decode.
  const std::string soa_ptr = "\\# 39 0b6161616161616161616161 03636f6d00 c00c "
                              "00000001 00000002 00000003 00000004 00000005";
  EXPECT_EQ(parse_error(rr_type::soa, soa_ptr), error::bad_rdata);
  EXPECT_EQ(parse_error(rr_type::a, "\\# 5 c000020101"), error::bad_rdata);
  // SVCB in the generic form obeys RFC 9460 §8 too: "mandatory" names alpn, which is absent.
  EXPECT_EQ(parse_error(rr_type::svcb, "\\# 9 0001 00 0000 0002 0001"), error::bad_rdata);
  EXPECT_EQ(parse_ok(rr_type::svcb, "\\# 9 0001 00 0003 0002 01bb"),
            rdata(svcb_rdata{1, name{}, {{svc_key::port, hex("01bb")}}}));
  // HINFO and NSEC3PARAM have no typed struct; their text becomes their wire octets.
  EXPECT_EQ(parse_ok(13, "\"PC\" Linux"), rdata(opaque_rdata{hex("02 5043 054c696e7578")}));
  EXPECT_EQ(parse_ok(51, "1 0 10 aabb"), rdata(opaque_rdata{hex("01 00 000a 02aabb")}));
  EXPECT_EQ(parse_ok(51, "1 0 0 -"), rdata(opaque_rdata{hex("01 00 0000 00")}));
  // Other types have no text form here.
  EXPECT_EQ(parse_error(65280, "anything"), error::bad_rdata);
}

TEST(DnsRdataParse, MalformedFields) {
  const std::pair<std::uint16_t, const char*> bad[] = {
      {rr_type::a, "192.0.2"},          {rr_type::a, "2001:db8::1"},
      {rr_type::a, "192.0.2.1 extra"},  {rr_type::a, ""},
      {rr_type::aaaa, "192.0.2.1"},     {rr_type::aaaa, "2001:db8::g"},
      {rr_type::mx, "65536 mx."},       {rr_type::mx, "-1 mx."},
      {rr_type::mx, "10"},              {rr_type::srv, "1 2 mx."},
      {rr_type::soa, "a. b. 1 2 3 4"},  {rr_type::soa, "a. b. 1 2 3 4 5x"},
      {rr_type::caa, "256 issue x"},    {rr_type::caa, "0 is-sue x"},
      {rr_type::caa, "0 \"\" x"},       {rr_type::naptr, "1 2 \"U\" \"E2U\" \"re\""},
      {rr_type::ds, "65536 5 1 00"},
  };
  for (const auto& [type, text] : bad)
    EXPECT_EQ(parse_error(type, text), error::bad_rdata) << type_to_string(type) << " " << text;
  EXPECT_EQ(parse_error(rr_type::ns, "a..b"), error::bad_name_text);
  EXPECT_EQ(parse_error(rr_type::ns, std::string(64, 'x')), error::label_too_long);
}

}  // namespace
}  // namespace l7::dns
