// RFC 5322 §3.3 date-time and the obsolete forms of §4.3, from the Appendix A examples.
#include <gtest/gtest.h>

#include "mail/codec/date.hpp"

namespace {

using namespace l7::mail;

struct date_case {
  const char* text;
  std::int64_t utc;
  int offset;
};

const date_case date_cases[] = {
    {"Fri, 21 Nov 1997 09:55:06 -0600", 880127706, -360},             // A.1.1
    {"Tue, 1 Jul 2003 10:52:37 +0200", 1057049557, 120},              // A.1.2
    {"Thu, 13 Feb 1969 23:32:54 -0330", -27723480 + 54, -210},        // A.1.3
    {"Mon, 24 Nov 1997 14:22:01 -0800", 880410121, -480},             // A.3
    {"Thu,\r\n      13\r\n        Feb\r\n          1969\r\n      23:32\r\n"
     "               -0330 (Newfoundland Time)", -27723480, -210},   // A.5
    {"21 Nov 97 09:55:06 GMT", 880106106, 0},                         // A.6.2
    {"Fri, 21 Nov 1997 09(comment):   55  :  06 -0600", 880127706, -360},  // A.6.3
    {"21 Nov 1997 09:55:06 CST", 880127706, -360},                    // obs-zone
    {"21 Nov 1997 10:55:06 CDT", 880127706, -300},
    {"21 Nov 1997 15:55:06 Z", 880127706, 0},
    {"21 Nov 1997 15:55:06 A", 880127706, 0},     // military: "-0000" (§4.3)
    {"21 Nov 1997 15:55:06", 880127706, 0},       // no zone
    {"21 Nov 097 15:55:06 +0000", 880127706, 0},  // three-digit year (§4.3)
    {"Fri, 21 nov 1997 15:55 +0000", 880127706 - 6, 0},
    {"Nov 21 1997 15:55:06 +0000", 880127706, 0},
    {"Sat, 29 Feb 2020 00:00:00 +0000", 1582934400, 0},
    {"Mon, 7 Dec 2026 14:30:00 +0000", 1796653800, 0},
};

TEST(mail_date, rfc5322_examples_and_obsolete_forms) {
  for (const auto& c : date_cases) {
    SCOPED_TRACE(c.text);
    const auto d = parse_date_time(c.text);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->utc, c.utc);
    EXPECT_EQ(d->offset_minutes, c.offset);
  }
}

TEST(mail_date, rejects_what_is_not_a_date) {
  for (const char* bad : {"", "yesterday", "32 Jan 2020 00:00:00 +0000", "29 Feb 2021 00:00:00 +0000",
                          "1 Foo 2020 00:00:00", "1 Jan 2020 24:00:00", "1 Jan 2020 10:61:00",
                          "1 Jan 20200 10:00:00", "1 Jan 2020", "Mon, 1 Jan"}) {
    EXPECT_FALSE(parse_date_time(bad).has_value()) << bad;
  }
}

TEST(mail_date, format_and_round_trip) {
  EXPECT_EQ(format_date_time(1796653800), "Mon, 07 Dec 2026 14:30:00 +0000");
  EXPECT_EQ(format_date_time(880127706, -360), "Fri, 21 Nov 1997 09:55:06 -0600");
  EXPECT_EQ(format_date_time(-27723480, -210), "Thu, 13 Feb 1969 23:32:00 -0330");
  for (std::int64_t t : {0ll, 951782400ll, 1796653800ll, -2208988800ll, 4102444799ll}) {
    for (int off : {0, 330, -210, 840, -720}) {
      const auto d = parse_date_time(format_date_time(t, off));
      ASSERT_TRUE(d.has_value());
      EXPECT_EQ(d->utc, t);
      EXPECT_EQ(d->offset_minutes, off);
    }
  }
}

}  // namespace
