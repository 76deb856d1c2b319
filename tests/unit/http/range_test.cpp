// Range requests (RFC 9110 §14), including the §14.1.2 examples for a 10000-byte representation.
#include <gtest/gtest.h>

#include "http/codec/range.hpp"

namespace l7::http {
namespace {

using ranges = std::vector<byte_range>;

struct range_case {
  const char* value;
  std::uint64_t size;
  range_status status;
  ranges expected;
};

TEST(http_range, table) {
  const std::vector<range_case> cases = {
      // RFC 9110 §14.1.2 examples.
      {"bytes=0-499", 10000, range_status::satisfiable, {{0, 499}}},
      {"bytes=500-999", 10000, range_status::satisfiable, {{500, 999}}},
      {"bytes=-500", 10000, range_status::satisfiable, {{9500, 9999}}},
      {"bytes=9500-", 10000, range_status::satisfiable, {{9500, 9999}}},
      {"bytes=0-0,-1", 10000, range_status::satisfiable, {{0, 0}, {9999, 9999}}},
      {"bytes=500-600,601-999", 10000, range_status::satisfiable, {{500, 999}}},
      {"bytes=500-700,601-999", 10000, range_status::satisfiable, {{500, 999}}},
      // Clamping and the satisfiable subset.
      {"bytes=0-99999", 10000, range_status::satisfiable, {{0, 9999}}},
      {"bytes=-20000", 10000, range_status::satisfiable, {{0, 9999}}},
      {"bytes=10000-, 0-1", 10000, range_status::satisfiable, {{0, 1}}},
      {"BYTES=1-2", 10, range_status::satisfiable, {{1, 2}}},
      {"bytes= 1-2 , ,4-5", 10, range_status::satisfiable, {{1, 2}, {4, 5}}},
      {"bytes=8-9,0-1", 10, range_status::satisfiable, {{0, 1}, {8, 9}}},
      {"bytes=0-1,1-2,5-5,3-3", 10, range_status::satisfiable, {{0, 3}, {5, 5}}},
      // Unsatisfiable -> 416.
      {"bytes=10000-", 10000, range_status::unsatisfiable, {}},
      {"bytes=10000-20000", 10000, range_status::unsatisfiable, {}},
      {"bytes=-0", 10000, range_status::unsatisfiable, {}},
      {"bytes=0-", 0, range_status::unsatisfiable, {}},
      // Empty representation: a suffix range means "all of it" (nothing), sent as 200.
      {"bytes=-5", 0, range_status::none, {}},
      // Malformed or unsupported -> ignored.
      {"bytes=5-1", 100, range_status::none, {}},
      {"bytes=0-1,5-1", 100, range_status::none, {}},
      {"bytes=", 100, range_status::none, {}},
      {"bytes=,", 100, range_status::none, {}},
      {"bytes=-", 100, range_status::none, {}},
      {"bytes=1", 100, range_status::none, {}},
      {"bytes=a-b", 100, range_status::none, {}},
      {"bytes=+1-2", 100, range_status::none, {}},
      {"bytes=1 -2", 100, range_status::none, {}},
      {"bytes=0-18446744073709551616", 100, range_status::none, {}},
      {"items=0-1", 100, range_status::none, {}},
      {"bytes 0-1", 100, range_status::none, {}},
      {"", 100, range_status::none, {}},
  };
  for (const auto& c : cases) {
    const auto r = parse_range(c.value, c.size);
    EXPECT_EQ(r.status, c.status) << c.value;
    EXPECT_EQ(r.ranges, c.expected) << c.value;
  }
}

TEST(http_range, too_many_ranges_are_ignored) {
  std::string value = "bytes=";
  for (int i = 0; i < 16; ++i) value += std::to_string(i * 10) + "-" + std::to_string(i * 10) + ",";
  auto r = parse_range(value, 1000);
  EXPECT_EQ(r.status, range_status::satisfiable);
  EXPECT_EQ(r.ranges.size(), 16u);
  value += "500-501";
  r = parse_range(value, 1000);
  EXPECT_EQ(r.status, range_status::none);
  EXPECT_EQ(parse_range("bytes=0-1,3-4,6-7", 100, 2).status, range_status::none);
}

TEST(http_range, content_range) {
  EXPECT_EQ(format_content_range(0, 499, 1234), "bytes 0-499/1234");
  EXPECT_EQ(format_unsatisfied_range(1234), "bytes */1234");
}

TEST(http_range, multipart_byteranges) {
  const ranges rs = {{500, 999}, {7000, 7999}};
  const auto m = make_multipart_byteranges("THIS_STRING_SEPARATES", "application/pdf", rs, 8000);
  EXPECT_EQ(m.content_type, "multipart/byteranges; boundary=THIS_STRING_SEPARATES");
  ASSERT_EQ(m.part_headers.size(), 2u);
  EXPECT_EQ(m.part_headers[0],
            "--THIS_STRING_SEPARATES\r\nContent-Type: application/pdf\r\n"
            "Content-Range: bytes 500-999/8000\r\n\r\n");
  EXPECT_EQ(m.part_headers[1],
            "\r\n--THIS_STRING_SEPARATES\r\nContent-Type: application/pdf\r\n"
            "Content-Range: bytes 7000-7999/8000\r\n\r\n");
  EXPECT_EQ(m.closing, "\r\n--THIS_STRING_SEPARATES--\r\n");
  // Assemble the body and check the advertised length.
  std::string body;
  for (std::size_t i = 0; i < rs.size(); ++i)
    body += m.part_headers[i] + std::string(rs[i].length(), 'x');
  body += m.closing;
  EXPECT_EQ(m.content_length, body.size());
  const auto plain = make_multipart_byteranges("b", "", {{0, 0}}, 1);
  EXPECT_EQ(plain.part_headers[0], "--b\r\nContent-Range: bytes 0-0/1\r\n\r\n");
}

}  // namespace
}  // namespace l7::http
