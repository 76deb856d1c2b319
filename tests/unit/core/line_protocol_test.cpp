// The shared pieces of the line protocols: numeric replies (RFC 959 §4.2, RFC 5321 §4.2) and
// client command lines with overlong-line recovery.
#include <gtest/gtest.h>

#include "core/command_line.hpp"
#include "core/numeric_reply.hpp"

namespace l7 {
namespace {

std::string encoded(const numeric_reply& r, reply_style s = reply_style::every_line) {
  std::string out;
  encode_reply(r, out, s);
  return out;
}

numeric_reply parse_all(std::string_view text, std::size_t step, std::error_code& ec);

TEST(NumericReply, EncodesSingleAndMultiLine) {
  EXPECT_EQ(encoded({200, {"Okay."}}), "200 Okay.\r\n");
  EXPECT_EQ(encoded({220, {}}), "220\r\n");
  EXPECT_EQ(encoded({250, {"mail.test", "SIZE 1000", "HELP"}}),
            "250-mail.test\r\n250-SIZE 1000\r\n250 HELP\r\n");
  // FTP style (RFC 2389 FEAT): inner lines as they are, one that looks like the end indented.
  EXPECT_EQ(encoded({211, {"Features:", " MDTM", "211 not the end", "End"}}, reply_style::first_and_last),
            "211-Features:\r\n MDTM\r\n 211 not the end\r\n211 End\r\n");
  EXPECT_EQ(encoded({500, {"bad\r\nline"}}), "500 bad  line\r\n");
  // Fuzzer findings: a bare code, a code and a CR, or "ddd-" inside must not end or shorten
  // the reply either.
  for (std::string inner : {"211", "211\rfoo", "211-foo"}) {
    const auto wire = encoded({211, {"x", inner, "end"}}, reply_style::first_and_last);
    std::error_code ec;
    const auto back = parse_all(wire, wire.size(), ec);
    EXPECT_FALSE(ec);
    EXPECT_EQ(back.lines.size(), 3u) << wire;
  }
}

numeric_reply parse_all(std::string_view text, std::size_t step, std::error_code& ec) {
  reply_parser p;
  std::string buf;
  for (std::size_t i = 0; i < text.size() && !p.done() && !ec; i += step) {
    buf.append(text.substr(i, step));
    auto n = p.parse(buf, ec);
    buf.erase(0, n);
  }
  EXPECT_TRUE(p.done() || ec);
  return p.reply();
}

TEST(NumericReply, ParsesEveryStyleAtEverySplit) {
  struct c {
    std::string text;
    int code;
    std::vector<std::string> lines;
  } cases[] = {
      {"220 Service ready\r\n", 220, {"Service ready"}},
      {"220\r\n", 220, {""}},
      {"250-a\r\n250-b\r\n250 c\r\n", 250, {"a", "b", "c"}},
      {"211-Features:\r\n MDTM\r\n SIZE\r\n211 End\r\n", 211, {"Features:", " MDTM", " SIZE", "End"}},
      // RFC 959 §4.2's example: an inner line starting with another code stays as it is.
      {"123-First line\r\nSecond line\r\n  234 A line beginning with numbers\r\n123 The last line\r\n",
       123, {"First line", "Second line", "  234 A line beginning with numbers", "The last line"}},
      {"226 Done\n", 226, {"Done"}},  // bare LF, as some servers send
  };
  for (const auto& tc : cases) {
    for (std::size_t step = 1; step <= tc.text.size(); ++step) {
      std::error_code ec;
      auto r = parse_all(tc.text, step, ec);
      ASSERT_FALSE(ec) << tc.text << " step " << step << ": " << ec.message();
      EXPECT_EQ(r.code, tc.code);
      EXPECT_EQ(r.lines, tc.lines) << tc.text;
    }
    // And what the encoder writes comes back the same.
    std::error_code ec;
    auto again = parse_all(encoded({tc.code, tc.lines}), 7, ec);
    EXPECT_FALSE(ec);
    EXPECT_EQ(again.lines, tc.lines);
  }
}

TEST(NumericReply, StopsAfterOneReplyAndRejectsGarbage) {
  reply_parser p;
  std::error_code ec;
  std::string two = "331 Password required\r\n230 Logged in\r\n";
  auto n = p.parse(two, ec);
  EXPECT_EQ(n, 23u);
  EXPECT_TRUE(p.done());
  p.reset();
  EXPECT_EQ(p.parse(std::string_view(two).substr(n), ec), two.size() - n);
  EXPECT_EQ(p.reply().code, 230);

  for (std::string bad : {"hello\r\n", "99 x\r\n", "600 x\r\n", "2000 x\r\n", "20x y\r\n"}) {
    reply_parser q;
    std::error_code e;
    q.parse(bad, e);
    EXPECT_EQ(e, reply_error::bad_reply_line) << bad;
  }
  reply_parser small({.max_line = 10, .max_lines = 3});
  std::error_code e1;
  small.parse("200 " + std::string(20, 'x') + "\r\n", e1);
  EXPECT_EQ(e1, reply_error::line_too_long);
  reply_parser few({.max_line = 100, .max_lines = 3});
  std::error_code e2;
  few.parse("211-a\r\nb\r\nc\r\nd\r\n211 e\r\n", e2);
  EXPECT_EQ(e2, reply_error::too_many_lines);
  reply_parser strict({.max_line = 100, .max_lines = 3, .allow_bare_lf = false});
  std::error_code e3;
  strict.parse("200 x\n", e3);
  EXPECT_EQ(e3, reply_error::bare_lf);
}

TEST(CommandLine, SplitsVerbAndArgument) {
  auto c = split_command("retr my file.txt");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->verb, "RETR");
  EXPECT_EQ(c->argument, "my file.txt");
  auto d = split_command("NOOP");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->argument, "");
  EXPECT_EQ(split_command("XMD5 f")->verb, "XMD5");
  for (auto bad : {"", " RETR x", "1ABC", "RE-TR", "TOOLONGVERB x"}) EXPECT_FALSE(split_command(bad)) << bad;
}

TEST(CommandLine, FramerRecoversFromOverlongLines) {
  command_framer f(8);
  // Overlong with its end in view: one too_long, then the next line.
  std::string in = "AAAAAAAAAAAA\r\nNOOP\r\n";
  auto r = f.next(in);
  EXPECT_EQ(r.status, line_status::too_long);
  EXPECT_EQ(r.consumed, 14u);
  r = f.next(std::string_view(in).substr(14));
  EXPECT_EQ(r.status, line_status::ok);
  EXPECT_EQ(r.line, "NOOP");

  // Overlong arriving in pieces: reported once, the rest skipped quietly.
  command_framer g(8);
  r = g.next("BBBBBBBBBBBBBBBB");
  EXPECT_EQ(r.status, line_status::too_long);
  EXPECT_EQ(r.consumed, 16u);
  EXPECT_TRUE(g.discarding());
  r = g.next("BBBBBBBB");
  EXPECT_EQ(r.status, line_status::need_more);
  EXPECT_EQ(r.consumed, 8u);
  r = g.next("BB\r\nQUIT\r\n");
  EXPECT_EQ(r.status, line_status::ok);
  EXPECT_EQ(r.line, "QUIT");
  EXPECT_EQ(r.consumed, 10u);
  EXPECT_FALSE(g.discarding());

  // Bare LF when not allowed: reported and skipped.
  command_framer h(100, false);
  r = h.next("USER x\nPASS y\r\n");
  EXPECT_EQ(r.status, line_status::bare_lf);
  EXPECT_EQ(r.consumed, 7u);
}

}  // namespace
}  // namespace l7
