// RFC 5322 header sections: folding, line endings, 8-bit values, lenient syntax, limits, and
// the incremental parser giving the same section however the bytes are split.
#include <gtest/gtest.h>

#include "mail/codec/error.hpp"
#include "mail/codec/header.hpp"
#include "mail_test_util.hpp"

namespace {

using namespace l7::mail;
using l7::mail::testing::crlf;

header_section parse_whole(std::string_view msg, header_limits limits = {}) {
  std::error_code ec;
  auto s = parse_header_section(msg, limits, ec);
  EXPECT_FALSE(ec) << ec.message();
  return s;
}

// Feeds `msg` in pieces of `cut` then the rest, as a server reading a socket would.
header_section parse_split(std::string_view msg, std::size_t cut, std::error_code& ec) {
  header_parser p;
  std::string buf(msg.substr(0, cut));
  std::size_t fed = cut;
  for (;;) {
    const auto used = p.parse(buf, ec);
    buf.erase(0, used);
    if (ec || p.done() || fed == msg.size()) break;
    buf += msg.substr(fed);
    fed = msg.size();
  }
  if (!ec && !p.done()) p.finish(buf, ec);
  return p.take();
}

TEST(mail_header, fields_and_body_offset) {
  const auto msg = crlf("From: John Doe <jdoe@machine.example>\nSubject: Saying Hello\n\nbody\n");
  const auto s = parse_whole(msg);
  ASSERT_EQ(s.fields.size(), 2u);
  EXPECT_EQ(s.fields[0].name, "From");
  EXPECT_EQ(s.fields[0].value, "John Doe <jdoe@machine.example>");
  EXPECT_EQ(s.fields[0].begin, 0u);
  EXPECT_EQ(s.fields[0].end, 39u);
  EXPECT_EQ(s.fields[1].begin, 39u);
  EXPECT_TRUE(s.has_empty_line);
  EXPECT_EQ(msg.substr(s.end), "body\r\n");
}

TEST(mail_header, folding_is_unfolded_and_raw_range_kept) {  // RFC 5322 §2.2.3
  const auto msg = crlf("Subject: This\n is a test\n\tof folding\nTo: x\n\n");
  const auto s = parse_whole(msg);
  ASSERT_EQ(s.fields.size(), 2u);
  EXPECT_EQ(s.fields[0].value, "This is a test\tof folding");
  EXPECT_EQ(msg.substr(s.fields[0].begin, s.fields[0].end - s.fields[0].begin),
            "Subject: This\r\n is a test\r\n\tof folding\r\n");
}

TEST(mail_header, bare_lf_and_mixed_line_ends) {
  const auto s = parse_whole("A: 1\nB: 2\r\nC:  3 \n\nbody");
  ASSERT_EQ(s.fields.size(), 3u);
  EXPECT_EQ(s.value("c"), "3");
  EXPECT_EQ(s.end, 19u);
}

TEST(mail_header, lookup_is_case_insensitive) {
  const auto s = parse_whole(crlf("content-TYPE: text/plain\nReceived: a\nRECEIVED: b\n\n"));
  EXPECT_EQ(s.value("Content-Type"), "text/plain");
  ASSERT_EQ(s.find_all("received").size(), 2u);
  EXPECT_EQ(s.find_all("received")[1]->value, "b");
  EXPECT_EQ(s.find("X-Missing"), nullptr);
  EXPECT_EQ(s.value("X-Missing"), "");
}

TEST(mail_header, utf8_header_values_kept) {  // RFC 6532 §3.2
  const auto s = parse_whole("Subject: Gr\xc3\xbc\xc3\x9f" "e \xe2\x98\x83\r\n\r\n");
  EXPECT_EQ(s.value("subject"), "Gr\xc3\xbc\xc3\x9f" "e \xe2\x98\x83");
}

TEST(mail_header, obsolete_and_malformed_lines) {
  // RFC 5322 §4.5: WSP before the colon; a line without a colon is kept, flagged.
  const auto msg = crlf("From  : John\nthis is not a field\nX-Empty:\n  \n  late value\n\n");
  const auto s = parse_whole(msg);
  ASSERT_EQ(s.fields.size(), 3u);
  EXPECT_EQ(s.value("from"), "John");
  EXPECT_TRUE(s.fields[1].malformed);
  EXPECT_EQ(s.fields[1].value, "this is not a field");
  EXPECT_EQ(s.value("x-empty"), "late value");  // obs whitespace-only line (§4.2)
  EXPECT_EQ(s.fields.back().end, msg.size() - 2);
}

TEST(mail_header, continuation_first_and_bad_names) {
  const auto s = parse_whole(crlf(" leading: fold\nBad Name: v\n\n"));
  ASSERT_EQ(s.fields.size(), 2u);
  EXPECT_TRUE(s.fields[0].malformed);
  EXPECT_TRUE(s.fields[1].malformed);
  EXPECT_EQ(s.find("Bad Name"), nullptr);
}

TEST(mail_header, no_empty_line_runs_to_end) {
  const auto s = parse_whole("Subject: only a header");
  ASSERT_EQ(s.fields.size(), 1u);
  EXPECT_EQ(s.value("subject"), "only a header");
  EXPECT_FALSE(s.has_empty_line);
  EXPECT_EQ(s.end, 22u);
  const auto empty = parse_whole("");
  EXPECT_TRUE(empty.fields.empty());
  const auto only_blank = parse_whole("\r\nbody");
  EXPECT_TRUE(only_blank.fields.empty());
  EXPECT_EQ(only_blank.end, 2u);
  const auto lone_cr = parse_whole("A: b\r\n\r");
  EXPECT_EQ(lone_cr.end, 7u);
}

TEST(mail_header, nul_bytes_are_data) {
  const std::string msg("X-Nul: a\0b\r\nY: c\r\n\r\n", 20);
  const auto s = parse_whole(msg);
  ASSERT_EQ(s.fields.size(), 2u);
  EXPECT_EQ(s.fields[0].value, std::string("a\0b", 3));
}

TEST(mail_header, split_at_every_offset_parses_the_same) {
  const std::string samples[] = {
      crlf("From: a@b\nSubject: x\n y\n\tz\nTo: c@d\n\nbody\n"),
      "A: 1\nB:\n 2\n\n",
      crlf("Received: from x\n\tby y; Fri, 21 Nov 1997\nX: \xc3\xa9\n"),  // no empty line
      "A: 1\r\n\r",
  };
  for (const auto& msg : samples) {
    std::error_code ec;
    const auto whole = parse_header_section(msg, {}, ec);
    ASSERT_FALSE(ec);
    for (std::size_t cut = 0; cut <= msg.size(); ++cut) {
      const auto s = parse_split(msg, cut, ec);
      ASSERT_FALSE(ec);
      ASSERT_EQ(s.fields.size(), whole.fields.size()) << cut;
      for (std::size_t i = 0; i < s.fields.size(); ++i) {
        EXPECT_EQ(s.fields[i].name, whole.fields[i].name);
        EXPECT_EQ(s.fields[i].value, whole.fields[i].value);
        EXPECT_EQ(s.fields[i].begin, whole.fields[i].begin);
        EXPECT_EQ(s.fields[i].end, whole.fields[i].end);
      }
      EXPECT_EQ(s.end, whole.end);
      EXPECT_EQ(s.has_empty_line, whole.has_empty_line);
    }
  }
}

TEST(mail_header, incremental_reports_done_and_leaves_body) {
  header_parser p;
  std::error_code ec;
  EXPECT_EQ(p.parse(std::string_view("Subject: hi\r\nTo: x"), ec), 13u);
  EXPECT_FALSE(p.done());
  EXPECT_EQ(p.section().fields.size(), 0u);  // Subject may still be folded
  EXPECT_EQ(p.parse(std::string_view("To: x\r\n\r\nbody"), ec), 9u);
  EXPECT_TRUE(p.done());
  EXPECT_EQ(p.section().fields.size(), 2u);
  EXPECT_EQ(p.section().end, 22u);
  EXPECT_FALSE(ec);
  // The byte-span form, with a base offset (a header section inside a larger buffer).
  const std::string bytes = "X: 1\r\n\r\n";
  header_parser q({}, 100);
  EXPECT_EQ(q.parse(std::as_bytes(std::span(bytes.data(), bytes.size())), ec), bytes.size());
  ASSERT_TRUE(q.done());
  EXPECT_EQ(q.section().fields[0].begin, 100u);
  EXPECT_EQ(q.section().end, 108u);
}

TEST(mail_header, long_line_fed_a_byte_at_a_time) {  // no quadratic rescan
  header_parser p;
  std::error_code ec;
  std::string buf = "Subject: ";
  const std::string value(60000, 'v');
  for (char c : value) {
    buf += c;
    ASSERT_EQ(p.parse(buf, ec), 0u);
  }
  buf += "\r\n\r\n";
  EXPECT_EQ(p.parse(buf, ec), buf.size());
  EXPECT_TRUE(p.done());
  EXPECT_EQ(p.section().value("subject"), value);
}

TEST(mail_header, line_at_the_limit_in_pieces) {
  header_limits small{.max_line = 16};
  const std::string msg = "Subject: 1234567\r\n\r\n";  // a 16-byte line and its CRLF
  for (std::size_t cut = 0; cut <= msg.size(); ++cut) {
    header_parser p(small);
    std::error_code ec;
    const auto used = p.parse(std::string_view(msg).substr(0, cut), ec);
    ASSERT_FALSE(ec) << cut;
    p.parse(std::string_view(msg).substr(used), ec);
    ASSERT_FALSE(ec) << cut;
    EXPECT_TRUE(p.done());
  }
  std::error_code ec;
  parse_header_section("Subject: 12345678\r\n\r\n", small, ec);
  EXPECT_EQ(ec, error::line_too_long);
}

TEST(mail_header, limits) {
  std::error_code ec;
  header_limits small{.max_header_bytes = 40, .max_fields = 2, .max_line = 16};
  parse_header_section("A: 1\r\nB: 2\r\nC: 3\r\n\r\n", small, ec);
  EXPECT_EQ(ec, error::too_many_fields);
  parse_header_section("Subject: this line is far too long\r\n\r\n", small, ec);
  EXPECT_EQ(ec, error::line_too_long);
  parse_header_section("A: 1\r\n 2\r\n 3\r\n 4\r\n 5\r\n 6\r\n 7\r\n 8\r\n 9\r\n 10\r\n 11\r\n 12\r\n\r\n",
                       small, ec);
  EXPECT_EQ(ec, error::header_too_large);
  // An overlong line without LF is refused before it is complete, and the parser stays failed.
  header_parser p(small);
  EXPECT_EQ(p.parse(std::string_view("Subject: 0123456789abcdef"), ec), 0u);
  EXPECT_EQ(ec, error::line_too_long);
  ec.clear();
  p.parse(std::string_view("A: b\r\n"), ec);
  EXPECT_EQ(ec, error::line_too_long);
  EXPECT_STREQ(ec.category().name(), "l7.mail");
  EXPECT_FALSE(ec.message().empty());
}

}  // namespace
