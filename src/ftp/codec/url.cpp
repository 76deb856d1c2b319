#include "ftp/codec/url.hpp"

#include "core/ip_address.hpp"
#include "core/text.hpp"
#include "ftp/codec/path.hpp"

namespace l7::ftp {
namespace {

class url_category_impl : public std::error_category {
 public:
  const char* name() const noexcept override { return "ftp-url"; }
  std::string message(int ev) const override {
    switch (static_cast<url_error>(ev)) {
      case url_error::bad_scheme: return "not an ftp:// or ftps:// URL";
      case url_error::bad_character: return "URL holds a space, control or non-ASCII character";
      case url_error::bad_escape: return "malformed percent-escape in the URL";
      case url_error::unsafe_text: return "URL decodes to CR, LF or NUL";
      case url_error::bad_host: return "malformed host in the URL";
      case url_error::bad_port: return "port outside 1..65535";
      case url_error::bad_type: return "\";type=\" must be a, i or d";
    }
    return "unknown ftp URL error";
  }
};

// RFC 1738 §2.2: these bytes are never allowed unencoded.
bool valid_bytes(std::string_view s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

// Percent-decodes one component; CR, LF and NUL would break the command line (RFC 959 §5.3).
std::optional<std::string> decode(std::string_view s, std::error_code& ec) {
  auto out = percent_decode(s);
  if (!out) {
    ec = url_error::bad_escape;
    return std::nullopt;
  }
  if (unsafe_pathname(*out)) {
    ec = url_error::unsafe_text;
    return std::nullopt;
  }
  return out;
}

// hostname / hostnumber (RFC 1738 §3.1), or an IPv6 literal in brackets (RFC 3986 §3.2.2).
bool valid_name(std::string_view host) {
  if (host.empty()) return false;
  for (char c : host)
    if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '.' && c != '_') return false;
  return true;
}

bool parse_host_port(std::string_view hp, url& u, std::error_code& ec) {
  std::string_view port;
  if (hp.starts_with('[')) {
    const auto close = hp.find(']');
    const auto addr = close == std::string_view::npos ? std::nullopt
                                                      : ip_address::parse(hp.substr(1, close - 1));
    if (!addr || !addr->is_v6()) {
      ec = url_error::bad_host;
      return false;
    }
    u.host = addr->to_string();
    u.ipv6 = true;
    const auto rest = hp.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') {
      ec = url_error::bad_host;
      return false;
    }
    port = rest.empty() ? rest : rest.substr(1);
  } else {
    const auto colon = hp.find(':');
    const auto host = hp.substr(0, colon);
    if (!valid_name(host)) {
      ec = url_error::bad_host;
      return false;
    }
    u.host = to_lower(host);
    port = colon == std::string_view::npos ? std::string_view{} : hp.substr(colon + 1);
  }
  if (port.empty()) return true;  // "host:" keeps the default port (RFC 3986 §3.2.3)
  const auto n = parse_uint(port);
  if (!n || *n == 0 || *n > 65535) {
    ec = url_error::bad_port;
    return false;
  }
  u.port = static_cast<std::uint16_t>(*n);
  return true;
}

// login = [ user [ ":" password ] "@" ] hostport (RFC 1738 §3.1). '@' inside the user or the
// password must be encoded, so the last '@' ends the userinfo.
bool parse_login(std::string_view login, url& u, std::error_code& ec) {
  if (const auto at = login.rfind('@'); at != std::string_view::npos) {
    const auto info = login.substr(0, at);
    const auto colon = info.find(':');
    auto user = decode(info.substr(0, colon), ec);
    if (!user) return false;
    u.user = std::move(*user);
    u.has_user = true;
    if (colon != std::string_view::npos) {
      auto password = decode(info.substr(colon + 1), ec);
      if (!password) return false;
      u.password = std::move(*password);
      u.has_password = true;
    }
    login.remove_prefix(at + 1);
  }
  return parse_host_port(login, u, ec);
}

// fpath [ ";type=" ftptype ] (RFC 1738 §3.2.2), without the separating '/'.
bool parse_path(std::string_view path, url& u, std::error_code& ec) {
  const auto last_slash = path.rfind('/');
  const auto last_start = last_slash == std::string_view::npos ? 0 : last_slash + 1;
  if (const auto t = path.rfind(";type="); t != std::string_view::npos && t >= last_start) {
    const auto code = path.substr(t + 6);
    if (code.size() != 1 || std::string_view("aidAID").find(code[0]) == std::string_view::npos) {
      ec = url_error::bad_type;
      return false;
    }
    u.type = to_lower_ascii(code[0]);
    path = path.substr(0, t);
  }
  for (auto raw : split(path, '/')) {
    auto segment = decode(raw, ec);
    if (!segment) return false;
    u.segments.push_back(std::move(*segment));
  }
  return true;
}

}  // namespace

const std::error_category& url_category() {
  static const url_category_impl c;
  return c;
}

std::error_code make_error_code(url_error e) { return {static_cast<int>(e), url_category()}; }

std::vector<std::string> url::directories() const {
  if (segments.empty()) return {};
  return {segments.begin(), segments.end() - 1};
}

std::string url::name() const { return segments.empty() ? std::string() : segments.back(); }

bool url::is_directory() const { return type == 'd' || name().empty(); }

std::string url::authority() const {
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<url> parse_url(std::string_view text, std::error_code& ec) {
  ec.clear();
  text = text.substr(0, text.find('#'));
  const auto sep = text.find("://");
  url u;
  const auto scheme = sep == std::string_view::npos ? std::string() : to_lower(text.substr(0, sep));
  if (scheme == "ftps") {
    u.implicit_tls = true;
    u.port = 990;
  } else if (scheme != "ftp") {
    ec = url_error::bad_scheme;
    return std::nullopt;
  }
  text.remove_prefix(sep + 3);
  if (!valid_bytes(text)) {
    ec = url_error::bad_character;
    return std::nullopt;
  }
  const auto slash = text.find('/');
  if (!parse_login(text.substr(0, slash), u, ec)) return std::nullopt;
  if (slash != std::string_view::npos && !parse_path(text.substr(slash + 1), u, ec))
    return std::nullopt;
  return u;
}

}  // namespace l7::ftp
