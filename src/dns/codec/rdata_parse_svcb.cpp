// SVCB and HTTPS rdata from presentation format (RFC 9460 §2.1, §7, §8, Appendix A).
#include <algorithm>
#include <array>

#include "core/base64.hpp"
#include "core/bytes.hpp"
#include "core/ip_address.hpp"
#include "core/text.hpp"
#include "dns/codec/rdata_parse_detail.hpp"
#include "dns/codec/types.hpp"

namespace l7::dns::detail {
namespace {

constexpr std::array<std::string_view, 7> key_names{
    "mandatory", "alpn", "no-default-alpn", "port", "ipv4hint", "ech", "ipv6hint"};

// A SvcParamKey name or keyNNNNN (§2.1). 65535 is the reserved "invalid key" (§14.3.2).
std::optional<std::uint16_t> key_from_text(std::string_view text, bool& generic) {
  generic = false;
  for (std::size_t i = 0; i < key_names.size(); ++i)
    if (iequals(text, key_names[i])) return static_cast<std::uint16_t>(i);
  if (text.size() < 4 || !istarts_with(text, "key") || !is_digit(text[3])) return std::nullopt;
  const auto v = decimal(text.substr(3), 65534);
  if (!v) return std::nullopt;
  generic = true;
  return static_cast<std::uint16_t>(*v);
}

// RFC 9460 §8: a list of key names, none twice, never "mandatory" itself; sorted on the wire.
bool mandatory_value(const std::vector<std::string>& items, byte_writer& w) {
  std::vector<std::uint16_t> keys;
  for (const auto& item : items) {
    bool generic = false;
    const auto k = key_from_text(item, generic);
    if (!k || *k == svc_key::mandatory) return false;
    keys.push_back(*k);
  }
  std::sort(keys.begin(), keys.end());
  if (std::adjacent_find(keys.begin(), keys.end()) != keys.end()) return false;
  for (const auto k : keys) w.u16(k);
  return true;
}

bool hint_value(const std::vector<std::string>& items, bool v6, byte_writer& w) {
  for (const auto& item : items) {
    const auto a = ip_address::parse(item);
    if (!a || a->is_v6() != v6) return false;
    for (std::size_t i = 0; i < (v6 ? 16u : 4u); ++i) w.u8(a->bytes()[i]);
  }
  return true;
}

// The wire value of a key written in its typed presentation form (§7).
bool typed_value(std::uint16_t key, const std::string& decoded, std::vector<std::byte>& out) {
  byte_writer w(out);
  std::vector<std::string> items;
  switch (key) {
    case svc_key::mandatory:
      return value_list(decoded, items) && mandatory_value(items, w);
    case svc_key::alpn:  // §7.1.1: each id 1..255 octets, comma-separated with A.1 escaping
      if (!value_list(decoded, items)) return false;
      for (const auto& id : items) {
        if (id.empty() || id.size() > 255) return false;
        w.u8(static_cast<std::uint8_t>(id.size()));
        w.text(id);
      }
      return true;
    case svc_key::no_default_alpn: return decoded.empty();  // §7.1.1: no value
    case svc_key::port: {
      const auto port = decimal(decoded, 65535);
      if (port) w.u16(static_cast<std::uint16_t>(*port));
      return port.has_value();
    }
    case svc_key::ipv4hint: return value_list(decoded, items) && hint_value(items, false, w);
    case svc_key::ech: {  // §7.3 (RFC 9460 names the key; its value is base64)
      const auto ech = base64_decode(decoded);
      if (ech) w.text(*ech);
      return ech && !ech->empty();
    }
    case svc_key::ipv6hint: return value_list(decoded, items) && hint_value(items, true, w);
    default: w.text(decoded); return true;
  }
}

// One `key[=value]` token; the value may be quoted (`key667="a b"`).
std::optional<svc_param> param(std::string_view token) {
  const auto eq = token.find('=');
  bool generic = false;
  const auto key = key_from_text(token.substr(0, eq), generic);
  if (!key) return std::nullopt;
  std::string decoded;
  if (eq != std::string_view::npos && !char_string(token.substr(eq + 1), decoded))
    return std::nullopt;
  svc_param p;
  p.key = *key;
  if (generic) {  // keyNNNNN=: the value is the wire octets, whatever the key
    const auto b = as_bytes(decoded);
    p.value.assign(b.begin(), b.end());
  } else if (!typed_value(p.key, decoded, p.value)) {
    return std::nullopt;
  }
  return p;
}

}  // namespace

bool svc_params_consistent(const std::vector<svc_param>& params) {
  if (!params.empty() && params.back().key == 65535) return false;  // §14.3.2: "Invalid key"
  if (params.empty() || params.front().key != svc_key::mandatory) return true;
  // §8: the listed keys are strictly increasing, never "mandatory" itself, and all present.
  byte_reader r(params.front().value);
  int last = svc_key::mandatory;
  while (r.remaining() >= 2) {
    const std::uint16_t k = r.u16();
    if (k <= last) return false;
    last = k;
    if (std::none_of(params.begin(), params.end(), [k](const svc_param& p) { return p.key == k; }))
      return false;
  }
  return true;
}

namespace {

template <class T>
T binding(text_fields& f) {
  T s;
  s.priority = static_cast<std::uint16_t>(f.number(65535));
  s.target = f.domain();
  for (const auto token : f.rest()) {
    auto p = param(token);
    if (!p) { f.fail(); return s; }
    s.params.push_back(std::move(*p));
  }
  // §2.1: keys may come in any order but at most once; the wire wants them ascending.
  std::sort(s.params.begin(), s.params.end(),
            [](const svc_param& a, const svc_param& b) { return a.key < b.key; });
  const bool unique = std::adjacent_find(s.params.begin(), s.params.end(),
                                         [](const svc_param& a, const svc_param& b) {
                                           return a.key == b.key;
                                         }) == s.params.end();
  std::vector<std::byte> scratch;
  byte_writer w(scratch);
  if (!unique || !svc_params_consistent(s.params) || !write_svc_params(w, s.params)) f.fail();
  return s;
}

}  // namespace

std::optional<rdata> parse_svcb_rdata(std::uint16_t type, text_fields& f) {
  if (type == rr_type::svcb) return binding<svcb_rdata>(f);
  return binding<https_rdata>(f);
}

}  // namespace l7::dns::detail
