// HTTP-date (RFC 9110 §5.6.7): formatting and parsing without the process time zone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace l7::http {

// IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT". Seconds since 1970-01-01T00:00:00Z;
// values before year 0000 or after 9999 are clamped to those years' first/last second.
std::string format_http_date(std::int64_t unix_seconds);

// Accepts IMF-fixdate, the obsolete RFC 850 form ("Sunday, 06-Nov-94 08:49:37 GMT") and the
// asctime form ("Sun Nov  6 08:49:37 1994"), exactly as RFC 9110 §5.6.7 spells them (names
// are case-sensitive, no surrounding whitespace). nullopt when malformed or out of range.
// A two-digit RFC 850 year is 19xx for 70..99 and 20xx for 00..69.
std::optional<std::int64_t> parse_http_date(std::string_view text);
// Same, but a two-digit year is read as the most recent year with those digits that is not
// more than 50 years after `now_unix` (RFC 9110 §5.6.7).
std::optional<std::int64_t> parse_http_date(std::string_view text, std::int64_t now_unix);

// Days since 1970-01-01 for a proleptic Gregorian date (month 1-12, day 1-31).
std::int64_t days_from_civil(std::int64_t year, int month, int day);

}  // namespace l7::http
