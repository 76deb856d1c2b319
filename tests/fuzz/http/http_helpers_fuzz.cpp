// libFuzzer target: the pure helpers (dates, ranges, entity tags, URLs) and their invariants.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/codec/conditional.hpp"
#include "http/codec/date.hpp"
#include "http/codec/range.hpp"
#include "http/codec/url.hpp"

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "http helpers fuzz: %s\n", what);
    std::abort();
  }
}

void check_date(std::string_view in) {
  if (const auto t = l7::http::parse_http_date(in)) {
    const auto text = l7::http::format_http_date(*t);
    check(l7::http::parse_http_date(text) == *t || *t > 253402300799, "date round trip");
  }
  l7::http::parse_http_date(in, 1700000000);
}

void check_range(std::string_view in, std::uint64_t size) {
  const auto r = l7::http::parse_range(in, size);
  if (r.status != l7::http::range_status::satisfiable) {
    check(r.ranges.empty(), "ranges without satisfiable status");
    return;
  }
  check(!r.ranges.empty() && r.ranges.size() <= l7::http::max_byte_ranges, "range count");
  for (std::size_t i = 0; i < r.ranges.size(); ++i) {
    check(r.ranges[i].first <= r.ranges[i].last && r.ranges[i].last < size, "range bounds");
    if (i > 0) check(r.ranges[i - 1].last + 1 < r.ranges[i].first, "ranges not coalesced");
  }
  const auto m = l7::http::make_multipart_byteranges("b0undary", "text/plain", r.ranges, size);
  std::uint64_t total = m.closing.size();
  for (std::size_t i = 0; i < r.ranges.size(); ++i)
    total += m.part_headers[i].size() + r.ranges[i].length();
  check(total == m.content_length, "multipart length");
}

void check_url(std::string_view in) {
  if (const auto u = l7::http::parse_url(in)) {
    check(!u->host.empty() && u->port != 0 && u->target.starts_with('/'), "url fields");
    const auto again = l7::http::parse_url(u->origin() + u->target);
    check(again && again->host == u->host && again->port == u->port &&
              again->target == u->target,
          "url round trip");
  }
  const auto cut = in.find('\n');
  if (cut != std::string_view::npos)
    l7::http::resolve_reference(in.substr(0, cut), in.substr(cut + 1));
  l7::http::resolve_reference("http://a/b/c/d;p?q", in);
  l7::http::remove_dot_segments(in);
  l7::http::split_target(in);
}

void check_etags(std::string_view in) {
  l7::http::parse_etag_list(in);
  l7::http::if_match(in, "\"abc\"");
  l7::http::if_none_match(in, "W/\"abc\"");
  l7::http::if_range(in, "\"abc\"", 784111777);
  if (const auto t = l7::http::parse_etag(in)) check(t->opaque.size() >= 2, "etag opaque");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::uint64_t rep_size = 0;
  for (std::size_t i = 0; i < size && i < 4; ++i) rep_size = rep_size * 251 + data[i];
  check_date(in);
  check_range(in, rep_size % 100000);
  check_range(in, ~std::uint64_t{0} - rep_size);
  check_url(in);
  check_etags(in);
  return 0;
}
