#include "core/line_reader.hpp"

#include <gtest/gtest.h>

namespace l7 {

TEST(line_reader, splits_crlf_lines) {
  line_reader r(10);
  auto res = r.next_line("USER a\r\nPASS");
  ASSERT_EQ(res.status, line_status::ok);
  EXPECT_EQ(res.line, "USER a");
  EXPECT_EQ(res.consumed, 8u);
  EXPECT_EQ(r.next_line("PASS").status, line_status::need_more);
}

TEST(line_reader, limits_and_bare_lf) {
  line_reader r(4);
  EXPECT_EQ(r.next_line("abcd\r\n").status, line_status::ok);
  EXPECT_EQ(r.next_line("abcd\r").status, line_status::need_more);
  EXPECT_EQ(r.next_line("abcde\r\n").status, line_status::too_long);
  EXPECT_EQ(r.next_line("abcdefgh").status, line_status::too_long);
  EXPECT_EQ(r.next_line("ab\ncd").status, line_status::bare_lf);
  line_reader lax(4, true);
  auto res = lax.next_line("ab\ncd");
  EXPECT_EQ(res.line, "ab");
  EXPECT_EQ(res.consumed, 3u);
}

}  // namespace l7
