// Checks shared by the HTTP parser fuzz targets: the same input parsed whole, split at
// data-derived offsets and byte by byte must give the same transcript; a head accepted in
// strict mode must survive serialize -> parse unchanged.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "driver.hpp"
#include "http/codec/serializer.hpp"

namespace l7::http::testing {

inline std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  return h;
}

[[noreturn]] inline void fail(const char* what, std::size_t at) {
  std::fprintf(stderr, "http fuzz: %s (offset %zu)\n", what, at);
  std::abort();
}

inline void check_splits(std::string_view input, const run_options& o) {
  const transcript whole = run_whole(input, o);
  const std::uint64_t h = fnv1a(input);
  const std::size_t a = static_cast<std::size_t>(h % (input.size() + 1));
  const std::size_t b = static_cast<std::size_t>((h >> 32) % (input.size() + 1));
  if (run_split(input, a, o) != whole) fail("split differs from whole", a);
  if (run_parser(input, {std::min(a, b), std::max(a, b)}, o) != whole)
    fail("two-cut split differs from whole", b);
  if (input.size() <= 256 && run_bytewise(input, o) != whole) fail("bytewise differs", 0);
  if (o.r == role::request) {
    run_options fresh = o;
    fresh.fresh_parser_per_message = true;
    if (run_whole(input, fresh) != whole) fail("reset() kept something of the last message", 0);
  }
}

// Small limits so that the fuzzer reaches every limit check with short inputs.
inline limits small_limits(bool lenient) {
  limits l;
  l.max_start_line = 48;
  l.max_header_bytes = 200;
  l.max_headers = 6;
  l.max_body = 40;
  l.max_chunk_line = 24;
  l.lenient = lenient;
  return l;
}

inline bool same_fields(const fields& a, const fields& b) {
  if (a.size() != b.size()) return false;
  return std::equal(a.begin(), a.end(), b.begin(), [](const field& x, const field& y) {
    return x.name == y.name && x.value == y.value;
  });
}

// A strictly accepted head, serialized, parses back to the same head.
inline void check_round_trip(std::string_view input, role r) {
  parser p(r);
  std::error_code ec;
  p.parse(input, ec);
  if (ec || !std::holds_alternative<head_event>(p.next())) return;
  std::string out;
  parser q(r);
  if (r == role::request) {
    serialize(p.request(), out);
    q.parse(out, ec);
    if (ec || !std::holds_alternative<head_event>(q.next())) fail("request round trip", 0);
    const auto &x = p.request(), &y = q.request();
    if (x.method != y.method || x.target != y.target || x.version != y.version ||
        !same_fields(x.headers, y.headers))
      fail("request round trip differs", 0);
  } else {
    serialize(p.response(), out);
    q.parse(out, ec);
    if (ec || !std::holds_alternative<head_event>(q.next())) fail("response round trip", 0);
    const auto &x = p.response(), &y = q.response();
    if (x.status != y.status || x.version != y.version || !same_fields(x.headers, y.headers) ||
        (!x.reason.empty() && x.reason != y.reason))
      fail("response round trip differs", 0);
  }
}

}  // namespace l7::http::testing
