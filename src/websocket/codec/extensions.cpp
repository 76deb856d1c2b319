#include "websocket/codec/extensions.hpp"

#include <charconv>

#include "core/text.hpp"
#include "http/codec/grammar.hpp"

namespace l7::websocket {
namespace {

// Splits on `sep` outside quoted strings.
bool split_outside_quotes(std::string_view s, char sep, std::vector<std::string_view>& out) {
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      if (c == '\\') ++i;
      else if (c == '"') quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  if (quoted) return false;
  out.push_back(s.substr(start));
  return true;
}

std::optional<std::string> unquote(std::string_view v) {
  if (v.empty() || v.front() != '"') return std::string(v);
  if (v.size() < 2 || v.back() != '"') return std::nullopt;
  std::string out;
  for (std::size_t i = 1; i + 1 < v.size(); ++i) {
    char c = v[i];
    if (c == '\\') {  // quoted-pair (RFC 9110 §5.6.4)
      if (i + 2 >= v.size()) return std::nullopt;
      c = v[++i];
    }
    out.push_back(c);
  }
  return out;
}

std::optional<extension> parse_one(std::string_view text) {
  std::vector<std::string_view> parts;
  if (!split_outside_quotes(text, ';', parts)) return std::nullopt;
  extension ext;
  ext.name = trim_ows(parts[0]);
  if (!http::is_token(ext.name)) return std::nullopt;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    auto p = trim_ows(parts[i]);
    auto eq = p.find('=');
    extension_param param;
    param.name = trim_ows(p.substr(0, eq));
    if (!http::is_token(param.name)) return std::nullopt;
    if (eq != std::string_view::npos) {
      auto value = unquote(trim_ows(p.substr(eq + 1)));
      if (!value || !http::is_token(*value)) return std::nullopt;  // §9.1: a quoted value is a token too
      param.value = std::move(*value);
    }
    ext.params.push_back(std::move(param));
  }
  return ext;
}

std::optional<int> window_bits(const std::string& v) {
  if (v.empty() || v.size() > 2 || v[0] == '0') return std::nullopt;  // RFC 7692 §7.1.2: 1*DIGIT, no leading 0
  int n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || p != v.data() + v.size() || n < 8 || n > 15) return std::nullopt;
  return n;
}

// The parameters of one permessage-deflate extension, each at most once (RFC 7692 §7).
struct deflate_fields {
  bool server_nct = false, client_nct = false;
  std::optional<int> server_bits;
  bool client_bits_present = false;
  std::optional<int> client_bits;
};

std::optional<deflate_fields> read_fields(const extension& e) {
  deflate_fields f;
  bool seen[4] = {};
  for (const auto& p : e.params) {
    int slot;
    if (p.name == "server_no_context_takeover") slot = 0;
    else if (p.name == "client_no_context_takeover") slot = 1;
    else if (p.name == "server_max_window_bits") slot = 2;
    else if (p.name == "client_max_window_bits") slot = 3;
    else return std::nullopt;
    if (seen[slot]) return std::nullopt;
    seen[slot] = true;
    switch (slot) {
      case 0: if (p.value) return std::nullopt; f.server_nct = true; break;
      case 1: if (p.value) return std::nullopt; f.client_nct = true; break;
      case 2:
        if (!p.value || !(f.server_bits = window_bits(*p.value))) return std::nullopt;
        break;
      case 3:
        f.client_bits_present = true;
        if (p.value && !(f.client_bits = window_bits(*p.value))) return std::nullopt;
        break;
    }
  }
  return f;
}

}  // namespace

std::optional<std::vector<extension>> parse_extensions(const http::fields& headers) {
  std::vector<extension> out;
  for (const auto& f : headers) {
    if (!iequals(f.name, "Sec-WebSocket-Extensions")) continue;
    std::vector<std::string_view> items;
    if (!split_outside_quotes(f.value, ',', items)) return std::nullopt;
    for (auto item : items) {
      if (trim_ows(item).empty()) continue;  // RFC 9110 §5.6.1: empty list elements are ignored
      auto e = parse_one(item);
      if (!e) return std::nullopt;
      out.push_back(std::move(*e));
    }
  }
  return out;
}

std::optional<deflate_params> accept_deflate(const std::vector<extension>& offers,
                                             const deflate_policy& policy, std::string& response) {
  if (!policy.enabled) return std::nullopt;
  for (const auto& offer : offers) {
    if (offer.name != "permessage-deflate") continue;
    auto f = read_fields(offer);
    if (!f) continue;
    deflate_params p;
    p.server_max_window_bits = policy.max_window_bits;
    if (f->server_bits) p.server_max_window_bits = std::min(*f->server_bits, policy.max_window_bits);
    if (p.server_max_window_bits < 9) continue;  // zlib cannot deflate with a 256-byte window
    p.server_no_context_takeover = f->server_nct || policy.server_no_context_takeover;
    p.client_no_context_takeover = f->client_nct || policy.client_no_context_takeover;
    if (f->client_bits) p.client_max_window_bits = *f->client_bits;
    response = "permessage-deflate";
    if (p.server_no_context_takeover) response += "; server_no_context_takeover";
    if (p.client_no_context_takeover) response += "; client_no_context_takeover";
    if (f->server_bits || p.server_max_window_bits < 15)
      response += "; server_max_window_bits=" + std::to_string(p.server_max_window_bits);
    return p;
  }
  return std::nullopt;
}

std::string offer_text(const deflate_offer& offer) {
  std::string s = "permessage-deflate; client_max_window_bits";
  if (offer.client_no_context_takeover) s += "; client_no_context_takeover";
  if (offer.server_no_context_takeover) s += "; server_no_context_takeover";
  if (offer.server_max_window_bits)
    s += "; server_max_window_bits=" + std::to_string(*offer.server_max_window_bits);
  return s;
}

std::optional<deflate_params> check_deflate_response(const extension& answer,
                                                     const deflate_offer& offer) {
  if (answer.name != "permessage-deflate") return std::nullopt;
  auto f = read_fields(answer);
  if (!f) return std::nullopt;
  deflate_params p;
  // §7.1.1.1: the server must accept server_no_context_takeover when asked for it.
  if (offer.server_no_context_takeover && !f->server_nct) return std::nullopt;
  p.server_no_context_takeover = f->server_nct;
  p.client_no_context_takeover = f->client_nct || offer.client_no_context_takeover;
  // §7.1.2.1: server_max_window_bits in the answer no larger than what we asked for.
  if (f->server_bits) {
    if (offer.server_max_window_bits && *f->server_bits > *offer.server_max_window_bits)
      return std::nullopt;
    p.server_max_window_bits = *f->server_bits;
  } else if (offer.server_max_window_bits) {
    return std::nullopt;
  }
  // §7.1.2.2: client_max_window_bits only with a value, and only because we offered it. zlib
  // cannot compress within a 256-byte window, so 8 cannot be honoured.
  if (f->client_bits_present) {
    if (!f->client_bits || *f->client_bits < 9) return std::nullopt;
    p.client_max_window_bits = *f->client_bits;
  }
  return p;
}

}  // namespace l7::websocket
