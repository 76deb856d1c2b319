#include "http/codec/conditional.hpp"

#include "core/text.hpp"
#include "http/codec/date.hpp"
#include "http/codec/grammar.hpp"

namespace l7::http {
namespace {

// etagc = %x21 / %x23-7E / obs-text (RFC 9110 §8.8.3).
bool is_etagc(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  return c == 0x21 || (c >= 0x23 && c != 0x7f);
}

// Reads one entity-tag at s[i...]; advances i past it.
std::optional<entity_tag> read_etag(std::string_view s, std::size_t& i) {
  entity_tag t;
  if (s.substr(i, 2) == "W/") {  // case-sensitive
    t.weak = true;
    i += 2;
  }
  if (i >= s.size() || s[i] != '"') return std::nullopt;
  const std::size_t start = i++;
  while (i < s.size() && is_etagc(s[i])) ++i;
  if (i >= s.size() || s[i] != '"') return std::nullopt;
  ++i;
  t.opaque.assign(s.substr(start, i - start));
  return t;
}

void skip_ows(std::string_view s, std::size_t& i) {
  while (i < s.size() && is_ows(s[i])) ++i;
}

// Every line of a list-based field joined with ", " (RFC 9110 §5.3).
std::optional<std::string> combined(const fields& headers, std::string_view name) {
  std::optional<std::string> out;
  for (const auto& f : headers) {
    if (!iequals(f.name, name)) continue;
    if (out) {
      *out += ", ";
      *out += f.value;
    } else {
      out = f.value;
    }
  }
  return out;
}

std::string hex(std::uint64_t v) {
  std::string out;
  do {
    out.insert(out.begin(), "0123456789abcdef"[v & 0xf]);
    v >>= 4;
  } while (v != 0);
  return out;
}

}  // namespace

std::optional<entity_tag> parse_etag(std::string_view value) {
  std::size_t i = 0;
  auto t = read_etag(value, i);
  if (!t || i != value.size()) return std::nullopt;
  return t;
}

std::optional<etag_list> parse_etag_list(std::string_view value) {
  etag_list list;
  const auto trimmed = trim_ows(value);
  if (trimmed == "*") {
    list.any = true;
    return list;
  }
  // 1#entity-tag with empty elements allowed (RFC 9110 §5.6.1).
  std::size_t i = 0;
  while (i < trimmed.size()) {
    if (trimmed[i] == ',' || is_ows(trimmed[i])) {
      ++i;
      continue;
    }
    auto t = read_etag(trimmed, i);
    if (!t) return std::nullopt;
    list.tags.push_back(std::move(*t));
    skip_ows(trimmed, i);
    if (i < trimmed.size() && trimmed[i] != ',') return std::nullopt;
  }
  if (list.tags.empty()) return std::nullopt;
  return list;
}

bool strong_match(const entity_tag& a, const entity_tag& b) {
  return !a.weak && !b.weak && a.opaque == b.opaque;
}

bool weak_match(const entity_tag& a, const entity_tag& b) { return a.opaque == b.opaque; }

bool if_match(std::string_view value, std::string_view current_etag, bool exists) {
  const auto list = parse_etag_list(value);
  if (!list) return false;
  if (list->any) return exists;
  const auto current = parse_etag(current_etag);
  if (!exists || !current) return false;
  for (const auto& t : list->tags)
    if (strong_match(t, *current)) return true;
  return false;
}

bool if_none_match(std::string_view value, std::string_view current_etag, bool exists) {
  const auto list = parse_etag_list(value);
  if (!list) return true;
  if (list->any) return !exists;
  const auto current = parse_etag(current_etag);
  if (!exists || !current) return true;
  for (const auto& t : list->tags)
    if (weak_match(t, *current)) return false;
  return true;
}

bool if_modified_since(std::string_view value, std::int64_t last_modified) {
  const auto since = parse_http_date(value);
  return !since || last_modified > *since;
}

bool if_unmodified_since(std::string_view value, std::int64_t last_modified) {
  const auto since = parse_http_date(value);
  return !since || last_modified <= *since;
}

bool if_range(std::string_view value, std::string_view current_etag,
              std::optional<std::int64_t> last_modified) {
  const auto trimmed = trim_ows(value);
  if (trimmed.starts_with('"') || trimmed.starts_with("W/")) {
    const auto tag = parse_etag(trimmed);
    const auto current = parse_etag(current_etag);
    return tag && current && strong_match(*tag, *current);
  }
  const auto date = parse_http_date(trimmed);
  return date && last_modified && *date == *last_modified;
}

precondition_result evaluate_preconditions(std::string_view method, const fields& headers,
                                           const validators& v) {
  const bool get_or_head = method == "GET" || method == "HEAD";
  const auto lm = v.last_modified;
  // Steps 1-2: If-Match, else If-Unmodified-Since.
  if (const auto im = combined(headers, "If-Match")) {
    if (!if_match(*im, v.etag, v.exists)) return precondition_result::failed;
  } else if (const auto ius = headers.get("If-Unmodified-Since"); ius && lm) {
    if (!if_unmodified_since(*ius, *lm)) return precondition_result::failed;
  }
  // Steps 3-4: If-None-Match, else If-Modified-Since for GET/HEAD.
  if (const auto inm = combined(headers, "If-None-Match")) {
    if (!if_none_match(*inm, v.etag, v.exists))
      return get_or_head ? precondition_result::not_modified : precondition_result::failed;
  } else if (const auto ims = headers.get("If-Modified-Since"); ims && lm && get_or_head) {
    if (!if_modified_since(*ims, *lm)) return precondition_result::not_modified;
  }
  return precondition_result::proceed;
}

std::string make_etag(std::uint64_t size, std::int64_t mtime_ns, std::uint64_t inode) {
  // Mix mtime and inode so the tag changes with either without revealing the inode.
  std::uint64_t x = static_cast<std::uint64_t>(mtime_ns) ^ (inode * 0x9e3779b97f4a7c15ull);
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return "\"" + hex(size) + "-" + hex(x) + "\"";
}

}  // namespace l7::http
