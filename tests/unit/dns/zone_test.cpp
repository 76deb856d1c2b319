// Master files (RFC 1035 §5): the RFC's example, directives, TTL and class defaults, lexing
// edge cases, $INCLUDE through the callback, $GENERATE, and every error with its line.
#include "dns/codec/zone.hpp"

#include <gtest/gtest.h>

#include <map>

#include "dns/codec/types.hpp"
#include "dns_test_util.hpp"

namespace l7::dns {
namespace {

using testing::hex;
using testing::make_name;

std::vector<resource_record> zone_ok(std::string_view text, zone_parse_options opts = {}) {
  zone_parse_error err;
  auto records = parse_zone(text, opts, err);
  EXPECT_TRUE(records.has_value()) << "line " << err.line << ": " << err.message;
  EXPECT_FALSE(err.ec);
  return records.value_or(std::vector<resource_record>{});
}

zone_parse_error zone_error(std::string_view text, zone_parse_options opts = {}) {
  zone_parse_error err;
  EXPECT_FALSE(parse_zone(text, opts, err).has_value()) << text;
  EXPECT_TRUE(err.ec);
  EXPECT_FALSE(err.message.empty());
  return err;
}

resource_record rr(std::string_view owner, std::uint32_t ttl, rdata d,
                   std::uint16_t klass = rr_class::in) {
  resource_record r = make_record(make_name(owner), ttl, std::move(d));
  r.klass = klass;
  return r;
}

a_rdata a(std::uint8_t x, std::uint8_t y, std::uint8_t z, std::uint8_t w) {
  return {ip_address::v4({x, y, z, w})};
}

zone_parse_options with_origin(std::string_view origin) {
  zone_parse_options o;
  o.origin = make_name(origin);
  return o;
}

// RFC 1035 §5.3, with the mailbox file served by the include callback.
TEST(DnsZone, Rfc1035Example) {
  const std::string text =
      "@   IN  SOA     VENERA      Action\\.domains (\n"
      "                                 20     ; SERIAL\n"
      "                                 7200   ; REFRESH\n"
      "                                 600    ; RETRY\n"
      "                                 3600000; EXPIRE\n"
      "                                 60)    ; MINIMUM\n"
      "\n"
      "        NS      A.ISI.EDU.\n"
      "        NS      VENERA\n"
      "        NS      VAXA\n"
      "        MX      10      VENERA\n"
      "        MX      20      VAXA\n"
      "\n"
      "A       A       26.3.0.103\n"
      "\n"
      "VENERA  A       10.1.0.52\n"
      "        A       128.9.0.32\n"
      "\n"
      "VAXA    A       10.2.0.27\n"
      "        A       128.9.0.33\n"
      "\n"
      "\n"
      "$INCLUDE <SUBSYS>ISI-MAILBOXES.TXT\n";
  auto opts = with_origin("ISI.EDU");
  std::vector<std::string> asked;
  opts.include = [&](std::string_view path) -> std::optional<std::string> {
    asked.emplace_back(path);
    return "MOE A 10.3.0.1\n";
  };
  const auto records = zone_ok(text, opts);
  EXPECT_EQ(asked, std::vector<std::string>{"<SUBSYS>ISI-MAILBOXES.TXT"});
  // No $TTL and no explicit TTL: the SOA MINIMUM applies (RFC 2308 §4).
  const std::vector<resource_record> expected = {
      rr("ISI.EDU", 60, soa_rdata{make_name("VENERA.ISI.EDU"), make_name("Action\\.domains.ISI.EDU"),
                                  20, 7200, 600, 3600000, 60}),
      rr("ISI.EDU", 60, ns_rdata{make_name("A.ISI.EDU")}),
      rr("ISI.EDU", 60, ns_rdata{make_name("VENERA.ISI.EDU")}),
      rr("ISI.EDU", 60, ns_rdata{make_name("VAXA.ISI.EDU")}),
      rr("ISI.EDU", 60, mx_rdata{10, make_name("VENERA.ISI.EDU")}),
      rr("ISI.EDU", 60, mx_rdata{20, make_name("VAXA.ISI.EDU")}),
      rr("A.ISI.EDU", 60, a(26, 3, 0, 103)),
      rr("VENERA.ISI.EDU", 60, a(10, 1, 0, 52)),
      rr("VENERA.ISI.EDU", 60, a(128, 9, 0, 32)),
      rr("VAXA.ISI.EDU", 60, a(10, 2, 0, 27)),
      rr("VAXA.ISI.EDU", 60, a(128, 9, 0, 33)),
      rr("MOE.ISI.EDU", 60, a(10, 3, 0, 1)),
  };
  EXPECT_EQ(records, expected);
}

// Every type: records printed by to_string (wire -> text) parse back to the same records, whose
// encoding is the original wire (text -> wire).
TEST(DnsZone, EveryTypeRoundTripsThroughAZoneFile) {
  const std::pair<std::uint16_t, std::string> wire_rdata[] = {
      {rr_type::a, "c0000201"},
      {rr_type::aaaa, "20010db8000000000000000000000001"},
      {rr_type::ns, "036e7331076578616d706c6503636f6d00"},
      {rr_type::cname, "03777777076578616d706c6503636f6d00"},
      {rr_type::ptr, "04686f7374076578616d706c6503636f6d00"},
      {rr_type::dname, "076578616d706c65036e657400"},
      {rr_type::soa, "026e73076578616d706c6503636f6d00 0a686f73746d6173746572c00c"
                     "00000001 00001c20 00000e10 00127500 0000012c"},
      {rr_type::mx, "000a 046d61696c076578616d706c6503636f6d00"},
      {rr_type::txt, "0a7769746820223b28293b 00 0201ff"},
      {rr_type::srv, "000a 003c 13c4 03736970076578616d706c6503636f6d00"},
      {rr_type::naptr, "0064 000a 0155 074532552b736970 03215e21 00"},
      {rr_type::caa, "00 056973737565 3b2028"},
      {rr_type::ds, "ec45 05 01 2bb183af5f22588179a53b0a98631fad1a292118"},
      {rr_type::dnskey, "0101 03 08 03010001"},
      {rr_type::rrsig, "0001 08 02 00000e10 65920080 65692200 3039 076578616d706c6503636f6d00 01020304"},
      {rr_type::nsec, "04686f7374076578616d706c6503636f6d00 0006200100000003"},
      {rr_type::nsec3, "01 01 000c 04aabbccdd 14174eb2409fe28bcb4887a1836f957f0a8425e27b 000722000000000290"},
      {rr_type::svcb, "0001 00 0001000302683300030002 01bb"},
      {rr_type::https, "0001 00 0005000401020304 fde8000420283b22"},
      {13, "0250430554 696e7578"},
      {65280, "deadbeef"},
  };
  message original;
  original.hdr.qr = true;
  std::string zone = "$TTL 300\n";
  for (const auto& [type, h] : wire_rdata) {
    const auto bytes = hex(h);
    std::string wire = testing::header_hex(0, 1, 0, 0) + "076578616d706c6503636f6d00";
    char fixed[32];
    std::snprintf(fixed, sizeof fixed, "%04x 0001 0000012c %04x", type, unsigned(bytes.size()));
    const message m = testing::decode_ok(hex(wire + fixed + h));
    ASSERT_EQ(m.answers.size(), 1u) << h;
    original.answers.push_back(m.answers[0]);
    zone += to_string(m.answers[0]) + "\n";
  }
  const auto records = zone_ok(zone);
  EXPECT_EQ(records, original.answers);
  message parsed = original;
  parsed.answers = records;
  EXPECT_EQ(testing::encode_ok(parsed), testing::encode_ok(original));
}

TEST(DnsZone, OriginTtlAndClassDefaults) {
  const auto records = zone_ok(
      "$ORIGIN example.com.\n"
      "$TTL 1h\n"
      "@ IN SOA ns hostmaster 1 2 3 4 5\n"
      "www 60 IN A 192.0.2.1\n"       // TTL then class
      "ftp IN 2m A 192.0.2.2\n"       // class then TTL
      "mail A 192.0.2.3\n"            // neither: $TTL, the zone's class
      "$ORIGIN sub\n"                 // relative to the current origin
      "host A 192.0.2.4\n"
      "abs.example.net. 1D A 192.0.2.5\n");
  const std::vector<resource_record> expected = {
      rr("example.com", 3600, soa_rdata{make_name("ns.example.com"),
                                        make_name("hostmaster.example.com"), 1, 2, 3, 4, 5}),
      rr("www.example.com", 60, a(192, 0, 2, 1)),
      rr("ftp.example.com", 120, a(192, 0, 2, 2)),
      rr("mail.example.com", 3600, a(192, 0, 2, 3)),
      rr("host.sub.example.com", 3600, a(192, 0, 2, 4)),
      rr("abs.example.net", 86400, a(192, 0, 2, 5)),
  };
  EXPECT_EQ(records, expected);
}

TEST(DnsZone, TtlWithoutDollarTtl) {
  auto opts = with_origin("example.com");
  opts.default_ttl = 777;
  // Before any TTL or SOA: default_ttl. Then the last stated TTL (RFC 1035 §5.1).
  EXPECT_EQ(zone_ok("a A 192.0.2.1\nb 30 A 192.0.2.2\nc A 192.0.2.3\n", opts),
            (std::vector<resource_record>{rr("a.example.com", 777, a(192, 0, 2, 1)),
                                          rr("b.example.com", 30, a(192, 0, 2, 2)),
                                          rr("c.example.com", 30, a(192, 0, 2, 3))}));
  // An SOA without TTL: its MINIMUM for itself and what follows (RFC 2308 §4), until a TTL is
  // stated; $TTL then overrides both.
  const auto records = zone_ok(
      "@ SOA ns hm 1 2 3 4 50\nx A 192.0.2.1\ny 10 A 192.0.2.2\nz A 192.0.2.3\n"
      "$TTL 99\nw A 192.0.2.4\n", opts);
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[0].ttl, 50u);
  EXPECT_EQ(records[1].ttl, 50u);
  EXPECT_EQ(records[2].ttl, 10u);
  EXPECT_EQ(records[3].ttl, 10u);
  EXPECT_EQ(records[4].ttl, 99u);
}

TEST(DnsZone, OwnersParenthesesCommentsQuotes) {
  const auto records = zone_ok(
      "; a comment line\n"
      "   ; an indented comment line\n"
      "\n"
      "txt TXT \"semi;colon\" \"(paren\" ( \"in parens\" ; comment\n"
      "   \"next line\" ) \"after\"\n"
      "\tTXT plain\\ word \"esc\\\"aped\\059\"\n"   // blank owner: the previous owner
      "a\\.b\\032c TXT x\r\n"                      // escapes in the owner, CRLF line end
      "@ TXT \"a)b\"\n"
      "( paren-owner TXT y )\n",
      with_origin("example.com"));
  const std::vector<resource_record> expected = {
      rr("txt.example.com", 3600, txt_rdata{{"semi;colon", "(paren", "in parens", "next line", "after"}}),
      rr("txt.example.com", 3600, txt_rdata{{"plain word", "esc\"aped;"}}),
      rr("a\\.b\\032c.example.com", 3600, txt_rdata{{"x"}}),
      rr("example.com", 3600, txt_rdata{{"a)b"}}),
      rr("paren-owner.example.com", 3600, txt_rdata{{"y"}}),
  };
  EXPECT_EQ(records, expected);
}

TEST(DnsZone, OtherClasses) {
  // A outside class IN only in the generic form, and it stays opaque as on the wire.
  const auto records = zone_ok("version CH TXT \"1.0\"\nhost CH A \\# 4 c0000201\n",
                               with_origin("example"));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].klass, rr_class::ch);
  EXPECT_EQ(records[1].klass, rr_class::ch);
  EXPECT_EQ(records[1].data, rdata(opaque_rdata{hex("c0000201")}));
  EXPECT_EQ(zone_error("host CH A 192.0.2.1\n").ec, error::bad_rdata);
  EXPECT_EQ(zone_ok("x CLASS1 A 192.0.2.1\n").at(0).klass, rr_class::in);
}

TEST(DnsZone, Include) {
  std::map<std::string, std::string, std::less<>> files = {
      {"hosts.inc", "www A 192.0.2.1\n  A 192.0.2.2\n$ORIGIN elsewhere.\nz A 192.0.2.9\n"},
      {"nested.inc", "$INCLUDE \"hosts.inc\" deep\n"},
      {"bad.inc", "ok A 192.0.2.1\n\nbad A 999.0.2.1\n"},
      {"self.inc", "$INCLUDE self.inc\n"},
  };
  auto opts = with_origin("example.com");
  opts.include = [&](std::string_view path) -> std::optional<std::string> {
    const auto it = files.find(path);
    if (it == files.end()) return std::nullopt;
    return it->second;
  };
  // The origin argument applies inside; afterwards the origin and the previous owner are back.
  const auto records = zone_ok(
      "before A 192.0.2.0\n$INCLUDE hosts.inc sub\n A 192.0.2.3\nafter A 192.0.2.4\n"
      "$INCLUDE nested.inc\n", opts);
  const std::vector<std::string> owners = {
      "before.example.com.", "www.sub.example.com.", "www.sub.example.com.", "z.elsewhere.",
      "before.example.com.", "after.example.com.", "www.deep.example.com.",
      "www.deep.example.com.", "z.elsewhere."};
  ASSERT_EQ(records.size(), owners.size());
  for (std::size_t i = 0; i < owners.size(); ++i) EXPECT_EQ(records[i].owner.to_string(), owners[i]);

  auto err = zone_error("a A 192.0.2.1\n$INCLUDE bad.inc\n", opts);
  EXPECT_EQ(err.ec, error::bad_rdata);
  EXPECT_EQ(err.line, 2u);
  EXPECT_NE(err.message.find("\"bad.inc\" line 3: "), std::string::npos) << err.message;

  err = zone_error("\n$INCLUDE self.inc\n", opts);
  EXPECT_EQ(err.ec, error::include_failed);
  EXPECT_EQ(err.line, 2u);
  EXPECT_NE(err.message.find("nested more than 10 deep"), std::string::npos) << err.message;

  err = zone_error("$INCLUDE missing.inc\n", opts);
  EXPECT_EQ(err.ec, error::include_failed);
  EXPECT_NE(err.message.find("missing.inc"), std::string::npos);
  EXPECT_EQ(zone_error("$INCLUDE hosts.inc\n").ec, error::include_failed);  // no callback
  EXPECT_EQ(zone_error("$INCLUDE\n", opts).ec, error::zone_syntax);
  EXPECT_EQ(zone_error("$INCLUDE a b c\n", opts).ec, error::zone_syntax);
}

TEST(DnsZone, Generate) {
  const auto records = zone_ok(
      "$GENERATE 1-3 host$ A 10.0.0.$\n"
      "$GENERATE 8-12/2 ${0,3,d}.rev 300 IN PTR h${-8,2,x}-${0,0,o}-${5,1,X}\\$.example.\n",
      with_origin("example.com"));
  std::vector<std::string> lines;
  for (const auto& r : records) lines.push_back(to_string(r));
  const std::vector<std::string> expected = {
      "host1.example.com.\t3600\tIN\tA\t10.0.0.1",
      "host2.example.com.\t3600\tIN\tA\t10.0.0.2",
      "host3.example.com.\t3600\tIN\tA\t10.0.0.3",
      "008.rev.example.com.\t300\tIN\tPTR\th00-10-D\\$.example.",
      "010.rev.example.com.\t300\tIN\tPTR\th02-12-F\\$.example.",
      "012.rev.example.com.\t300\tIN\tPTR\th04-14-11\\$.example.",
  };
  EXPECT_EQ(lines, expected);
  for (const char* bad : {"$GENERATE 3-1 h$ A 10.0.0.$\n", "$GENERATE 1-3/0 h$ A 10.0.0.$\n",
                          "$GENERATE x-3 h$ A 10.0.0.$\n", "$GENERATE 1-3 h${1,2,q} A 10.0.0.$\n",
                          "$GENERATE 1-3 h${1 A 10.0.0.$\n", "$GENERATE 1-3 h${-5} A 10.0.0.$\n",
                          "$GENERATE 1-3 h$ A\n"})
    EXPECT_EQ(zone_error(bad).ec, error::zone_syntax) << bad;
  EXPECT_EQ(zone_error("$GENERATE 1-300 h$ A 10.0.0.$\n").ec, error::bad_rdata);
  auto small = with_origin("example.com");
  small.max_records = 5;
  EXPECT_EQ(zone_error("$GENERATE 1-6 h$ A 10.0.0.$\n", small).ec, error::zone_too_large);
}

TEST(DnsZone, ErrorsCarryTheirLine) {
  struct error_case {
    std::string text;
    error ec;
    std::size_t line;
  };
  const std::string ok = "a A 192.0.2.1\n";
  const error_case cases[] = {
      {" A 192.0.2.1\n", error::zone_syntax, 1},                 // blank owner, no previous
      {ok + "b FOO 1\n", error::unknown_rr_type, 2},
      {ok + "b A\n", error::bad_rdata, 2},
      {ok + ok + "b 1x A 192.0.2.1\n", error::bad_ttl, 3},
      {ok + "b 2147483648 A 192.0.2.1\n", error::bad_ttl, 2},    // RFC 2181 §8
      {ok + "b\n", error::zone_syntax, 2},                       // no type
      {ok + "b IN\n", error::zone_syntax, 2},
      {ok + "b CH A \\# 4 c0000201\n", error::class_mismatch, 2},
      {"@ SOA a. b. 1 2 3 4 5\n" + ok + "@ SOA a. b. 1 2 3 4 5\n", error::zone_syntax, 3},
      {ok + "b ANY A 192.0.2.1\n", error::zone_syntax, 2},
      {ok + "b AXFR \\# 0\n", error::unknown_rr_type, 2},
      {ok + "b OPT \\# 0\n", error::unknown_rr_type, 2},
      {ok + "$FOO bar\n", error::zone_syntax, 2},
      {ok + "$TTL\n", error::zone_syntax, 2},
      {ok + "$TTL 1 2\n", error::zone_syntax, 2},
      {ok + "$TTL abc\n", error::bad_ttl, 2},
      {ok + "$ORIGIN a..b\n", error::bad_name_text, 2},
      {ok + "a..b A 192.0.2.1\n", error::bad_name_text, 2},
      {ok + "b TXT \"open\n\"x\"\n", error::zone_syntax, 2},
      {ok + "b A ( 192.0.2.1\n\n", error::zone_syntax, 2},       // '(' never closed
      {ok + "b TXT ( ( x ) )\n", error::zone_syntax, 2},
      {ok + "\nb A 192.0.2.1 )\n", error::zone_syntax, 3},
      {ok + "b MX ( 10\n\n  mail..x )\n", error::bad_name_text, 2},  // the entry's first line
      {ok + "b TXT \"" + std::string(256, 'x') + "\"\n", error::bad_rdata, 2},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    const auto err = zone_error(c.text);
    EXPECT_EQ(err.ec, c.ec) << err.message;
    EXPECT_EQ(err.line, c.line) << err.message;
  }
}

TEST(DnsZone, RecordLimitAndEmptyInput) {
  EXPECT_TRUE(zone_ok("").empty());
  EXPECT_TRUE(zone_ok("; only a comment\n\n   \n").empty());
  zone_parse_options opts;
  opts.max_records = 2;
  const auto err = zone_error("a A 192.0.2.1\nb A 192.0.2.2\nc A 192.0.2.3\n", opts);
  EXPECT_EQ(err.ec, error::zone_too_large);
  EXPECT_EQ(err.line, 3u);
  // The last line needs no newline.
  EXPECT_EQ(zone_ok("a A 192.0.2.1").size(), 1u);
}

}  // namespace
}  // namespace l7::dns
