// RFC 5322 §3.3 date-time, with the obsolete forms of §4.3 (two- and three-digit years,
// alphabetic zones, CFWS anywhere, missing seconds and day of week), to UTC plus the offset as
// written. Lenient: an unknown or missing zone is taken as -0000 ("no information", §3.3).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace l7::mail {

struct date_time {
  std::int64_t utc = 0;     // seconds since 1970-01-01T00:00:00Z
  int offset_minutes = 0;   // the zone as written: +0200 -> 120
  friend bool operator==(const date_time&, const date_time&) = default;
};

// nullopt when no day, month, year and time can be found, or they are out of range.
std::optional<date_time> parse_date_time(std::string_view value);

// "Mon, 07 Dec 2026 14:30:00 +0100" for `utc` shown in the zone `offset_minutes` (RFC 5322 §3.3).
std::string format_date_time(std::int64_t utc, int offset_minutes = 0);

}  // namespace l7::mail
