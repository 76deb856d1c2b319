#include "http/codec/field_parser.hpp"

#include <string>

#include "core/text.hpp"
#include "http/codec/grammar.hpp"

namespace l7::http::detail {
namespace {

std::string_view trim_right_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

// A field being assembled; obs-fold continuation lines extend its value in lenient mode.
struct pending_field {
  std::string name;
  std::string value;
  bool active = false;
};

bool flush(pending_field& p, const limits& l, fields& out, std::error_code& ec) {
  if (!p.active) return true;
  if (out.size() >= l.max_headers) {
    ec = error::too_many_headers;
    return false;
  }
  out.add(p.name, p.value);
  p.active = false;
  return true;
}

// field-line = field-name ":" OWS field-value OWS (RFC 9112 §5).
bool start_field(std::string_view line, const limits& l, pending_field& p, std::error_code& ec) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    ec = error::bad_header_name;
    return false;
  }
  std::string_view name = line.substr(0, colon);
  // RFC 9112 §5.1: no whitespace between name and colon (400); lenient mode drops it.
  if (l.lenient) name = trim_right_ows(name);
  if (!is_token(name)) {
    ec = error::bad_header_name;
    return false;
  }
  const std::string_view value = trim_ows(line.substr(colon + 1));
  // RFC 9110 §5.5: CR, LF, NUL and other CTLs are invalid in a value.
  if (!l.lenient && !is_field_value(value)) {
    ec = error::bad_header_value;
    return false;
  }
  p.name.assign(name);
  p.value.assign(value);
  p.active = true;
  return true;
}

}  // namespace

std::string_view take_line(std::string_view& rest) {
  const auto lf = rest.find('\n');
  std::string_view line = rest.substr(0, lf);
  rest.remove_prefix(lf == std::string_view::npos ? rest.size() : lf + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

void parse_field_lines(std::string_view rest, const limits& l, fields& out, std::error_code& ec) {
  pending_field p;
  while (!rest.empty()) {
    const std::string_view line = take_line(rest);
    if (line.empty()) break;
    if (is_ows(line.front())) {
      // RFC 9112 §5.2: obs-fold is rejected; lenient mode replaces it with one SP. A folded
      // line with no field before it (§2.2: whitespace after the start line) is dropped.
      if (!l.lenient) {
        ec = error::obs_fold;
        return;
      }
      if (p.active) {
        const auto more = trim_ows(line);
        if (!more.empty()) {
          if (!p.value.empty()) p.value += ' ';
          p.value.append(more);
        }
      }
      continue;
    }
    if (!flush(p, l, out, ec) || !start_field(line, l, p, ec)) return;
  }
  flush(p, l, out, ec);
}

}  // namespace l7::http::detail
