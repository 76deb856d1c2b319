#include "dns/codec/edns.hpp"

#include <algorithm>

#include "core/bytes.hpp"
#include "core/hash.hpp"
#include "core/utf8.hpp"
#include "dns/codec/error.hpp"

namespace l7::dns {

std::optional<client_subnet> parse_client_subnet(const edns_option& o, std::error_code& ec) {
  ec = error::bad_option;
  byte_reader r(o.data);
  const std::uint16_t family = r.u16();
  client_subnet s;
  s.source_prefix = r.u8();
  s.scope_prefix = r.u8();
  if (!r.ok() || (family != 1 && family != 2)) return std::nullopt;
  const std::size_t max_bits = family == 1 ? 32 : 128;
  if (s.source_prefix > max_bits || s.scope_prefix > max_bits) return std::nullopt;
  const std::size_t octets = (s.source_prefix + 7u) / 8u;
  if (r.remaining() != octets) return std::nullopt;
  std::array<std::uint8_t, 16> b{};
  for (std::size_t i = 0; i < octets; ++i) b[i] = r.u8();
  // RFC 7871 §6: ADDRESS bits beyond SOURCE PREFIX-LENGTH MUST be zero.
  if (s.source_prefix % 8 != 0 && (b[octets - 1] & (0xffu >> (s.source_prefix % 8))) != 0)
    return std::nullopt;
  if (family == 1) {
    s.address = ip_address::v4({b[0], b[1], b[2], b[3]});
  } else {
    s.address = ip_address::v6(b);
  }
  ec.clear();
  return s;
}

edns_option make_option(const client_subnet& s) {
  edns_option o{option_code::client_subnet, {}};
  byte_writer w(o.data);
  w.u16(s.address.is_v4() ? 1 : 2);
  w.u8(s.source_prefix);
  w.u8(s.scope_prefix);
  const std::size_t octets = (s.source_prefix + 7u) / 8u;
  for (std::size_t i = 0; i < octets; ++i) {
    std::uint8_t v = s.address.bytes()[i];
    if (i + 1 == octets && s.source_prefix % 8 != 0)
      v &= static_cast<std::uint8_t>(0xffu << (8 - s.source_prefix % 8));
    w.u8(v);
  }
  return o;
}

std::optional<cookie> parse_cookie(const edns_option& o, std::error_code& ec) {
  const std::size_t n = o.data.size();
  if (n != 8 && (n < 16 || n > 40)) { ec = error::bad_option; return std::nullopt; }
  cookie c;
  std::copy_n(o.data.begin(), 8, c.client.begin());
  c.server.assign(o.data.begin() + 8, o.data.end());
  ec.clear();
  return c;
}

edns_option make_option(const cookie& c) {
  edns_option o{option_code::cookie, {c.client.begin(), c.client.end()}};
  o.data.insert(o.data.end(), c.server.begin(), c.server.end());
  return o;
}

edns_option make_padding(std::size_t length) {
  return {option_code::padding, std::vector<std::byte>(length, std::byte{0})};
}

std::optional<extended_error> parse_extended_error(const edns_option& o, std::error_code& ec) {
  byte_reader r(o.data);
  extended_error e;
  e.info_code = r.u16();
  e.extra_text = std::string(as_chars(r.bytes(r.remaining())));
  if (!r.ok() || !is_valid_utf8(e.extra_text)) { ec = error::bad_option; return std::nullopt; }
  ec.clear();
  return e;
}

edns_option make_option(const extended_error& e) {
  edns_option o{option_code::extended_error, {}};
  byte_writer w(o.data);
  w.u16(e.info_code);
  w.text(e.extra_text);
  return o;
}

std::string to_string(const edns_option& o) {
  std::error_code ec;
  switch (o.code) {
    case option_code::client_subnet:
      if (auto s = parse_client_subnet(o, ec))
        return "CLIENT-SUBNET: " + s->address.to_string() + "/" +
               std::to_string(s->source_prefix) + "/" + std::to_string(s->scope_prefix);
      break;
    case option_code::cookie: return "COOKIE: " + to_hex(o.data);
    case option_code::padding: return "PADDING: " + std::to_string(o.data.size()) + " octets";
    case option_code::extended_error:
      if (auto e = parse_extended_error(o, ec))
        return "EDE: " + std::to_string(e->info_code) +
               (e->extra_text.empty() ? "" : ": \"" + e->extra_text + "\"");
      break;
    default: break;
  }
  return "OPT" + std::to_string(o.code) + ": " + to_hex(o.data);
}

}  // namespace l7::dns
