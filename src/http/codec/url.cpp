#include "http/codec/url.hpp"

#include "core/ip_address.hpp"
#include "core/text.hpp"

namespace l7::http {
namespace {

// The five components of a URI reference (RFC 3986 Appendix B). Absent and empty differ.
struct uri_parts {
  std::optional<std::string_view> scheme;
  std::optional<std::string_view> authority;
  std::string_view path;
  std::optional<std::string_view> query;
  std::optional<std::string_view> fragment;
};

// scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (RFC 3986 §3.1).
bool is_scheme(std::string_view s) {
  if (s.empty() || !is_alpha(s[0])) return false;
  for (char c : s)
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return false;
  return true;
}

uri_parts split_uri(std::string_view s) {
  uri_parts p;
  if (const auto hash = s.find('#'); hash != std::string_view::npos) {
    p.fragment = s.substr(hash + 1);
    s = s.substr(0, hash);
  }
  if (const auto q = s.find('?'); q != std::string_view::npos) {
    p.query = s.substr(q + 1);
    s = s.substr(0, q);
  }
  if (const auto colon = s.find(':');
      colon != std::string_view::npos && colon < s.find('/') && is_scheme(s.substr(0, colon))) {
    p.scheme = s.substr(0, colon);
    s.remove_prefix(colon + 1);
  }
  if (s.starts_with("//")) {
    s.remove_prefix(2);
    const auto slash = s.find('/');
    p.authority = s.substr(0, slash);
    s = slash == std::string_view::npos ? std::string_view{} : s.substr(slash);
  }
  p.path = s;
  return p;
}

// RFC 3986 §5.3.
std::string recompose(std::optional<std::string_view> scheme,
                      std::optional<std::string_view> authority, std::string_view path,
                      std::optional<std::string_view> query,
                      std::optional<std::string_view> fragment) {
  std::string out;
  if (scheme) out.append(*scheme).append(":");
  if (authority) out.append("//").append(*authority);
  out.append(path);
  if (query) out.append("?").append(*query);
  if (fragment) out.append("#").append(*fragment);
  return out;
}

// RFC 3986 §5.2.3.
std::string merge(const uri_parts& base, std::string_view ref_path) {
  if (base.authority && base.path.empty()) return "/" + std::string(ref_path);
  const auto slash = base.path.rfind('/');
  if (slash == std::string_view::npos) return std::string(ref_path);
  return std::string(base.path.substr(0, slash + 1)) + std::string(ref_path);
}

void drop_last_segment(std::string& out) {
  const auto slash = out.rfind('/');
  out.erase(slash == std::string::npos ? 0 : slash);
}

bool valid_url_bytes(std::string_view s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

// reg-name = *( unreserved / pct-encoded / sub-delims ) (RFC 3986 §3.2.2).
bool is_reg_name(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size() || !is_hex_digit(s[i + 1]) || !is_hex_digit(s[i + 2]))
        return false;
      i += 2;
    } else if (!is_alpha(c) && !is_digit(c) &&
               std::string_view("-._~!$&'()*+,;=").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// host [ ":" port ] (RFC 3986 §3.2.2-§3.2.3) into u.host, u.ipv6 and u.port.
bool parse_host_port(std::string_view hp, url& u) {
  std::string_view port;
  if (hp.starts_with('[')) {
    const auto close = hp.find(']');
    if (close == std::string_view::npos) return false;
    const auto literal = hp.substr(1, close - 1);
    const auto addr = ip_address::parse(literal);
    if (!addr || !addr->is_v6()) return false;  // IPvFuture and zones are not supported
    u.host = addr->to_string();
    u.ipv6 = true;
    const auto rest = hp.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return false;
    port = rest.empty() ? rest : rest.substr(1);
  } else {
    const auto colon = hp.find(':');
    const auto host = hp.substr(0, colon);
    if (host.empty() || !is_reg_name(host)) return false;  // RFC 9110 §4.2.1: no empty host
    u.host = to_lower(host);
    port = colon == std::string_view::npos ? std::string_view{} : hp.substr(colon + 1);
  }
  if (port.empty()) return true;  // "host:" means the default port (RFC 3986 §3.2.3)
  const auto n = parse_uint(port);
  if (!n || *n == 0 || *n > 65535) return false;
  u.port = static_cast<std::uint16_t>(*n);
  return true;
}

std::uint16_t default_port(std::string_view scheme) { return scheme == "https" ? 443 : 80; }

}  // namespace

std::string url::authority() const {
  std::string out = ipv6 ? "[" + host + "]" : host;
  if (port != default_port(scheme)) out += ":" + std::to_string(port);
  return out;
}

std::string url::origin() const { return scheme + "://" + authority(); }

std::optional<url> parse_url(std::string_view text) {
  if (!valid_url_bytes(text)) return std::nullopt;
  const auto p = split_uri(text);
  if (!p.scheme || !p.authority) return std::nullopt;
  url u;
  u.scheme = to_lower(*p.scheme);
  if (u.scheme != "http" && u.scheme != "https") return std::nullopt;
  u.port = default_port(u.scheme);
  std::string_view authority = *p.authority;
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    u.userinfo.assign(authority.substr(0, at));
    u.has_userinfo = true;
    authority.remove_prefix(at + 1);
  }
  if (!parse_host_port(authority, u)) return std::nullopt;
  u.target = p.path.empty() ? "/" : std::string(p.path);
  if (p.query) u.target.append("?").append(*p.query);
  return u;
}

std::string remove_dot_segments(std::string_view in) {
  std::string out;
  while (!in.empty()) {
    if (in.starts_with("../")) {           // A
      in.remove_prefix(3);
    } else if (in.starts_with("./")) {     // A
      in.remove_prefix(2);
    } else if (in.starts_with("/./")) {    // B
      in.remove_prefix(2);
    } else if (in == "/.") {               // B
      in = "/";
    } else if (in.starts_with("/../")) {   // C
      in.remove_prefix(3);
      drop_last_segment(out);
    } else if (in == "/..") {              // C
      in = "/";
      drop_last_segment(out);
    } else if (in == "." || in == "..") {  // D
      in = {};
    } else {                               // E: move the first segment to the output
      const auto next = in.find('/', 1);
      out.append(in.substr(0, next));
      in = next == std::string_view::npos ? std::string_view{} : in.substr(next);
    }
  }
  return out;
}

std::optional<std::string> resolve_reference(std::string_view base_text,
                                             std::string_view reference) {
  const auto base = split_uri(base_text);
  if (!base.scheme) return std::nullopt;
  const auto r = split_uri(reference);
  if (r.scheme) {
    return recompose(r.scheme, r.authority, remove_dot_segments(r.path), r.query, r.fragment);
  }
  if (r.authority) {
    return recompose(base.scheme, r.authority, remove_dot_segments(r.path), r.query, r.fragment);
  }
  if (r.path.empty()) {
    return recompose(base.scheme, base.authority, base.path, r.query ? r.query : base.query,
                     r.fragment);
  }
  const std::string path =
      r.path.starts_with('/') ? remove_dot_segments(r.path) : remove_dot_segments(merge(base, r.path));
  return recompose(base.scheme, base.authority, path, r.query, r.fragment);
}

target_parts split_target(std::string_view target) {
  target = target.substr(0, target.find('#'));
  target_parts t;
  const auto q = target.find('?');
  t.path = target.substr(0, q);
  if (q != std::string_view::npos) {
    t.query = target.substr(q + 1);
    t.has_query = true;
  }
  return t;
}

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  for (auto part : split(query, '&')) {
    auto eq = part.find('=');
    auto key = percent_decode(part.substr(0, eq), true);
    if (!key || *key != name) continue;
    if (eq == std::string_view::npos) return std::string{};
    return percent_decode(part.substr(eq + 1), true);
  }
  return std::nullopt;
}

}  // namespace l7::http
