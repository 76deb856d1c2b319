#include "http/codec/range.hpp"

#include <algorithm>
#include <optional>

#include "core/text.hpp"

namespace l7::http {
namespace {

// One range-spec before it is checked against the size.
struct range_spec {
  std::optional<std::uint64_t> first;  // absent: suffix range
  std::optional<std::uint64_t> last;   // absent: open range, or the suffix length
};

// int-range = first-pos "-" [ last-pos ]; suffix-range = "-" suffix-length (RFC 9110 §14.1.1).
std::optional<range_spec> parse_spec(std::string_view s) {
  const auto dash = s.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto a = s.substr(0, dash);
  const auto b = s.substr(dash + 1);
  range_spec r;
  if (a.empty()) {
    r.last = parse_uint(b);
    if (!r.last) return std::nullopt;
    return r;
  }
  r.first = parse_uint(a);
  if (!r.first) return std::nullopt;
  if (!b.empty()) {
    r.last = parse_uint(b);
    if (!r.last || *r.last < *r.first) return std::nullopt;  // invalid int-range
  }
  return r;
}

// §14.1.1: the satisfiable part of a spec, clamped to the representation.
std::optional<byte_range> resolve(const range_spec& r, std::uint64_t size) {
  if (size == 0) return std::nullopt;
  if (!r.first) {  // suffix: the last N bytes, the whole representation if shorter
    if (*r.last == 0) return std::nullopt;
    return byte_range{size - std::min(*r.last, size), size - 1};
  }
  if (*r.first >= size) return std::nullopt;
  return byte_range{*r.first, std::min(r.last.value_or(size - 1), size - 1)};
}

void coalesce(std::vector<byte_range>& v) {
  std::sort(v.begin(), v.end(), [](const byte_range& x, const byte_range& y) {
    return x.first < y.first;
  });
  std::size_t out = 0;
  for (std::size_t i = 1; i < v.size(); ++i) {
    if (v[i].first <= v[out].last + 1) {  // overlapping or adjacent (last < size - 1 < max)
      v[out].last = std::max(v[out].last, v[i].last);
    } else {
      v[++out] = v[i];
    }
  }
  v.resize(v.empty() ? 0 : out + 1);
}

}  // namespace

range_result parse_range(std::string_view value, std::uint64_t size, std::size_t max_ranges) {
  range_result result;
  // ranges-specifier = range-unit "=" range-set; the unit is case-insensitive (§14.1).
  const auto eq = value.find('=');
  if (eq == std::string_view::npos || !iequals(value.substr(0, eq), "bytes"))
    return result;
  std::vector<range_spec> specs;
  // range-set = 1#range-spec: empty list elements are allowed, at least one spec is not.
  for (const auto part : split(value.substr(eq + 1), ',')) {
    const auto element = trim_ows(part);
    if (element.empty()) continue;
    const auto spec = parse_spec(element);
    if (!spec || specs.size() == max_ranges) return result;
    specs.push_back(*spec);
  }
  if (specs.empty()) return result;
  for (const auto& spec : specs)
    if (const auto r = resolve(spec, size)) result.ranges.push_back(*r);
  if (result.ranges.empty()) {
    // §14.1.1: with a zero-length representation only a non-zero suffix-range is
    // satisfiable; its whole (empty) representation is sent as a 200.
    const bool empty_suffix = size == 0 && std::any_of(specs.begin(), specs.end(), [](auto& s) {
      return !s.first && *s.last != 0;
    });
    // Otherwise no satisfiable range -> 416.
    if (!empty_suffix) result.status = range_status::unsatisfiable;
    return result;
  }
  coalesce(result.ranges);
  result.status = range_status::satisfiable;
  return result;
}

std::string format_content_range(std::uint64_t first, std::uint64_t last, std::uint64_t size) {
  return "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" +
         std::to_string(size);
}

std::string format_unsatisfied_range(std::uint64_t size) {
  return "bytes */" + std::to_string(size);
}

multipart_byteranges make_multipart_byteranges(std::string_view boundary,
                                               std::string_view part_type,
                                               const std::vector<byte_range>& ranges,
                                               std::uint64_t size) {
  multipart_byteranges m;
  m.content_type = "multipart/byteranges; boundary=";
  m.content_type += boundary;
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    // The CRLF before a delimiter belongs to the delimiter (RFC 2046 §5.1.1).
    std::string h = i == 0 ? "--" : "\r\n--";
    h += boundary;
    h += "\r\n";
    if (!part_type.empty()) {
      h += "Content-Type: ";
      h += part_type;
      h += "\r\n";
    }
    h += "Content-Range: " + format_content_range(ranges[i].first, ranges[i].last, size);
    h += "\r\n\r\n";
    m.content_length += h.size() + ranges[i].length();
    m.part_headers.push_back(std::move(h));
  }
  m.closing = "\r\n--";
  m.closing += boundary;
  m.closing += "--\r\n";
  m.content_length += m.closing.size();
  return m;
}

}  // namespace l7::http
