// HTTP-date (RFC 9110 §5.6.7).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "http/codec/date.hpp"

namespace l7::http {
namespace {

constexpr std::int64_t rfc_example = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT

TEST(http_date, rfc_example_in_all_three_forms) {
  EXPECT_EQ(format_http_date(rfc_example), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), rfc_example);
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), rfc_example);
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), rfc_example);
}

TEST(http_date, formats) {
  EXPECT_EQ(format_http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(format_http_date(-1), "Wed, 31 Dec 1969 23:59:59 GMT");
  EXPECT_EQ(format_http_date(951782400), "Tue, 29 Feb 2000 00:00:00 GMT");
  EXPECT_EQ(format_http_date(951868800), "Wed, 01 Mar 2000 00:00:00 GMT");
  EXPECT_EQ(format_http_date(2147483648), "Tue, 19 Jan 2038 03:14:08 GMT");
  EXPECT_EQ(format_http_date(4107542400), "Mon, 01 Mar 2100 00:00:00 GMT");  // 2100: not leap
  EXPECT_EQ(format_http_date(std::numeric_limits<std::int64_t>::max()),
            "Fri, 31 Dec 9999 23:59:59 GMT");
  EXPECT_EQ(format_http_date(std::numeric_limits<std::int64_t>::min()),
            "Sat, 01 Jan 0000 00:00:00 GMT");
}

TEST(http_date, days_from_civil) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(1600, 1, 1), -135140);
}

TEST(http_date, round_trip) {
  for (std::int64_t t = -62167219200; t < 253402300799; t += 987654321 + t % 7) {
    const auto text = format_http_date(t);
    ASSERT_EQ(parse_http_date(text), t) << text;
  }
}

TEST(http_date, other_valid_forms) {
  EXPECT_EQ(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_EQ(parse_http_date("Sun Nov 16 08:49:37 1994"), rfc_example + 10 * 86400);
  EXPECT_EQ(parse_http_date("Thursday, 01-Jan-70 00:00:00 GMT"), 0);
  EXPECT_EQ(parse_http_date("Saturday, 01-Jan-00 00:00:00 GMT"), 946684800);
  EXPECT_EQ(parse_http_date("Tue, 29 Feb 2000 00:00:00 GMT"), 951782400);
  EXPECT_EQ(parse_http_date("Sat, 31 Dec 2016 23:59:60 GMT"), 1483228800);  // leap second
}

TEST(http_date, two_digit_year_relative_to_now) {
  const std::int64_t now = 1718000000;  // June 2024
  EXPECT_EQ(parse_http_date("Monday, 01-Jan-74 00:00:00 GMT", now),
            parse_http_date("Mon, 01 Jan 2074 00:00:00 GMT"));
  EXPECT_EQ(parse_http_date("Monday, 01-Jan-75 00:00:00 GMT", now),
            parse_http_date("Wed, 01 Jan 1975 00:00:00 GMT"));
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", now), rfc_example);
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-24 08:49:37 GMT", now),
            parse_http_date("Wed, 06 Nov 2024 08:49:37 GMT"));
}

TEST(http_date, rejects) {
  for (const char* bad : {
           "",
           "Sun, 06 Nov 1994 08:49:37 UTC",
           "Sun, 06 Nov 1994 08:49:37 GMT ",
           " Sun, 06 Nov 1994 08:49:37 GMT",
           "sun, 06 Nov 1994 08:49:37 GMT",
           "Sun, 06 nov 1994 08:49:37 GMT",
           "Sun, 6 Nov 1994 08:49:37 GMT",
           "Sun, 06 Nov 94 08:49:37 GMT",
           "Sun, 31 Feb 1994 08:49:37 GMT",
           "Sun, 29 Feb 1900 08:49:37 GMT",
           "Sun, 00 Nov 1994 08:49:37 GMT",
           "Sun, 06 Nov 1994 24:00:00 GMT",
           "Sun, 06 Nov 1994 08:60:00 GMT",
           "Sun, 06 Nov 1994 08:49:61 GMT",
           "Sun, 06 Nov 1994 08:49 GMT",
           "Sun, 06 Nov 1994 8:49:37 GMT",
           "Xyz, 06 Nov 1994 08:49:37 GMT",
           "Sun 06 Nov 1994 08:49:37 GMT",
           "Sunday, 06-Nov-1994 08:49:37 GMT",
           "Sun, 06-Nov-94 08:49:37 GMT",
           "Sun Nov 6 08:49:37 1994",
           "Sun Nov  6 08:49:37 94",
           "Sun Nov  6 08:49:37 1994 GMT",
           "1994-11-06T08:49:37Z",
           "784111777",
       }) {
    EXPECT_FALSE(parse_http_date(bad)) << bad;
  }
}

}  // namespace
}  // namespace l7::http
