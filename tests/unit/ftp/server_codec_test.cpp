// The server's side of the FTP codec: TYPE A conversion (RFC 959 §3.1.1.1), data-connection
// addresses (RFC 959 §4.1.2, RFC 2428), listings and times (RFC 3659), pathname quoting
// (RFC 959 Appendix II).
#include <gtest/gtest.h>

#include "ftp/codec/ascii.hpp"
#include "ftp/codec/host_port.hpp"
#include "ftp/codec/listing.hpp"
#include "ftp/codec/path.hpp"

namespace l7::ftp {
namespace {

std::span<const std::byte> bytes(std::string_view s) { return std::as_bytes(std::span(s.data(), s.size())); }

std::string to_net(std::string_view s) {
  std::string out;
  ascii_to_network(bytes(s), out);
  return out;
}

// Feeds `wire` to the decoder split at `cut`.
std::string from_net(std::string_view wire, std::size_t cut) {
  ascii_from_network d;
  std::string out;
  d.feed(bytes(wire.substr(0, cut)), out);
  d.feed(bytes(wire.substr(cut)), out);
  d.finish(out);
  return out;
}

TEST(FtpAscii, LfBecomesCrLfAndCountsTheExtraBytes) {
  EXPECT_EQ(to_net("a\nb\n\nc"), "a\r\nb\r\n\r\nc");
  EXPECT_EQ(to_net(""), "");
  EXPECT_EQ(to_net("no newline"), "no newline");
  EXPECT_EQ(ascii_extra(bytes("a\nb\n\nc")), 3u);
  EXPECT_EQ(to_net("a\nb").size(), 3 + ascii_extra(bytes("a\nb")));
}

TEST(FtpAscii, CrLfBecomesLfAtEverySplit) {
  const std::string wire = "line1\r\nline2\r\n\r\nbare\rcr\r\r\nend\r";
  const std::string want = "line1\nline2\n\nbare\rcr\r\nend\r";
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) EXPECT_EQ(from_net(wire, cut), want) << "cut " << cut;
}

TEST(FtpAscii, RoundTripsAnyFile) {
  // A file that already holds CR LF keeps it: its CR is data, the LF is the line end.
  for (std::string file : {"a\r\nb\n", "\r\r\n\n\r", "x", "\n\n\n", "tail\r"}) {
    const auto wire = to_net(file);
    for (std::size_t cut = 0; cut <= wire.size(); ++cut) EXPECT_EQ(from_net(wire, cut), file);
  }
}

TEST(FtpHostPort, PortAndPasvForms) {
  auto a = parse_port_argument("132,235,1,2,24,131");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->address.to_string(), "132.235.1.2");
  EXPECT_EQ(a->port, 24 * 256 + 131);
  EXPECT_EQ(format_port_argument(*a), "132,235,1,2,24,131");
  for (auto bad : {"", "1,2,3,4,5", "1,2,3,4,5,6,7", "256,1,1,1,1,1", "1,2,3,4,5,-6", "1,2,,4,5,6", "a,b,c,d,e,f",
                   "1,2,3,4,5,6 ", "+1,2,3,4,5,6"})
    EXPECT_FALSE(parse_port_argument(bad)) << bad;
  // RFC 1123 §4.1.2.6: the numbers may come with or without parentheses, after any text.
  EXPECT_EQ(parse_pasv_text("Entering Passive Mode (127,0,0,1,117,48)."),
            (data_address{*ip_address::parse("127.0.0.1"), 30000}));
  EXPECT_EQ(parse_pasv_text("=127,0,0,1,117,49"), (data_address{*ip_address::parse("127.0.0.1"), 30001}));
  EXPECT_FALSE(parse_pasv_text("Entering Passive Mode"));
  EXPECT_EQ(format_pasv_text({*ip_address::parse("10.0.0.1"), 30000}), "Entering Passive Mode (10,0,0,1,117,48).");
}

TEST(FtpHostPort, EprtAndEpsvForms) {
  // RFC 2428 §2 examples.
  auto v4 = parse_eprt_argument("|1|132.235.1.2|6275|");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->port, 6275);
  auto v6 = parse_eprt_argument("|2|1080::8:800:200C:417A|5282|");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->address.is_v6());
  EXPECT_EQ(format_eprt_argument(*v6), "|2|1080::8:800:200c:417a|5282|");
  EXPECT_TRUE(parse_eprt_argument("!1!127.0.0.1!2000!"));  // any delimiter 33..126
  for (auto bad : {"", "|1|132.235.1.2|6275", "|2|132.235.1.2|6275|", "|1|::1|6275|", "|3|1.2.3.4|1|",
                   "|1|1.2.3.4|65536|", "|1|1.2.3.4||", " 1 1.2.3.4 5 "})
    EXPECT_FALSE(parse_eprt_argument(bad)) << bad;
  EXPECT_EQ(parse_epsv_argument(""), epsv_arg::none);
  EXPECT_EQ(parse_epsv_argument("1"), epsv_arg::v4);
  EXPECT_EQ(parse_epsv_argument("2"), epsv_arg::v6);
  EXPECT_EQ(parse_epsv_argument("all"), epsv_arg::all);
  EXPECT_EQ(parse_epsv_argument("7"), epsv_arg::unsupported_protocol);
  EXPECT_EQ(parse_epsv_argument("x"), epsv_arg::invalid);
  EXPECT_EQ(format_epsv_text(6446), "Entering Extended Passive Mode (|||6446|)");
  EXPECT_EQ(parse_epsv_text("229 Entering Extended Passive Mode (|||6446|)"), 6446);
  EXPECT_EQ(parse_epsv_text("Entering Extended Passive Mode (!!!6446!)"), 6446);
  EXPECT_FALSE(parse_epsv_text("Entering Extended Passive Mode (|||0|)"));
  EXPECT_FALSE(parse_epsv_text("Entering Extended Passive Mode (||6446|)"));
  EXPECT_FALSE(parse_epsv_text("no parentheses"));
}

TEST(FtpListing, LsLineShowsTimeForRecentFilesAndYearForOld) {
  file_facts f;
  f.name = "notes.txt";
  f.size = 1234;
  f.mode = 0644;
  f.mtime = 1'795'000'000;  // 2026-11-18 11:06:40 UTC
  EXPECT_EQ(format_list_line(f, f.mtime + 86400),
            "-rw-r--r--   1 ftp      ftp              1234 Nov 18 11:06 notes.txt");
  EXPECT_EQ(format_list_line(f, f.mtime + 400 * 86400),
            "-rw-r--r--   1 ftp      ftp              1234 Nov 18  2026 notes.txt");
  f.type = file_facts::kind::dir;
  f.mode = 0755;
  EXPECT_TRUE(format_list_line(f, f.mtime).starts_with("drwxr-xr-x"));
}

TEST(FtpListing, MlsxFactsAndOpts) {
  file_facts f;
  f.name = "a b;c";
  f.size = 42;
  f.mtime = 0;
  f.mode = 0640;
  f.perm = "adfrw";
  EXPECT_EQ(format_mlsx_line(f, {}), "type=file;size=42;modify=19700101000000;perm=adfrw;unix.mode=0640; a b;c");
  auto only = parse_mlst_opts("Type;SIZE;bogus;");
  EXPECT_EQ(format_mlsx_line(f, only), "type=file;size=42; a b;c");
  EXPECT_EQ(format_mlst_feature(only), "type*;size*;modify;perm;unix.mode;");
  f.type = file_facts::kind::dir;
  EXPECT_EQ(format_mlsx_line(f, only), "type=dir; a b;c");  // no size for directories
}

TEST(FtpListing, TimeValRoundTripsAndRejectsNonsense) {
  EXPECT_EQ(format_time_val(1'795'000'000), "20261118110640");
  EXPECT_EQ(parse_time_val("20261118110640"), 1'795'000'000);
  EXPECT_EQ(parse_time_val("20261118110640.123"), 1'795'000'000);
  EXPECT_EQ(parse_time_val("19700101000000"), 0);
  for (auto bad : {"", "2026111809464", "202611181106400", "20261318094640", "20260230000000", "2026111809464x",
                   "20261118110640.", "20261118250000"})
    EXPECT_FALSE(parse_time_val(bad)) << bad;
}

TEST(FtpPath, QuoteJoinAndSafety) {
  EXPECT_EQ(quote_pathname("/a \"b\""), "\"/a \"\"b\"\"\"");
  EXPECT_EQ(unquote_pathname("\"/a \"\"b\"\"\" is the current directory"), "/a \"b\"");
  EXPECT_EQ(unquote_pathname("\"/\" is cwd"), "/");
  EXPECT_FALSE(unquote_pathname("no quotes"));
  EXPECT_FALSE(unquote_pathname("\"unterminated"));
  EXPECT_EQ(join_path("/", "x"), "/x");
  EXPECT_EQ(join_path("/a/b", "c/../d"), "/a/b/c/../d");
  EXPECT_EQ(join_path("/a", "/abs"), "/abs");
  EXPECT_TRUE(unsafe_pathname(std::string_view("a\nb")));
  EXPECT_TRUE(unsafe_pathname(std::string_view("a\0b", 3)));
  EXPECT_FALSE(unsafe_pathname("plain name.txt"));
}

}  // namespace
}  // namespace l7::ftp
