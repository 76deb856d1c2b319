#include "ftp/codec/listing.hpp"

#include <array>
#include <charconv>
#include <chrono>

#include <fmt/format.h>

namespace l7::ftp {

namespace {

constexpr std::array<std::string_view, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct civil {
  int year;
  unsigned month, day, hour, minute, second;
};

civil to_civil(std::int64_t t) {
  using namespace std::chrono;
  const sys_seconds s{seconds{t}};
  const auto day = floor<days>(s);
  const year_month_day ymd{day};
  const hh_mm_ss hms{s - day};
  return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
          static_cast<unsigned>(ymd.day()), static_cast<unsigned>(hms.hours().count()),
          static_cast<unsigned>(hms.minutes().count()), static_cast<unsigned>(hms.seconds().count())};
}

char type_letter(file_facts::kind k) {
  switch (k) {
    case file_facts::kind::dir:
    case file_facts::kind::cdir:
    case file_facts::kind::pdir: return 'd';
    case file_facts::kind::link: return 'l';
    case file_facts::kind::other: return '?';
    case file_facts::kind::file: break;
  }
  return '-';
}

std::string_view type_fact(file_facts::kind k) {
  switch (k) {
    case file_facts::kind::dir: return "dir";
    case file_facts::kind::cdir: return "cdir";
    case file_facts::kind::pdir: return "pdir";
    case file_facts::kind::link: return "OS.unix=symlink";
    case file_facts::kind::other: return "OS.unix=special";
    case file_facts::kind::file: break;
  }
  return "file";
}

}  // namespace

std::string format_list_line(const file_facts& f, std::int64_t now) {
  std::string perms(10, '-');
  perms[0] = type_letter(f.type);
  static constexpr char rwx[] = "rwxrwxrwx";
  for (int i = 0; i < 9; ++i)
    if (f.mode & (0400u >> i)) perms[1 + i] = rwx[i];
  const auto c = to_civil(f.mtime);
  constexpr std::int64_t half_year = 182 * 86400;
  std::string when = (f.mtime > now - half_year && f.mtime <= now + 3600)
                         ? fmt::format("{:02}:{:02}", c.hour, c.minute)
                         : fmt::format("{:>5}", c.year);
  return fmt::format("{} {:>3} {:<8} {:<8} {:>12} {} {:>2} {} {}", perms, f.nlink, f.owner, f.group,
                     f.size, months[c.month - 1], c.day, when, f.name);
}

std::string format_mlsx_line(const file_facts& f, const mlst_facts& which) {
  std::string out;
  if (which.type) fmt::format_to(std::back_inserter(out), "type={};", type_fact(f.type));
  if (which.size && f.type == file_facts::kind::file)
    fmt::format_to(std::back_inserter(out), "size={};", f.size);
  if (which.modify) fmt::format_to(std::back_inserter(out), "modify={};", format_time_val(f.mtime));
  if (which.perm) fmt::format_to(std::back_inserter(out), "perm={};", f.perm);
  if (which.unix_mode) fmt::format_to(std::back_inserter(out), "unix.mode=0{:o};", f.mode & 07777);
  out += ' ';
  out += f.name;
  return out;
}

std::string format_mlst_feature(const mlst_facts& w) {
  std::string out;
  auto add = [&](std::string_view name, bool on) {
    out += name;
    if (on) out += '*';
    out += ';';
  };
  add("type", w.type);
  add("size", w.size);
  add("modify", w.modify);
  add("perm", w.perm);
  add("unix.mode", w.unix_mode);
  return out;
}

mlst_facts parse_mlst_opts(std::string_view arg) {
  mlst_facts w{false, false, false, false, false};
  while (!arg.empty()) {
    auto end = arg.find(';');
    auto name = arg.substr(0, end);
    std::string lower;
    for (char ch : name) lower += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    if (lower == "type") w.type = true;
    else if (lower == "size") w.size = true;
    else if (lower == "modify") w.modify = true;
    else if (lower == "perm") w.perm = true;
    else if (lower == "unix.mode") w.unix_mode = true;
    if (end == std::string_view::npos) break;
    arg.remove_prefix(end + 1);
  }
  return w;
}

std::string format_time_val(std::int64_t t) {
  const auto c = to_civil(t);
  return fmt::format("{:04}{:02}{:02}{:02}{:02}{:02}", c.year, c.month, c.day, c.hour, c.minute, c.second);
}

std::optional<std::int64_t> parse_time_val(std::string_view s) {
  if (auto dot = s.find('.'); dot != std::string_view::npos) {
    auto frac = s.substr(dot + 1);
    if (frac.empty() || frac.size() > 9 || frac.find_first_not_of("0123456789") != std::string_view::npos)
      return std::nullopt;
    s = s.substr(0, dot);
  }
  if (s.size() != 14 || s.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  auto num = [&](std::size_t at, std::size_t len) {
    unsigned v = 0;
    std::from_chars(s.data() + at, s.data() + at + len, v);
    return v;
  };
  using namespace std::chrono;
  const year_month_day ymd{year{static_cast<int>(num(0, 4))}, month{num(4, 2)}, day{num(6, 2)}};
  const unsigned h = num(8, 2), m = num(10, 2), sec = num(12, 2);
  if (!ymd.ok() || h > 23 || m > 59 || sec > 60) return std::nullopt;
  const sys_seconds t = sys_days{ymd} + hours{h} + minutes{m} + seconds{sec};
  // A leap second on 9999-12-31 23:59 would be in year 10000: not a 14-digit time-val.
  constexpr std::int64_t year_10000 = 253'402'300'800;
  if (t.time_since_epoch().count() >= year_10000) return std::nullopt;
  return t.time_since_epoch().count();
}

}  // namespace l7::ftp
