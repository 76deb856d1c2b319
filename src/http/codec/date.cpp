#include "http/codec/date.hpp"

#include <array>
#include <cstdio>

#include "core/text.hpp"

namespace l7::http {
namespace {

constexpr std::array<std::string_view, 7> short_days = {"Sun", "Mon", "Tue", "Wed",
                                                        "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> long_days = {
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

constexpr std::int64_t seconds_per_day = 86400;
// One 400-year Gregorian cycle has 146097 days; day 0 of our cycles is 0000-03-01,
// which is 719468 days before 1970-01-01.
constexpr std::int64_t days_per_cycle = 146097;
constexpr std::int64_t epoch_shift = 719468;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

struct civil {
  std::int64_t year;
  int month;
  int day;
};

// Inverse of days_from_civil. Years run March..February so the leap day comes last.
civil civil_from_days(std::int64_t days) {
  const std::int64_t shifted = days + epoch_shift;
  const std::int64_t cycle = floor_div(shifted, days_per_cycle);
  const std::int64_t day_of_cycle = shifted - cycle * days_per_cycle;  // 0..146096
  // Year within the cycle: remove the leap days gained before this day, then divide.
  const std::int64_t year_of_cycle =
      (day_of_cycle - day_of_cycle / 1460 + day_of_cycle / 36524 - day_of_cycle / 146096) / 365;
  const std::int64_t day_of_year =
      day_of_cycle - (365 * year_of_cycle + year_of_cycle / 4 - year_of_cycle / 100);
  const std::int64_t month_index = (5 * day_of_year + 2) / 153;  // 0 = March
  const int day = static_cast<int>(day_of_year - (153 * month_index + 2) / 5 + 1);
  const int month = static_cast<int>(month_index < 10 ? month_index + 3 : month_index - 9);
  return {cycle * 400 + year_of_cycle + (month <= 2 ? 1 : 0), month, day};
}

bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(std::int64_t year, int month) {
  constexpr std::array<int, 12> len = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : len[static_cast<std::size_t>(month - 1)];
}

}  // namespace

std::int64_t days_from_civil(std::int64_t year, int month, int day) {
  const std::int64_t y = month <= 2 ? year - 1 : year;  // March-based year
  const std::int64_t cycle = floor_div(y, 400);
  const std::int64_t year_of_cycle = y - cycle * 400;
  const std::int64_t month_index = month > 2 ? month - 3 : month + 9;
  const std::int64_t day_of_year = (153 * month_index + 2) / 5 + day - 1;
  const std::int64_t day_of_cycle =
      year_of_cycle * 365 + year_of_cycle / 4 - year_of_cycle / 100 + day_of_year;
  return cycle * days_per_cycle + day_of_cycle - epoch_shift;
}

std::string format_http_date(std::int64_t t) {
  const std::int64_t lo = days_from_civil(0, 1, 1) * seconds_per_day;
  const std::int64_t hi = days_from_civil(10000, 1, 1) * seconds_per_day - 1;
  t = t < lo ? lo : (t > hi ? hi : t);
  const std::int64_t days = floor_div(t, seconds_per_day);
  const std::int64_t secs = t - days * seconds_per_day;
  const civil c = civil_from_days(days);
  const std::int64_t from_sunday = days + 4;  // 1970-01-01 was a Thursday
  const auto weekday = static_cast<std::size_t>(from_sunday - floor_div(from_sunday, 7) * 7);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                short_days[weekday].data(), c.day,
                months[static_cast<std::size_t>(c.month - 1)].data(), static_cast<int>(c.year),
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                static_cast<int>(secs % 60));
  return buf;
}

namespace {

// Reads one of the three HTTP-date forms field by field; any mismatch clears ok.
class date_reader {
 public:
  explicit date_reader(std::string_view s) : s_(s) {}

  void lit(std::string_view x) {
    if (ok_ && s_.substr(i_, x.size()) == x) {
      i_ += x.size();
    } else {
      ok_ = false;
    }
  }
  int number(int n) {
    int v = 0;
    for (int k = 0; k < n; ++k, ++i_) {
      if (!ok_ || i_ >= s_.size() || !is_digit(s_[i_])) {
        ok_ = false;
        return 0;
      }
      v = v * 10 + (s_[i_] - '0');
    }
    return v;
  }
  template <std::size_t N>
  int name(const std::array<std::string_view, N>& names) {
    for (std::size_t k = 0; ok_ && k < N; ++k) {
      if (s_.substr(i_, names[k].size()) == names[k]) {
        i_ += names[k].size();
        return static_cast<int>(k);
      }
    }
    ok_ = false;
    return 0;
  }
  // time-of-day = hour ":" minute ":" second
  void time(int& h, int& m, int& sec) {
    h = number(2);
    lit(":");
    m = number(2);
    lit(":");
    sec = number(2);
  }
  bool peek(char c) const { return ok_ && i_ < s_.size() && s_[i_] == c; }
  bool done() const { return ok_ && i_ == s_.size(); }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
  bool ok_ = true;
};

struct date_fields {
  std::int64_t year = 0;
  int month = 0, day = 0, hour = 0, minute = 0, second = 0;
  bool two_digit_year = false;
};

// IMF-fixdate = day-name "," SP date1 SP time-of-day SP GMT
bool read_imf_fixdate(date_reader& r, date_fields& f) {
  r.name(short_days);
  r.lit(", ");
  f.day = r.number(2);
  r.lit(" ");
  f.month = r.name(months) + 1;
  r.lit(" ");
  f.year = r.number(4);
  r.lit(" ");
  r.time(f.hour, f.minute, f.second);
  r.lit(" GMT");
  return r.done();
}

// rfc850-date = day-name-l "," SP date2 SP time-of-day SP GMT; date2 = day "-" month "-" 2DIGIT
bool read_rfc850(date_reader& r, date_fields& f) {
  r.name(long_days);
  r.lit(", ");
  f.day = r.number(2);
  r.lit("-");
  f.month = r.name(months) + 1;
  r.lit("-");
  f.year = r.number(2);
  f.two_digit_year = true;
  r.lit(" ");
  r.time(f.hour, f.minute, f.second);
  r.lit(" GMT");
  return r.done();
}

// asctime-date = day-name SP date3 SP time-of-day SP year; date3 = month SP ( 2DIGIT / ( SP DIGIT ))
bool read_asctime(date_reader& r, date_fields& f) {
  r.name(short_days);
  r.lit(" ");
  f.month = r.name(months) + 1;
  r.lit(" ");
  if (r.peek(' ')) {
    r.lit(" ");
    f.day = r.number(1);
  } else {
    f.day = r.number(2);
  }
  r.lit(" ");
  r.time(f.hour, f.minute, f.second);
  r.lit(" ");
  f.year = r.number(4);
  return r.done();
}

std::optional<date_fields> read_date(std::string_view text) {
  date_fields f;
  date_reader r(text);
  bool ok = false;
  if (text.size() > 3 && text[3] == ',') {
    ok = read_imf_fixdate(r, f);
  } else if (text.size() > 3 && text[3] == ' ') {
    ok = read_asctime(r, f);
  } else {
    ok = read_rfc850(r, f);
  }
  if (!ok) return std::nullopt;
  return f;
}

std::optional<std::int64_t> to_unix(const date_fields& f) {
  // second = 2DIGIT; 60 allows a leap second, which lands on the next minute.
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > days_in_month(f.year, f.month) ||
      f.hour > 23 || f.minute > 59 || f.second > 60)
    return std::nullopt;
  return days_from_civil(f.year, f.month, f.day) * seconds_per_day + f.hour * 3600 +
         f.minute * 60 + f.second;
}

}  // namespace

std::optional<std::int64_t> parse_http_date(std::string_view text) {
  auto f = read_date(text);
  if (!f) return std::nullopt;
  if (f->two_digit_year) f->year += f->year >= 70 ? 1900 : 2000;
  return to_unix(*f);
}

std::optional<std::int64_t> parse_http_date(std::string_view text, std::int64_t now_unix) {
  auto f = read_date(text);
  if (!f) return std::nullopt;
  if (f->two_digit_year) {
    const std::int64_t now_year = civil_from_days(floor_div(now_unix, seconds_per_day)).year;
    std::int64_t year = now_year - ((now_year % 100) + 100) % 100 + f->year;
    if (year > now_year + 50) year -= 100;  // RFC 9110 §5.6.7
    f->year = year;
  }
  return to_unix(*f);
}

}  // namespace l7::http
