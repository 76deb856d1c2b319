// Parser: start lines, header section and message framing (RFC 9112 §3, §4, §6).
#include <optional>

#include "core/text.hpp"
#include "http/codec/field_parser.hpp"
#include "http/codec/framing.hpp"
#include "http/codec/grammar.hpp"
#include "http/codec/parser.hpp"

namespace l7::http {
namespace {

// HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3). A 1.x minor
// version above 1 is handled as 1.1 (RFC 9110 §6.2); other majors are unsupported.
int parse_version(std::string_view v, std::error_code& ec) {
  if (v.size() != 8 || v.substr(0, 5) != "HTTP/" || !is_digit(v[5]) || v[6] != '.' ||
      !is_digit(v[7])) {
    ec = error::bad_version;
    return 0;
  }
  if (v[5] != '1') {
    ec = error::unsupported_version;
    return 0;
  }
  return v[7] == '0' ? 10 : 11;
}

bool valid_target_bytes(std::string_view t, bool lenient) {
  for (char ch : t) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7f || (c > 0x7f && !lenient)) return false;
  }
  return true;
}

// absolute-form starts with scheme ":" (RFC 3986 §3.1).
bool has_scheme(std::string_view t) {
  const auto colon = t.find(':');
  if (colon == 0 || colon == std::string_view::npos || !is_alpha(t[0])) return false;
  for (char c : t.substr(0, colon))
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return false;
  return true;
}

// authority-form = uri-host ":" port (RFC 9112 §3.2.3).
bool is_authority_form(std::string_view t) {
  const auto colon = t.rfind(':');
  if (colon == 0 || colon == std::string_view::npos || colon + 1 == t.size()) return false;
  for (char c : t.substr(colon + 1))
    if (!is_digit(c)) return false;
  return t.find_first_of("/?#@") == std::string_view::npos;
}

// RFC 9112 §3.2: the form must fit the method.
bool valid_target(std::string_view method, std::string_view t, bool lenient) {
  if (t.empty() || !valid_target_bytes(t, lenient)) return false;
  if (method == "CONNECT") return is_authority_form(t);      // §3.2.3
  if (t == "*") return method == "OPTIONS";                   // §3.2.4
  return t.front() == '/' || has_scheme(t);                   // §3.2.1, §3.2.2
}

// Host = uri-host [ ":" port ] (RFC 9110 §7.2): only the characters of reg-name, IP literals
// and ports; an IP literal's "[" comes first. Empty is allowed (§7.2, no authority).
bool valid_host_value(std::string_view v) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (is_alpha(c) || is_digit(c) || (c == '[' && i == 0)) continue;
    if (std::string_view("-._~!$&'()*+,;=%:]").find(c) == std::string_view::npos) return false;
  }
  return true;
}

// request-line = method SP request-target SP HTTP-version (RFC 9112 §3).
void parse_request_line(std::string_view line, bool lenient, request_head& h,
                        std::error_code& ec) {
  const auto sp1 = line.find(' ');
  const auto sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos) {
    ec = error::bad_request_line;
    return;
  }
  const auto method = line.substr(0, sp1);
  if (!is_token(method)) {
    ec = error::bad_method;
    return;
  }
  if (sp2 == sp1) {  // "GET /path": an HTTP/0.9 simple request
    ec = line.size() > sp1 + 1 ? error::unsupported_version : error::bad_request_line;
    return;
  }
  auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (lenient) target = trim_ows(target);  // §3: whitespace-delimited words
  if (!valid_target(method, target, lenient)) {
    ec = error::bad_target;
    return;
  }
  const int version = parse_version(line.substr(sp2 + 1), ec);
  if (ec) return;
  h.method.assign(method);
  h.target.assign(target);
  h.version = version;
}

// status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4).
void parse_status_line(std::string_view line, bool lenient, response_head& h,
                       std::error_code& ec) {
  if (line.size() < 12 || line[8] != ' ') {
    ec = error::bad_status_line;
    return;
  }
  const int version = parse_version(line.substr(0, 8), ec);
  if (ec) return;
  const auto code = line.substr(9, 3);
  if (!is_digit(code[0]) || !is_digit(code[1]) || !is_digit(code[2])) {
    ec = error::bad_status_line;
    return;
  }
  const int status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
  // RFC 9110 §15: codes outside 100..599 are invalid.
  const bool status_ok = status >= 100 && (status <= 599 || lenient);
  // The SP after the code is required even with an empty reason; lenient mode forgives it.
  const bool has_sp = line.size() > 12 && line[12] == ' ';
  const bool sp_ok = has_sp || (lenient && line.size() == 12);
  const auto reason = has_sp ? line.substr(13) : std::string_view{};
  // reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )
  if (!status_ok || !sp_ok || (!lenient && !is_field_value(reason))) {
    ec = error::bad_status_line;
    return;
  }
  h.version = version;
  h.status = status;
  h.reason.assign(reason);
}

}  // namespace

std::size_t parser::step_head(std::string_view in, std::error_code& ec) {
  const bool request = role_ == role::request;
  detail::scan_options o;
  o.start_line = true;
  o.skip_leading_empty = request || limits_.lenient;
  o.allow_bare_lf = limits_.lenient;
  o.max_start_line = limits_.max_start_line;
  o.max_bytes = limits_.max_header_bytes;
  // A request line starts with a method token (RFC 9112 §3). A first byte that cannot start
  // one (a TLS ClientHello on the plain port) fails at once, however much input has arrived,
  // instead of waiting for a line end that may never come.
  if (request && !limits_.lenient && !in.empty() && in[0] != '\r' && in[0] != '\n' &&
      !is_tchar(in[0])) {
    ec = error::bad_request_line;
    return 0;
  }
  switch (scan_.scan_section(in, o)) {
    case detail::scan_status::need_more: return 0;
    case detail::scan_status::complete: break;
    case detail::scan_status::bare_lf: ec = error::bare_lf; return 0;
    case detail::scan_status::too_large: ec = error::headers_too_large; return 0;
    case detail::scan_status::start_line_too_long:
      ec = request ? error::request_line_too_long : error::bad_status_line;
      return 0;
  }
  const auto section = in.substr(scan_.begin(), scan_.end() - scan_.begin());
  if (request) {
    parse_request_head(section, ec);
    if (!ec) request_framing(ec);
  } else {
    parse_response_head(section, ec);
    if (!ec) response_framing(ec);
  }
  if (ec) return 0;
  const std::size_t used = scan_.end();
  scan_.reset();
  event_ = head_event{};
  return used;
}

void parser::parse_request_head(std::string_view section, std::error_code& ec) {
  parse_request_line(detail::take_line(section), limits_.lenient, request_, ec);
  if (!ec) detail::parse_field_lines(section, limits_, request_.headers, ec);
  if (ec || limits_.lenient) return;
  // RFC 9112 §3.2: an HTTP/1.1 request needs exactly one Host; no request may have two, and
  // an invalid Host value is rejected the same way.
  const auto hosts = request_.headers.count("Host");
  if (hosts > 1 || (hosts == 0 && request_.version >= 11) ||
      !valid_host_value(request_.headers.get("Host").value_or("")))
    ec = error::missing_host;
}

void parser::parse_response_head(std::string_view section, std::error_code& ec) {
  parse_status_line(detail::take_line(section), limits_.lenient, response_, ec);
  if (!ec) detail::parse_field_lines(section, limits_, response_.headers, ec);
}

// RFC 9112 §9.3 persistence, RFC 9110 §7.6.1 Connection options.
void parser::set_connection_state(int version, const fields& headers) {
  const bool close = headers.has_token("Connection", "close");
  keep_alive_ = !close && (version >= 11 || headers.has_token("Connection", "keep-alive"));
}

// RFC 9112 §6.1 and §6.3 for requests; anything ambiguous is an error (request smuggling).
void parser::request_framing(std::error_code& ec) {
  const auto& h = request_.headers;
  set_connection_state(request_.version, h);
  expect_continue_ = request_.version >= 11 && h.has_token("Expect", "100-continue");
  // RFC 9110 §7.8: Upgrade is ignored in HTTP/1.0; §9.3.6: CONNECT turns into a tunnel.
  upgrade_ = request_.method == "CONNECT" ||
             (request_.version >= 11 && h.has_token("Connection", "upgrade") &&
              h.count("Upgrade") > 0);
  const auto te = detail::parse_transfer_encoding(h);
  const auto cl = detail::parse_content_length(h);
  if (te.present) {
    if (cl.present && !limits_.lenient) {
      ec = error::content_length_and_chunked;  // §6.1: a smuggling attempt
    } else if (!te.valid || te.chunked > 1 || (request_.version < 11 && !limits_.lenient)) {
      ec = error::bad_transfer_encoding;  // §6.1: HTTP/1.0 framing with TE is faulty
    } else if (!te.chunked_last) {
      ec = error::bad_transfer_encoding;  // §6.3 item 4: length cannot be determined
    } else if (te.others) {
      ec = error::unknown_transfer_coding;  // §6.1: 501 for codings we do not understand
    }
    if (ec) return;
    chunked_ = true;
    // §6.1: after CL+TE or TE on HTTP/1.0 the connection must close.
    if (cl.present || request_.version < 11) keep_alive_ = false;
  } else if (cl.present) {
    if (!cl.valid) {
      ec = error::bad_content_length;
      return;
    }
    content_length_ = cl.value;
  }
  if (upgrade_) {
    state_ = state::end;
  } else if (chunked_) {
    state_ = state::chunk_line;
  } else if (content_length_.value_or(0) > 0) {
    remaining_ = *content_length_;
    state_ = state::length_body;
  } else {
    state_ = state::end;  // §6.3 item 7: no framing fields, no body
  }
}

// RFC 9112 §6.3 for responses.
void parser::response_framing(std::error_code& ec) {
  const auto& h = response_.headers;
  const int status = response_.status;
  set_connection_state(response_.version, h);
  const bool connect_ok = response_to_ == "CONNECT" && status / 100 == 2;
  upgrade_ = status == 101 || connect_ok;
  interim_ = status / 100 == 1 && status != 101;
  const auto te = detail::parse_transfer_encoding(h);
  const auto cl = detail::parse_content_length(h);
  // §6.3 items 1-2: these responses never have content, whatever their fields say.
  if (status / 100 == 1 || status == 204 || status == 304 || response_to_ == "HEAD" ||
      connect_ok) {
    if (cl.valid) content_length_ = cl.value;
    state_ = state::end;
    return;
  }
  if (te.present) {
    if (cl.present && !limits_.lenient) {
      ec = error::content_length_and_chunked;
    } else if (!te.valid || te.chunked > 1 || (response_.version < 11 && !limits_.lenient)) {
      ec = error::bad_transfer_encoding;
    }
    if (ec) return;
    if (cl.present || response_.version < 11) keep_alive_ = false;
    chunked_ = te.chunked_last;  // §6.3 item 4: otherwise the body runs until close
    until_close_ = !chunked_;
  } else if (cl.present) {
    if (!cl.valid) {
      ec = error::bad_content_length;
      return;
    }
    content_length_ = cl.value;
  } else {
    until_close_ = true;  // §6.3 item 8
  }
  if (until_close_) keep_alive_ = false;
  if (chunked_) {
    state_ = state::chunk_line;
  } else if (until_close_) {
    state_ = state::close_body;
  } else if (*content_length_ > 0) {
    remaining_ = *content_length_;
    state_ = state::length_body;
  } else {
    state_ = state::end;
  }
}

}  // namespace l7::http
