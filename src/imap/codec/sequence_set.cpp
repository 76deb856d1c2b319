#include <algorithm>
#include <cstdio>

#include "core/text.hpp"
#include "imap/codec/types.hpp"

namespace l7::imap {
namespace {

// RFC 9051 §9 seq-number: nz-number / "*"; nz-number fits 32 bits.
std::optional<std::uint32_t> seq_number(std::string_view s) {
  if (s == "*") return star;
  if (s.empty() || s.size() > 10 || s[0] == '0') return std::nullopt;
  auto v = parse_uint(s);
  if (!v || *v > 0xffffffffu) return std::nullopt;
  return static_cast<std::uint32_t>(*v);
}

void append_number(std::string& out, std::uint32_t n) {
  if (n == star) out.push_back('*');
  else out += std::to_string(n);
}

}  // namespace

bool sequence_set::contains(std::uint32_t n, std::uint32_t largest) const {
  for (const auto& r : ranges) {
    std::uint32_t a = r.first == star ? largest : r.first;
    std::uint32_t b = r.last == star ? largest : r.last;
    if (a > b) std::swap(a, b);
    if (n >= a && n <= b) return true;
  }
  return false;
}

std::optional<sequence_set> parse_sequence_set(std::string_view text) {
  sequence_set set;
  if (text == "$") {  // RFC 5182 §2
    set.saved = true;
    return set;
  }
  if (text.empty()) return std::nullopt;
  for (auto element : split(text, ',')) {
    auto colon = element.find(':');
    auto first = seq_number(element.substr(0, colon));
    auto last = colon == std::string_view::npos ? first : seq_number(element.substr(colon + 1));
    if (!first || !last) return std::nullopt;
    set.ranges.push_back({*first, *last});
  }
  return set;
}

std::string format_sequence_set(const sequence_set& set) {
  if (set.saved) return "$";
  std::string out;
  for (const auto& r : set.ranges) {
    if (!out.empty()) out.push_back(',');
    append_number(out, r.first);
    if (r.last != r.first) {
      out.push_back(':');
      append_number(out, r.last);
    }
  }
  return out;
}

std::string format_sequence_set(std::vector<std::uint32_t> numbers) {
  std::sort(numbers.begin(), numbers.end());
  numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
  sequence_set set;
  for (auto n : numbers) {
    if (!set.ranges.empty() && set.ranges.back().last != star && set.ranges.back().last + 1 == n)
      set.ranges.back().last = n;
    else
      set.ranges.push_back({n, n});
  }
  return format_sequence_set(set);
}

std::int64_t to_unix(const date_time& t) {
  // Days from civil (proleptic Gregorian), H. Hinnant's algorithm.
  int y = t.date.year - (t.date.month <= 2 ? 1 : 0);
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  auto yoe = static_cast<unsigned>(y - era * 400);
  unsigned mp = static_cast<unsigned>(t.date.month + (t.date.month > 2 ? -3 : 9));
  unsigned doy = (153 * mp + 2) / 5 + static_cast<unsigned>(t.date.day) - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  std::int64_t days = era * 146097 + static_cast<std::int64_t>(doe) - 719468;
  return days * 86400 + t.hour * 3600 + t.minute * 60 + t.second - t.zone_minutes * 60;
}

date_time from_unix(std::int64_t utc, int zone_minutes) {
  std::int64_t local = utc + zone_minutes * 60;
  std::int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  std::int64_t secs = local - days * 86400;
  days += 719468;
  std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  auto doe = static_cast<unsigned>(days - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  date_time t;
  t.date.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  t.date.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  t.date.year = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (t.date.month <= 2 ? 1 : 0));
  t.hour = static_cast<int>(secs / 3600);
  t.minute = static_cast<int>(secs / 60 % 60);
  t.second = static_cast<int>(secs % 60);
  t.zone_minutes = zone_minutes;
  return t;
}

std::string format_date_time(const date_time& t) {
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int zone = t.zone_minutes < 0 ? -t.zone_minutes : t.zone_minutes;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%02d-%s-%04d %02d:%02d:%02d %c%02d%02d", t.date.day,
                months[(t.date.month + 11) % 12], t.date.year, t.hour, t.minute, t.second,
                t.zone_minutes < 0 ? '-' : '+', zone / 60, zone % 60);
  return buf;
}

std::string fetch_response_name(const fetch_att& att) {
  using k = fetch_att::kind;
  switch (att.type) {
    case k::envelope: return "ENVELOPE";
    case k::flags: return "FLAGS";
    case k::internal_date: return "INTERNALDATE";
    case k::rfc822_size: return "RFC822.SIZE";
    case k::body_structure: return "BODYSTRUCTURE";
    case k::body: return "BODY";
    case k::uid: return "UID";
    case k::rfc822: return "RFC822";
    case k::rfc822_header: return "RFC822.HEADER";
    case k::rfc822_text: return "RFC822.TEXT";
    case k::modseq: return "MODSEQ";
    default: break;
  }
  std::string out = att.type == k::body_section ? "BODY[" : att.type == k::binary ? "BINARY[" : "BINARY.SIZE[";
  std::string spec;
  for (auto p : att.section.part) spec += (spec.empty() ? "" : ".") + std::to_string(p);
  using t = section::text_kind;
  static constexpr const char* names[] = {"", "HEADER", "HEADER.FIELDS", "HEADER.FIELDS.NOT", "TEXT", "MIME"};
  if (att.section.text != t::none) spec += (spec.empty() ? "" : ".") + std::string(names[static_cast<int>(att.section.text)]);
  out += spec;
  if (!att.section.fields.empty()) {
    out += " (";
    for (std::size_t i = 0; i < att.section.fields.size(); ++i)
      out += (i ? " " : "") + att.section.fields[i];
    out += ")";
  }
  out += "]";
  if (att.partial && att.type != k::binary_size) out += "<" + std::to_string(att.partial->offset) + ">";
  return out;
}

}  // namespace l7::imap
