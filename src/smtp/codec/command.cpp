#include "smtp/codec/command.hpp"

#include <array>
#include <utility>

#include "core/text.hpp"
#include "smtp/codec/error.hpp"

namespace l7::smtp {
namespace {

constexpr std::size_t max_local = 64, max_domain = 255, max_path = 256;  // RFC 5321 §4.5.3.1

bool is_atext(char c) {  // RFC 5322 §3.2.3
  if (is_alpha(c) || is_digit(c)) return true;
  static constexpr std::string_view specials = "!#$%&'*+-/=?^_`{|}~";
  return specials.find(c) != std::string_view::npos;
}
bool is_utf8_byte(char c) { return static_cast<unsigned char>(c) >= 0x80; }

// Dot-string = Atom *("." Atom); with `utf8`, bytes >= 0x80 count as atext (RFC 6531 §3.3).
bool valid_dot_string(std::string_view s, bool utf8) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.') {
      if (s[i + 1] == '.') return false;
    } else if (!is_atext(c) && !(utf8 && is_utf8_byte(c))) {
      return false;
    }
  }
  return true;
}

// Quoted-string = DQUOTE *(qtextSMTP / quoted-pairSMTP) DQUOTE (§4.1.2).
bool valid_quoted(std::string_view s, bool utf8) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return false;
  for (std::size_t i = 1; i + 1 < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '\\') {
      if (i + 2 >= s.size()) return false;
      auto q = static_cast<unsigned char>(s[++i]);
      if (q < 32 || q > 126) return false;
    } else if (c == '"' || (c < 32) || c == 127 || (c > 127 && !utf8)) {
      return false;
    }
  }
  return true;
}

// Domain = sub-domain *("." sub-domain), sub-domain = Let-dig [Ldh-str]; U-labels with utf8.
bool valid_domain(std::string_view d, bool utf8) {
  if (d.empty() || d.size() > max_domain) return false;
  for (auto label : split(d, '.')) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!is_alpha(c) && !is_digit(c) && c != '-' && !(utf8 && is_utf8_byte(c))) return false;
  }
  return true;
}

// address-literal (§4.1.3): "[" IPv4 / "IPv6:" IPv6 / tag ":" dcontent "]"; checked loosely
// (printable, no brackets or backslashes inside).
bool valid_literal(std::string_view d) {
  if (d.size() < 3 || d.front() != '[' || d.back() != ']') return false;
  for (char c : d.substr(1, d.size() - 2))
    if (c < 33 || c > 126 || c == '[' || c == ']' || c == '\\') return false;
  return true;
}

std::error_code split_mailbox(std::string_view s, bool utf8, mailbox& out) {
  if (s.size() > max_path) return error::address_too_long;
  // The domain follows the last '@' outside a quoted local part.
  std::size_t at = std::string_view::npos;
  if (!s.empty() && s.front() == '"') {
    std::size_t i = 1;
    for (; i < s.size() && s[i] != '"'; ++i)
      if (s[i] == '\\') ++i;
    if (i + 1 < s.size() && s[i + 1] == '@') at = i + 1;
  } else {
    at = s.rfind('@');
  }
  if (at == std::string_view::npos || at == 0) return error::bad_address;
  auto local = s.substr(0, at);
  auto domain = s.substr(at + 1);
  if (local.size() > max_local || domain.size() > max_domain) return error::address_too_long;
  bool non_ascii = false;
  for (char c : s) non_ascii |= is_utf8_byte(c);
  if (!(local.front() == '"' ? valid_quoted(local, true) : valid_dot_string(local, true)))
    return error::bad_address;
  if (!(domain.front() == '[' ? valid_literal(domain) : valid_domain(domain, true))) return error::bad_address;
  if (non_ascii && !utf8) return error::utf8_not_allowed;
  out.local = std::string(local);
  out.domain = std::string(domain);
  return {};
}

// Takes "<...>" (or a bare path without spaces) off the front of `s`; returns what is inside
// with any source route (A-d-l ":", §4.1.2, to be ignored per §C) removed.
std::error_code take_path(std::string_view& s, std::string_view& inside) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);  // "MAIL FROM: <a@b>"
  if (s.empty()) return error::bad_address;
  std::size_t end;
  if (s.front() == '<') {
    // The closing '>' is the first one outside a quoted local part.
    bool quoted = false;
    end = std::string_view::npos;
    for (std::size_t i = 1; i < s.size(); ++i) {
      if (quoted && s[i] == '\\') { ++i; continue; }
      if (s[i] == '"') quoted = !quoted;
      else if (!quoted && s[i] == '>') { end = i; break; }
    }
    if (end == std::string_view::npos) return error::bad_address;
    inside = s.substr(1, end - 1);
    s.remove_prefix(end + 1);
  } else {
    end = s.find(' ');
    inside = s.substr(0, end);
    s.remove_prefix(end == std::string_view::npos ? s.size() : end);
  }
  if (!inside.empty() && inside.front() == '@') {  // source route
    auto colon = inside.find(':');
    if (colon == std::string_view::npos) return error::bad_address;
    inside.remove_prefix(colon + 1);
  }
  return {};
}

struct param {
  std::string_view keyword;
  std::optional<std::string_view> value;
};

// esmtp-param *(SP esmtp-param): keyword ["=" value] (§4.1.2); calls `take` for each.
template <class Take>
std::error_code for_each_param(std::string_view s, Take&& take) {
  if (!s.empty() && s.front() != ' ') return error::bad_arguments;
  for (auto word : split(s, ' ')) {
    if (word.empty()) continue;
    param p;
    auto eq = word.find('=');
    p.keyword = word.substr(0, eq);
    if (eq != std::string_view::npos) p.value = word.substr(eq + 1);
    if (p.keyword.empty()) return error::bad_arguments;
    for (char c : p.keyword)
      if (!is_alpha(c) && !is_digit(c) && c != '-') return error::bad_arguments;
    for (char c : p.value.value_or(""))
      if (static_cast<unsigned char>(c) < 33 || c == 127) return error::bad_arguments;
    if (p.value && p.value->empty()) return error::bad_parameter;
    if (auto ec = take(p)) return ec;
  }
  return {};
}

std::error_code take_mail_param(const param& p, const offered& o, mail_from& out) {
  const auto& k = p.keyword;
  if (iequals(k, "SIZE") && o.size) {
    auto n = p.value ? parse_uint(*p.value) : std::nullopt;
    if (!n || p.value->size() > 20) return error::bad_parameter;
    out.size = *n;
  } else if (iequals(k, "BODY") && o.eight_bit && p.value) {
    if (iequals(*p.value, "7BIT")) out.body = body_type::seven_bit;
    else if (iequals(*p.value, "8BITMIME")) out.body = body_type::eight_bit_mime;
    else if (iequals(*p.value, "BINARYMIME") && o.binary) out.body = body_type::binary_mime;
    else return error::bad_parameter;
  } else if (iequals(k, "SMTPUTF8") && o.smtputf8) {
    if (p.value) return error::bad_parameter;
    out.smtputf8 = true;
  } else if (iequals(k, "RET") && o.dsn && p.value) {
    if (iequals(*p.value, "FULL")) out.ret = dsn_ret::full;
    else if (iequals(*p.value, "HDRS")) out.ret = dsn_ret::headers;
    else return error::bad_parameter;
  } else if (iequals(k, "ENVID") && o.dsn && p.value) {
    auto v = xtext_decode(*p.value);
    if (!v || v->size() > 100) return error::bad_parameter;  // RFC 3461 §4.4
    out.envid = std::move(*v);
  } else if (iequals(k, "AUTH") && o.auth && p.value) {
    auto v = xtext_decode(*p.value);
    if (!v) return error::bad_parameter;
    out.auth = std::move(*v);
  } else {
    return error::unknown_parameter;
  }
  return {};
}

std::error_code take_rcpt_param(const param& p, const offered& o, rcpt_to& out) {
  if (iequals(p.keyword, "NOTIFY") && o.dsn && p.value) {
    std::uint8_t flags = 0;
    for (auto f : split(*p.value, ',')) {
      if (iequals(f, "NEVER")) flags |= notify_never;
      else if (iequals(f, "SUCCESS")) flags |= notify_success;
      else if (iequals(f, "FAILURE")) flags |= notify_failure;
      else if (iequals(f, "DELAY")) flags |= notify_delay;
      else return error::bad_parameter;
    }
    if ((flags & notify_never) && flags != notify_never) return error::bad_parameter;  // §4.1
    out.notify = flags;
  } else if (iequals(p.keyword, "ORCPT") && o.dsn && p.value) {
    auto semi = p.value->find(';');  // addr-type ";" xtext (§4.2)
    auto v = semi == std::string_view::npos ? std::nullopt : xtext_decode(p.value->substr(semi + 1));
    if (!v || semi == 0 || v->size() > 500) return error::bad_parameter;
    out.orcpt = std::string(p.value->substr(0, semi + 1)) + *v;
  } else {
    return error::unknown_parameter;
  }
  return {};
}

// "FROM:" / "TO:", case-insensitively.
bool take_keyword(std::string_view& s, std::string_view keyword) {
  if (!istarts_with(s, keyword)) return false;
  s.remove_prefix(keyword.size());
  return true;
}

}  // namespace

verb verb_of(std::string_view v) {
  static constexpr std::array<std::pair<std::string_view, verb>, 15> verbs{{
      {"HELO", verb::helo}, {"EHLO", verb::ehlo}, {"LHLO", verb::lhlo}, {"MAIL", verb::mail},
      {"RCPT", verb::rcpt}, {"DATA", verb::data}, {"BDAT", verb::bdat}, {"RSET", verb::rset},
      {"VRFY", verb::vrfy}, {"EXPN", verb::expn}, {"HELP", verb::help}, {"NOOP", verb::noop},
      {"QUIT", verb::quit}, {"STARTTLS", verb::starttls}, {"AUTH", verb::auth}}};
  for (const auto& [name, value] : verbs)
    if (name == v) return value;
  return verb::unknown;
}

bool mailbox::has_utf8() const {
  for (char c : local) if (is_utf8_byte(c)) return true;
  for (char c : domain) if (is_utf8_byte(c)) return true;
  return false;
}

std::string mailbox::text() const { return empty() ? std::string() : local + "@" + domain; }

std::error_code parse_mailbox(std::string_view text, bool utf8, mailbox& out) {
  return split_mailbox(text, utf8, out);
}

std::error_code parse_mail_from(std::string_view arg, const offered& o, mail_from& out) {
  out = {};
  if (!take_keyword(arg, "FROM:")) return error::bad_arguments;
  std::string_view inside;
  if (auto ec = take_path(arg, inside)) return ec;
  if (auto ec = for_each_param(arg, [&](const param& p) { return take_mail_param(p, o, out); })) return ec;
  if (inside.empty()) return {};  // "<>"
  return split_mailbox(inside, out.smtputf8, out.from);
}

std::error_code parse_rcpt_to(std::string_view arg, const offered& o, bool utf8, rcpt_to& out) {
  out = {};
  if (!take_keyword(arg, "TO:")) return error::bad_arguments;
  std::string_view inside;
  if (auto ec = take_path(arg, inside)) return ec;
  if (auto ec = for_each_param(arg, [&](const param& p) { return take_rcpt_param(p, o, out); })) return ec;
  if (iequals(inside, "postmaster")) {  // RFC 5321 §4.1.1.3
    out.postmaster = true;
    out.to.local = "postmaster";
    return {};
  }
  if (inside.empty()) return error::bad_address;
  if (auto ec = split_mailbox(inside, utf8, out.to)) return ec;
  out.postmaster = iequals(out.to.local, "postmaster");
  return {};
}

std::error_code parse_bdat(std::string_view arg, std::uint64_t& size, bool& last) {
  auto words = split(arg, ' ');
  if (words.empty() || words.size() > 2 || words[0].empty() || words[0].size() > 19) return error::bad_arguments;
  auto n = parse_uint(words[0]);
  if (!n) return error::bad_arguments;
  last = words.size() == 2;
  if (last && !iequals(words[1], "LAST")) return error::bad_arguments;
  size = *n;
  return {};
}

std::error_code parse_auth(std::string_view arg, std::string& mechanism, std::optional<std::string>& initial) {
  auto words = split(arg, ' ');
  if (words.empty() || words.size() > 2 || words[0].empty() || words[0].size() > 20) return error::bad_arguments;
  for (char c : words[0])  // RFC 4422 §3.1: upper-case letters, digits, '-', '_'
    if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_') return error::bad_arguments;
  mechanism = to_upper(words[0]);
  initial.reset();
  if (words.size() == 2) initial = std::string(words[1]);
  return {};
}

bool valid_helo(std::string_view arg) {
  if (arg.empty() || arg.size() > max_domain + 2) return false;
  for (char c : arg)
    if (static_cast<unsigned char>(c) <= 32 || c == 127) return false;
  return true;
}

std::optional<std::string> xtext_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '+') {
      if (i + 2 >= s.size()) return std::nullopt;
      auto v = parse_hex(s.substr(i + 1, 2));
      if (!v) return std::nullopt;
      out.push_back(static_cast<char>(*v));
      i += 2;
    } else if (c < 33 || c > 126 || c == '=') {
      return std::nullopt;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string xtext_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 33 || c > 126 || c == '+' || c == '=') {
      out.push_back('+');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

}  // namespace l7::smtp
