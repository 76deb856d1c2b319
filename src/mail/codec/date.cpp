#include "mail/codec/date.hpp"

#include <array>
#include <cstdio>
#include <vector>

#include "core/text.hpp"

namespace l7::mail {
namespace {

constexpr std::array<std::string_view, 12> month_names = {"jan", "feb", "mar", "apr", "may", "jun",
                                                          "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> day_names = {"Thu", "Fri", "Sat", "Sun",
                                                       "Mon", "Tue", "Wed"};  // from 1970-01-01

// Days since 1970-01-01 of a proleptic Gregorian date (era-based, valid for any year).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

// Comments become spaces; spaces around ':' go (obs-time allows CFWS there, §4.3).
std::vector<std::string> date_tokens(std::string_view v) {
  std::string flat;
  int level = 0;
  for (char c : v) {
    if (c == '(') ++level;
    if (level == 0) flat += (c == ',' || c == '\t' || c == '\r' || c == '\n') ? ' ' : c;
    if (c == ')' && level > 0 && --level == 0) flat += ' ';
  }
  std::vector<std::string> out;
  for (auto part : split(flat, ' ')) {
    if (part.empty()) continue;
    if (!out.empty() && (part.front() == ':' || out.back().back() == ':'))
      out.back() += part;
    else
      out.emplace_back(part);
  }
  return out;
}

std::optional<int> zone_minutes(std::string_view z) {
  if (z.size() == 5 && (z[0] == '+' || z[0] == '-')) {  // §3.3
    const auto n = parse_uint(z.substr(1));
    if (!n || *n % 100 > 59) return std::nullopt;
    const int m = static_cast<int>(*n / 100 * 60 + *n % 100);
    return z[0] == '-' ? -m : m;
  }
  const auto u = to_upper(z);  // obs-zone, §4.3
  if (u == "UT" || u == "GMT" || u == "UTC" || u == "Z") return 0;
  static constexpr std::pair<std::string_view, int> us[] = {
      {"EST", -5}, {"EDT", -4}, {"CST", -6}, {"CDT", -5},
      {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7}};
  for (const auto& [name, hours] : us)
    if (u == name) return hours * 60;
  return std::nullopt;  // military and unknown zones: "-0000"
}

bool parse_time(std::string_view t, unsigned& h, unsigned& m, unsigned& s) {
  const auto parts = split(t, ':');
  if (parts.size() < 2 || parts.size() > 3) return false;
  const auto hh = parse_uint(parts[0]);
  const auto mm = parse_uint(parts[1]);
  const auto ss = parts.size() == 3 ? parse_uint(parts[2]) : std::optional<std::uint64_t>(0);
  if (!hh || !mm || !ss || *hh > 23 || *mm > 59 || *ss > 60) return false;
  h = static_cast<unsigned>(*hh);
  m = static_cast<unsigned>(*mm);
  s = static_cast<unsigned>(*ss);
  return true;
}

std::optional<unsigned> month_number(std::string_view w) {
  if (w.size() < 3) return std::nullopt;
  const auto l = to_lower(w.substr(0, 3));
  for (unsigned i = 0; i < 12; ++i)
    if (l == month_names[i]) return i + 1;
  return std::nullopt;
}

}  // namespace

std::optional<date_time> parse_date_time(std::string_view value) {
  auto tok = date_tokens(value);
  std::size_t i = 0;
  if (i < tok.size() && !tok[i].empty() && is_alpha(tok[i][0]) && !month_number(tok[i]).has_value())
    ++i;  // day-of-week, not checked against the date (lenient)
  if (tok.size() < i + 4) return std::nullopt;
  auto day = parse_uint(tok[i]);
  auto month = month_number(tok[i + 1]);
  if (!day && month_number(tok[i]) && parse_uint(tok[i + 1])) {  // "Dec 7 2026" (lenient)
    day = parse_uint(tok[i + 1]);
    month = month_number(tok[i]);
  }
  const auto year_raw = parse_uint(tok[i + 2]);
  if (!day || !month || !year_raw || tok[i + 2].size() > 4) return std::nullopt;
  std::int64_t year = static_cast<std::int64_t>(*year_raw);
  if (tok[i + 2].size() == 2) year += year < 50 ? 2000 : 1900;  // §4.3
  else if (tok[i + 2].size() == 3) year += 1900;
  unsigned h = 0, m = 0, s = 0;
  if (*day < 1 || *day > days_in_month(year, *month) || !parse_time(tok[i + 3], h, m, s))
    return std::nullopt;
  const auto zone = i + 4 < tok.size() ? zone_minutes(tok[i + 4]) : std::nullopt;
  const int offset = zone.value_or(0);
  const std::int64_t local = days_from_civil(year, *month, static_cast<unsigned>(*day)) * 86400 +
                             h * 3600 + m * 60 + s;
  return date_time{local - offset * 60, offset};
}

std::string format_date_time(std::int64_t utc, int offset_minutes) {
  const std::int64_t local = utc + offset_minutes * 60;
  std::int64_t days = local / 86400;
  std::int64_t secs = local % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  std::int64_t y = 0;
  unsigned mo = 0, d = 0;
  civil_from_days(days, y, mo, d);
  const auto wd = day_names[static_cast<std::size_t>(((days % 7) + 7) % 7)];
  const int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char buf[64];
  const char mon[4] = {static_cast<char>(month_names[mo - 1][0] - 32), month_names[mo - 1][1],
                       month_names[mo - 1][2], '\0'};
  std::snprintf(buf, sizeof buf, "%.*s, %02u %s %04lld %02lld:%02lld:%02lld %c%02d%02d",
                static_cast<int>(wd.size()), wd.data(), d, mon, static_cast<long long>(y),
                static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                static_cast<long long>(secs % 60), offset_minutes < 0 ? '-' : '+', off / 60,
                off % 60);
  return buf;
}

}  // namespace l7::mail
