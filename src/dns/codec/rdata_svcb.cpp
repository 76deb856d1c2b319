#include "dns/codec/rdata_svcb.hpp"

#include <array>

#include "core/base64.hpp"
#include "core/ip_address.hpp"
#include "dns/codec/rdata.hpp"

namespace l7::dns::detail {
namespace {

// The alpn ids, when the value is a non-empty list of non-empty length-prefixed strings.
bool split_alpn(std::span<const std::byte> v, std::vector<std::string>* ids) {
  byte_reader r(v);
  if (v.empty()) return false;
  while (r.remaining() > 0) {
    const auto id = r.bytes(r.u8());
    if (!r.ok() || id.empty()) return false;
    if (ids) ids->emplace_back(as_chars(id));
  }
  return true;
}

// RFC 9460 §7: the wire format each known key requires.
bool valid_value(std::uint16_t key, std::span<const std::byte> v) {
  switch (key) {
    case svc_key::mandatory: return !v.empty() && v.size() % 2 == 0;
    case svc_key::alpn: return split_alpn(v, nullptr);
    case svc_key::no_default_alpn: return v.empty();
    case svc_key::port: return v.size() == 2;
    case svc_key::ipv4hint: return !v.empty() && v.size() % 4 == 0;
    case svc_key::ech: return !v.empty();
    case svc_key::ipv6hint: return !v.empty() && v.size() % 16 == 0;
    default: return true;
  }
}

constexpr std::array<const char*, 7> key_names{
    "mandatory", "alpn", "no-default-alpn", "port", "ipv4hint", "ech", "ipv6hint"};

std::string key_name(std::uint16_t key) {
  return key < key_names.size() ? key_names[key] : "key" + std::to_string(key);
}

std::string addresses(std::span<const std::byte> v, std::size_t width) {
  std::string out;
  for (std::size_t at = 0; at < v.size(); at += width) {
    std::array<std::uint8_t, 16> b{};
    for (std::size_t i = 0; i < width; ++i) b[i] = std::to_integer<std::uint8_t>(v[at + i]);
    const auto a = width == 4 ? ip_address::v4({b[0], b[1], b[2], b[3]}) : ip_address::v6(b);
    out += (out.empty() ? "" : ",") + a.to_string();
  }
  return out;
}

// The typed form of a known key, or empty when only the generic form is safe.
std::string typed_value(std::uint16_t key, std::span<const std::byte> v) {
  byte_reader r(v);
  std::string out;
  switch (key) {
    case svc_key::mandatory:
      while (r.remaining() > 0) out += (out.empty() ? "" : ",") + key_name(r.u16());
      return out;
    case svc_key::alpn: {
      std::vector<std::string> ids;
      split_alpn(v, &ids);
      for (const auto& id : ids) {
        for (const char c : id)
          if (c == ',' || c == '\\' || c == '"' || c <= ' ' || c > '~') return {};
        out += (out.empty() ? "" : ",") + id;
      }
      return out;
    }
    case svc_key::port: return std::to_string(r.u16());
    case svc_key::ipv4hint: return addresses(v, 4);
    case svc_key::ech: return base64_encode(v);
    case svc_key::ipv6hint: return addresses(v, 16);
    default: return {};
  }
}

}  // namespace

bool read_svc_params(byte_reader& r, std::size_t end, std::vector<svc_param>& params) {
  while (r.ok() && r.position() < end) {
    svc_param p;
    p.key = r.u16();
    const auto value = r.bytes(r.u16());
    if (!r.ok() || (!params.empty() && p.key <= params.back().key) || !valid_value(p.key, value))
      return false;
    p.value.assign(value.begin(), value.end());
    params.push_back(std::move(p));
  }
  return true;
}

bool write_svc_params(byte_writer& w, const std::vector<svc_param>& params) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const auto& p = params[i];
    if ((i > 0 && p.key <= params[i - 1].key) || p.value.size() > 0xffff ||
        !valid_value(p.key, p.value))
      return false;
    w.u16(p.key);
    w.u16(static_cast<std::uint16_t>(p.value.size()));
    w.bytes(p.value);
  }
  return true;
}

std::string svcb_text(std::uint16_t priority, const name& target,
                      const std::vector<svc_param>& params) {
  std::string out = std::to_string(priority) + " " + target.to_string();
  for (const auto& p : params) {
    out += ' ';
    if (p.key == svc_key::no_default_alpn) {
      out += key_name(p.key);
      continue;
    }
    const std::string typed = typed_value(p.key, p.value);
    if (!typed.empty()) {
      out += key_name(p.key) + "=" + typed;
    } else {
      out += "key" + std::to_string(p.key);
      if (!p.value.empty()) out += "=" + quoted(as_chars(p.value));
    }
  }
  return out;
}

}  // namespace l7::dns::detail
