#include "pop3/client/response.hpp"

#include <algorithm>

#include "core/base64.hpp"
#include "core/text.hpp"
#include "pop3/client/error.hpp"

namespace l7::pop3::client {

void response_parser::expect(bool multiline, bool challenge) {
  multiline_ = multiline;
  challenge_ = challenge;
  have_status_ = done_ = false;
  failed_.clear();
  status_ = {};
  body_.clear();
  no_lf_ = 0;
}

std::size_t response_parser::parse(std::string_view data, std::error_code& ec) {
  ec = failed_;
  if (failed_ || done_) return 0;
  std::size_t used = 0;
  while (!done_) {
    const auto rest = data.substr(used);
    const auto lf = rest.find('\n', std::min(no_lf_, rest.size()));
    const auto max = have_status_ ? limits_.max_body_line : limits_.max_status_line;
    if (lf == std::string_view::npos) {
      no_lf_ = rest.size();
      if (rest.size() > max + 1) ec = failed_ = make_error_code(error::line_too_long);
      return used;
    }
    no_lf_ = 0;
    auto line = rest.substr(0, lf);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > max) {
      ec = failed_ = make_error_code(error::line_too_long);
      return used;
    }
    if (!have_status_) {
      first_line(line, ec);
      if (ec) return used;
    } else if (line == ".") {  // RFC 1939 §3: the termination octet
      done_ = true;
    } else {
      auto keep = rest.substr(0, lf + 1);
      if (keep.front() == '.') keep.remove_prefix(1);  // byte-stuffed
      if (body_.size() + keep.size() > limits_.max_body) {
        ec = failed_ = make_error_code(error::message_too_big);
        return used;
      }
      body_.append(keep);
    }
    used += lf + 1;
  }
  return used;
}

void response_parser::first_line(std::string_view line, std::error_code& ec) {
  auto st = parse_status_line(line);
  // RFC 5034 §4: a server challenge is "+" SP base64 (or "+" alone for an empty one).
  if (!st && challenge_ && (line == "+" || line.starts_with("+ "))) {
    st = status_line{};
    st->continuation = true;
    st->text = std::string(line.substr(line.size() > 1 ? 2 : 1));
  }
  if (!st) {
    ec = failed_ = make_error_code(error::bad_response);
    return;
  }
  status_ = std::move(*st);
  have_status_ = true;
  done_ = !multiline_ || !status_.ok;
}

std::optional<status_line> parse_status_line(std::string_view line) {
  status_line st;
  if (line.starts_with("+OK")) st.ok = true;
  else if (!line.starts_with("-ERR")) return std::nullopt;
  line.remove_prefix(st.ok ? 3 : 4);
  if (!line.empty() && line.front() != ' ') return std::nullopt;  // "+OKAY" is not +OK
  if (!line.empty()) line.remove_prefix(1);
  // RFC 2449 §8: "[" resp-code "]" right after the status; only on -ERR in practice, but
  // harmless on +OK.
  if (line.starts_with('[')) {
    const auto close = line.find(']');
    if (close != std::string_view::npos) {
      st.code = std::string(line.substr(1, close - 1));
      line.remove_prefix(close + 1);
      if (line.starts_with(' ')) line.remove_prefix(1);
    }
  }
  st.text = std::string(line);
  return st;
}

std::optional<std::string> sasl_data(std::string_view text) {
  text = trim_ows(text);
  return base64_decode(text.substr(0, text.find(' ')));
}

namespace {

// The first two space-separated words of `text` (more may follow, RFC 1939 §5 allows it).
std::pair<std::string_view, std::string_view> two_words(std::string_view text) {
  text = trim_ows(text);
  const auto sp = text.find(' ');
  if (sp == std::string_view::npos) return {text, {}};
  auto second = trim_ows(text.substr(sp + 1));
  second = second.substr(0, second.find(' '));
  return {text.substr(0, sp), second};
}

std::optional<std::uint32_t> msg_number(std::string_view s) {
  const auto n = parse_uint(s);
  if (!n || *n == 0 || *n > 0x7fffffffu || s.size() > 10) return std::nullopt;
  return static_cast<std::uint32_t>(*n);
}

}  // namespace

std::optional<drop_stat> parse_stat(std::string_view text) {
  const auto [a, b] = two_words(text);
  const auto count = parse_uint(a);
  const auto size = parse_uint(b);
  if (!count || !size || *count > 0x7fffffffu || a.size() > 10 || b.size() > 19) return std::nullopt;
  return drop_stat{static_cast<std::uint32_t>(*count), *size};
}

std::optional<scan_listing> parse_scan_listing(std::string_view line) {
  const auto [a, b] = two_words(line);
  const auto n = msg_number(a);
  const auto size = parse_uint(b);
  if (!n || !size || b.size() > 19) return std::nullopt;
  return scan_listing{*n, *size};
}

std::optional<unique_id_listing> parse_unique_id_listing(std::string_view line) {
  const auto [a, b] = two_words(line);
  const auto n = msg_number(a);
  if (!n || b.empty() || b.size() > 70) return std::nullopt;
  if (!std::all_of(b.begin(), b.end(), [](char c) { return c >= 0x21 && c <= 0x7e; })) return std::nullopt;
  return unique_id_listing{*n, std::string(b)};
}

std::vector<std::string_view> body_lines(std::string_view body) {
  std::vector<std::string_view> out;
  while (!body.empty()) {
    const auto lf = body.find('\n');
    auto line = body.substr(0, lf);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line);
    if (lf == std::string_view::npos) break;
    body.remove_prefix(lf + 1);
  }
  return out;
}

bool capabilities::offers_sasl(std::string_view mechanism) const {
  return std::any_of(sasl.begin(), sasl.end(), [&](const std::string& m) { return iequals(m, mechanism); });
}

capabilities parse_capa(std::string_view body) {
  capabilities caps;
  caps.known = true;
  for (auto line : body_lines(body)) {
    line = trim_ows(line);
    const auto sp = line.find(' ');
    const auto name = to_upper(line.substr(0, sp));
    const auto args = sp == std::string_view::npos ? std::string_view() : trim_ows(line.substr(sp + 1));
    if (name == "TOP") caps.top = true;
    else if (name == "UIDL") caps.uidl = true;
    else if (name == "USER") caps.user = true;
    else if (name == "STLS") caps.stls = true;
    else if (name == "PIPELINING") caps.pipelining = true;
    else if (name == "RESP-CODES") caps.resp_codes = true;
    else if (name == "IMPLEMENTATION") caps.implementation = std::string(args);
    else if (name == "SASL")
      for (auto m : split(args, ' '))
        if (!m.empty()) caps.sasl.push_back(to_upper(m));
  }
  return caps;
}

}  // namespace l7::pop3::client
