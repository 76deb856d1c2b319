#include <gtest/gtest.h>

#include <string>

#include "core/dot_stuffing.hpp"
#include "smtp/codec/data_reader.hpp"

namespace l7::smtp {
namespace {

struct data_result {
  std::string content;
  std::size_t used = 0;
  bool done = false;
  bool bare_lf = false;
};

data_result read_all(std::string_view in, std::uint64_t max = UINT64_MAX) {
  data_reader r(max);
  data_result out;
  out.used = r.feed(in, out.content);
  out.done = r.done();
  out.bare_lf = r.saw_bare_lf();
  return out;
}

// The same result for every split into two pieces (and byte by byte).
void expect_split_invariant(std::string_view in) {
  const auto whole = read_all(in);
  for (std::size_t cut = 0; cut <= in.size(); ++cut) {
    data_reader r;
    std::string content;
    auto used = r.feed(in.substr(0, cut), content);
    if (!r.done()) used += r.feed(in.substr(cut), content);
    EXPECT_EQ(content, whole.content) << "cut at " << cut;
    EXPECT_EQ(used, whole.used) << "cut at " << cut;
    EXPECT_EQ(r.done(), whole.done);
  }
  data_reader r;
  std::string content;
  std::size_t used = 0;
  for (char c : in)
    if (!r.done()) used += r.feed(std::string_view(&c, 1), content);
  EXPECT_EQ(content, whole.content);
  EXPECT_EQ(used, whole.used);
}

TEST(SmtpData, EndsAtCrlfDotCrlfAndUnstuffs) {
  auto r = read_all("Subject: x\r\n\r\n..leading dot\r\n.\r\nRSET\r\n");
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.content, "Subject: x\r\n\r\n.leading dot\r\n");
  EXPECT_EQ(r.used, std::string_view("Subject: x\r\n\r\n..leading dot\r\n.\r\n").size());
  expect_split_invariant("Subject: x\r\n\r\n..leading dot\r\n.\r\nRSET\r\n");
}

TEST(SmtpData, EmptyMessage) {
  auto r = read_all(".\r\n");
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.content, "");
}

// SMTP smuggling: none of these end the data, so one message can never become two here.
TEST(SmtpData, NonStandardEndsDoNotEndTheMessage) {
  for (std::string_view variant : {"a\n.\nMAIL FROM:<x@y>\r\n", "a\r\n.\nMAIL FROM:<x@y>\r\n",
                                   "a\n.\r\nMAIL FROM:<x@y>\r\n", "a\r.\rMAIL FROM:<x@y>\r\n",
                                   "a\r\n.\rMAIL FROM:<x@y>\r\n"}) {
    auto r = read_all(variant);
    EXPECT_FALSE(r.done) << variant;
    EXPECT_EQ(r.used, variant.size());
    expect_split_invariant(variant);
  }
  // ... and the message goes on to the real end, with its content kept in one piece.
  auto r = read_all("a\n.\nMAIL FROM:<x@y>\r\n.\r\n");
  EXPECT_TRUE(r.done);
  EXPECT_TRUE(r.bare_lf);
  EXPECT_EQ(r.content, "a\r\n\r\nMAIL FROM:<x@y>\r\n");
}

TEST(SmtpData, BareLfBecomesCrlfBareCrStays) {
  auto r = read_all("one\ntwo\rthree\r\n.\r\n");
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.content, "one\r\ntwo\rthree\r\n");
  expect_split_invariant("one\ntwo\rthree\r\n.\r\n");
  expect_split_invariant("x\r\r\n.\r\n");
  expect_split_invariant(".\rx\r\n.\r\n");
}

TEST(SmtpData, SizeLimitKeepsReadingToTheEnd) {
  data_reader r(5);
  std::string out;
  auto used = r.feed("0123456789\r\n.\r\nNEXT", out);
  EXPECT_TRUE(r.done());
  EXPECT_TRUE(r.too_large());
  EXPECT_EQ(used, 15u);
  EXPECT_LE(out.size(), 5u);
}

TEST(SmtpData, StuffingRoundTrips) {
  for (std::string_view content : {"a\r\n.b\r\n..c\r\n", ".\r\n", "no newline", "x\n.\ny", ""}) {
    std::string wire;
    l7::dot_stuff(content, wire);
    auto r = read_all(wire);
    ASSERT_TRUE(r.done) << wire;
    EXPECT_EQ(r.used, wire.size());
    // What comes back is the content with CRLF line ends (and a final CRLF).
    std::string expected;
    for (std::size_t i = 0; i < content.size(); ++i) {
      if (content[i] == '\r' && i + 1 < content.size() && content[i + 1] == '\n') continue;
      if (content[i] == '\n' || content[i] == '\r') expected += "\r\n";
      else expected += content[i];
    }
    if (!expected.empty() && !expected.ends_with("\r\n")) expected += "\r\n";
    EXPECT_EQ(r.content, expected) << content;
  }
}

}  // namespace
}  // namespace l7::smtp
