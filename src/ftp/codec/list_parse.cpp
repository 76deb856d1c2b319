#include "ftp/codec/list_parse.hpp"

#include <array>
#include <chrono>
#include <vector>

#include "core/text.hpp"

namespace l7::ftp {
namespace {

using kind = file_facts::kind;

// RFC 3659 §7.5.1 type values; "OS.unix=slink:target" and "OS.unix=symlink" are the symlink
// spellings servers use (the OS. values are implementation-defined).
kind type_value(std::string_view v) {
  const auto t = to_lower(v);
  if (t == "file") return kind::file;
  if (t == "dir") return kind::dir;
  if (t == "cdir") return kind::cdir;
  if (t == "pdir") return kind::pdir;
  if (t.starts_with("os.unix=slink") || t == "os.unix=symlink") return kind::link;
  return kind::other;
}

std::optional<unsigned> octal(std::string_view s) {
  if (s.empty() || s.size() > 6) return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '7') return std::nullopt;
    v = v * 8 + static_cast<unsigned>(c - '0');
  }
  if (v > 07777) return std::nullopt;
  return v;
}

// One "name=value" fact into `e`. Malformed values of known facts leave the fact unset.
void take_fact(std::string_view name, std::string_view value, listed_entry& e) {
  const auto n = to_lower(name);
  auto& f = e.facts;
  if (n == "type") {
    f.type = type_value(value);
  } else if (n == "size" || n == "sizd") {  // sizd: a directory's size (§7.5.7)
    if (auto v = parse_uint(value)) {
      f.size = *v;
      e.has_size = true;
    }
  } else if (n == "modify") {
    if (auto t = parse_time_val(value)) {
      f.mtime = *t;
      e.has_mtime = e.mtime_exact = true;
    }
  } else if (n == "perm") {
    f.perm.assign(value);
  } else if (n == "unix.mode") {
    if (auto m = octal(value)) {
      f.mode = *m;
      e.has_mode = true;
    }
  } else if (n == "unix.owner" || n == "unix.uid" || n == "unix.ownername") {
    f.owner.assign(value);
  } else if (n == "unix.group" || n == "unix.gid" || n == "unix.groupname") {
    f.group.assign(value);
  }
}

constexpr std::array<std::string_view, 12> month_names{"jan", "feb", "mar", "apr", "may", "jun",
                                                       "jul", "aug", "sep", "oct", "nov", "dec"};

struct token {
  std::string_view text;
  std::size_t end;  // offset just past it in the line
};

std::vector<token> tokens(std::string_view line) {
  std::vector<token> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    const auto start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) out.push_back({line.substr(start, i - start), i});
  }
  return out;
}

std::optional<unsigned> month_of(std::string_view s) {
  if (s.size() != 3) return std::nullopt;
  const auto lower = to_lower(s);
  for (unsigned m = 0; m < 12; ++m)
    if (month_names[m] == lower) return m + 1;
  return std::nullopt;
}

// "rwxr-x--x" (with s/S/t/T) -> mode bits; nullopt when a letter is out of place.
std::optional<unsigned> mode_bits(std::string_view p) {
  static constexpr std::string_view letters = "rwxrwxrwx";
  unsigned mode = 0;
  for (unsigned i = 0; i < 9; ++i) {
    const char c = p[i];
    const unsigned bit = 0400u >> i;
    const bool exec_slot = i % 3 == 2;
    const unsigned special = i == 2 ? 04000u : i == 5 ? 02000u : 01000u;  // setuid, setgid, sticky
    const char lower = i == 8 ? 't' : 's';
    if (c == letters[i]) mode |= bit;
    else if (exec_slot && c == lower) mode |= bit | special;
    else if (exec_slot && c == lower - 32) mode |= special;
    else if (c != '-') return std::nullopt;
  }
  return mode;
}

std::optional<kind> type_letter(char c) {
  switch (c) {
    case '-': return kind::file;
    case 'd': return kind::dir;
    case 'l': return kind::link;
    case 'b': case 'c': case 'p': case 's': return kind::other;
    default: return std::nullopt;
  }
}

// "09:30" -> minutes into the day.
std::optional<unsigned> clock_time(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  const auto h = parse_uint(s.substr(0, 2));
  const auto m = parse_uint(s.substr(3, 2));
  if (!h || !m || *h > 23 || *m > 59) return std::nullopt;
  return static_cast<unsigned>(*h * 60 + *m);
}

// Month, day and "HH:MM" or "YYYY" -> seconds since the epoch (UTC).
std::optional<std::int64_t> list_time(unsigned month, std::string_view day_text,
                                      std::string_view when, std::int64_t now) {
  using namespace std::chrono;
  const auto d = parse_uint(day_text);
  if (!d || *d < 1 || *d > 31) return std::nullopt;
  const auto at = [&](int y, unsigned minutes) -> std::optional<std::int64_t> {
    const year_month_day ymd{year{y}, std::chrono::month{month}, day{static_cast<unsigned>(*d)}};
    if (!ymd.ok()) return std::nullopt;
    return (sys_days{ymd} + std::chrono::minutes{minutes}).time_since_epoch() / seconds{1};
  };
  if (auto minutes = clock_time(when)) {
    // ls shows the clock for the last six months: the year is this one, or the one before
    // when that date is still ahead (a day of slack for zone differences).
    const int this_year = static_cast<int>(year_month_day{floor<days>(sys_seconds{seconds{now}})}.year());
    auto t = at(this_year, *minutes);
    if (!t || *t > now + 86400) t = at(this_year - 1, *minutes);
    return t;
  }
  const auto y = parse_uint(when);
  if (when.size() != 4 || !y) return std::nullopt;
  return at(static_cast<int>(*y), 0);
}

}  // namespace

std::optional<listed_entry> parse_mlsx_line(std::string_view line) {
  const auto space = line.find(' ');  // facts never hold a space; the pathname may
  if (space == std::string_view::npos || space + 1 == line.size()) return std::nullopt;
  auto facts = line.substr(0, space);
  if (!facts.empty() && facts.back() != ';') return std::nullopt;
  listed_entry e;
  e.facts.name.assign(line.substr(space + 1));
  e.facts.owner.clear();
  e.facts.group.clear();
  while (!facts.empty()) {
    const auto end = facts.find(';');
    const auto fact = facts.substr(0, end);
    const auto eq = fact.find('=');
    if (eq == std::string_view::npos || eq == 0) return std::nullopt;
    take_fact(fact.substr(0, eq), fact.substr(eq + 1), e);
    facts.remove_prefix(end + 1);
  }
  return e;
}

std::optional<listed_entry> parse_list_line(std::string_view line, std::int64_t now) {
  const auto t = tokens(line);
  if (t.size() < 8) return std::nullopt;
  const auto perms = t[0].text;
  if (perms.size() < 10 || perms.size() > 11) return std::nullopt;  // 11: ACL mark '+', '@', '.'
  const auto type = type_letter(perms[0]);
  const auto mode = mode_bits(perms.substr(1, 9));
  if (!type || !mode) return std::nullopt;
  // links, owner, [group], size, month, day, time-or-year, name: find the date.
  for (std::size_t i = 4; i + 3 < t.size(); ++i) {
    const auto month = month_of(t[i].text);
    const auto size = parse_uint(t[i - 1].text);
    if (!month || !size) continue;
    const auto mtime = list_time(*month, t[i + 1].text, t[i + 2].text, now);
    if (!mtime) continue;
    listed_entry e;
    auto& f = e.facts;
    f.type = *type;
    f.mode = *mode;
    f.size = *size;
    f.mtime = *mtime;
    e.has_size = e.has_mtime = e.has_mode = true;
    f.nlink = static_cast<unsigned>(parse_uint(t[1].text).value_or(1));
    f.owner.assign(t[2].text);
    f.group.assign(i - 1 > 3 ? t[3].text : std::string_view{});
    f.name.assign(line.substr(t[i + 2].end + 1));  // ls puts one space before the name
    if (f.type == kind::link) {
      if (const auto arrow = f.name.find(" -> "); arrow != std::string::npos) {
        e.link_target = f.name.substr(arrow + 4);
        f.name.erase(arrow);
      }
    }
    // A name of spaces alone cannot be told from the column gap (fuzzer finding): refused, as
    // it already was for regular files.
    if (f.name.find_first_not_of(' ') == std::string::npos) return std::nullopt;
    return e;
  }
  return std::nullopt;
}

}  // namespace l7::ftp
