// Parser: chunked transfer coding and trailer section (RFC 9112 §7.1).
#include <algorithm>
#include <optional>

#include "core/bytes.hpp"
#include "core/text.hpp"
#include "http/codec/field_parser.hpp"
#include "http/codec/grammar.hpp"
#include "http/codec/parser.hpp"

namespace l7::http {
namespace {

// Largest chunk size accepted: 2^63 - 1.
constexpr std::uint64_t max_chunk_size = (std::uint64_t{1} << 63) - 1;

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  return to_lower_ascii(c) - 'a' + 10;
}

// quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110 §5.6.4), starting at s[i].
bool skip_quoted_string(std::string_view s, std::size_t& i) {
  for (++i; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '"') {
      ++i;
      return true;
    }
    if (c == '\\') {
      if (++i == s.size() || !is_field_value_char(s[i])) return false;
    } else if (!is_field_value_char(c)) {
      return false;
    }
  }
  return false;
}

bool skip_token(std::string_view s, std::size_t& i) {
  const std::size_t start = i;
  while (i < s.size() && is_tchar(s[i])) ++i;
  return i > start;
}

// chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ) (RFC 9112 §7.1.1).
// Extensions are checked and ignored. Lenient mode also accepts trailing whitespace.
bool valid_chunk_ext(std::string_view s, bool lenient) {
  std::size_t i = 0;
  const auto skip_ows = [&] {
    while (i < s.size() && is_ows(s[i])) ++i;
  };
  for (;;) {
    const std::size_t before = i;
    skip_ows();
    if (i == s.size()) return lenient || i == before;
    if (s[i] != ';') return false;
    ++i;
    skip_ows();
    if (!skip_token(s, i)) return false;
    const std::size_t after_name = i;
    skip_ows();
    if (i == s.size() || s[i] != '=') {
      i = after_name;
      continue;
    }
    ++i;
    skip_ows();
    if (i == s.size()) return false;
    if (!(s[i] == '"' ? skip_quoted_string(s, i) : skip_token(s, i))) return false;
  }
}

// chunk-size = 1*HEXDIG, then extensions (RFC 9112 §7.1). No sign, "0x" or leading space.
std::optional<std::uint64_t> parse_chunk_line(std::string_view line, bool lenient) {
  std::uint64_t size = 0;
  std::size_t i = 0;
  for (; i < line.size() && is_hex_digit(line[i]); ++i) {
    const auto d = static_cast<std::uint64_t>(hex_value(line[i]));
    if (size > (max_chunk_size - d) / 16) return std::nullopt;
    size = size * 16 + d;
  }
  if (i == 0 || !valid_chunk_ext(line.substr(i), lenient)) return std::nullopt;
  return size;
}

}  // namespace

std::size_t parser::step_chunk_line(std::string_view in, std::error_code& ec) {
  // A bare LF in chunk framing is bad_chunk (RFC 9112 §7.1); lenient mode accepts it.
  switch (scan_.scan_line(in, limits_.max_chunk_line, limits_.lenient)) {
    case detail::scan_status::need_more: return 0;
    case detail::scan_status::complete: break;
    default: ec = error::bad_chunk; return 0;
  }
  std::string_view rest = in.substr(0, scan_.end());
  const auto size = parse_chunk_line(detail::take_line(rest), limits_.lenient);
  if (!size) {
    ec = error::bad_chunk;
    return 0;
  }
  const std::size_t used = scan_.end();
  scan_.reset();
  if (*size == 0) {
    state_ = state::trailers;  // last-chunk
    return used;
  }
  if (limits_.max_body != 0 &&
      *size > limits_.max_body - std::min(body_bytes_, limits_.max_body)) {
    ec = error::body_too_large;
    return 0;
  }
  remaining_ = *size;
  state_ = state::chunk_data;
  return used;
}

std::size_t parser::step_chunk_data(std::string_view in) {
  const std::uint64_t n = std::min<std::uint64_t>(remaining_, in.size());
  if (n == 0) return 0;
  remaining_ -= n;
  if (remaining_ == 0) state_ = state::chunk_crlf;
  return emit_data(in, n);
}

// chunk-data CRLF (RFC 9112 §7.1).
std::size_t parser::step_chunk_crlf(std::string_view in, std::error_code& ec) {
  if (in.empty()) return 0;
  std::size_t used = 0;
  if (in[0] == '\n' && limits_.lenient) {
    used = 1;
  } else if (in[0] == '\r' && in.size() == 1) {
    return 0;
  } else if (in[0] == '\r' && in[1] == '\n') {
    used = 2;
  } else {
    ec = error::bad_chunk;
    return 0;
  }
  state_ = state::chunk_line;
  return used;
}

// trailer-section = *( field-line CRLF ), then CRLF (RFC 9112 §7.1.2): the same rules and
// limits as the header section.
std::size_t parser::step_trailers(std::string_view in, std::error_code& ec) {
  detail::scan_options o;
  o.allow_bare_lf = limits_.lenient;
  o.max_bytes = limits_.max_header_bytes;
  switch (scan_.scan_section(in, o)) {
    case detail::scan_status::need_more: return 0;
    case detail::scan_status::complete: break;
    case detail::scan_status::bare_lf: ec = error::bare_lf; return 0;
    default: ec = error::headers_too_large; return 0;
  }
  detail::parse_field_lines(in.substr(0, scan_.end()), limits_, trailers_, ec);
  if (ec) return 0;
  const std::size_t used = scan_.end();
  scan_.reset();
  event_ = end_event{};
  state_ = state::done;
  return used;
}

}  // namespace l7::http
