// Presentation format -> rdata for the RFC 1035 types and the RFC 3597 generic form; DNSSEC and
// SVCB types live in rdata_parse_dnssec.cpp and rdata_parse_svcb.cpp.
#include "dns/codec/rdata_parse.hpp"

#include <algorithm>

#include "core/bytes.hpp"
#include "core/text.hpp"
#include "dns/codec/error.hpp"
#include "dns/codec/presentation.hpp"
#include "dns/codec/rdata_parse_detail.hpp"
#include "dns/codec/types.hpp"

namespace l7::dns {
namespace {

constexpr std::uint16_t hinfo_type = 13, nsec3param_type = 51;

// Reads one escape at text[i] == '\\' into `label`; advances i past it. RFC 1035 §5.1.
bool label_escape(std::string_view text, std::size_t& i, std::string& label) {
  if (i + 1 >= text.size()) return false;
  const char c = text[i + 1];
  if (!is_digit(c)) {
    label += c;
    i += 2;
    return true;
  }
  if (i + 4 > text.size() || !is_digit(text[i + 2]) || !is_digit(text[i + 3])) return false;
  const int v = (c - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
  if (v > 255) return false;
  label += char(v);
  i += 4;
  return true;
}

ip_address address(detail::text_fields& f, bool v6) {
  const auto a = ip_address::parse(f.token());
  if (!a || a->is_v6() != v6) {
    f.fail();
    return v6 ? ip_address::v6({}) : ip_address{};
  }
  return *a;
}

caa_rdata caa(detail::text_fields& f) {  // RFC 8659 §4.1.1
  caa_rdata c;
  c.flags = static_cast<std::uint8_t>(f.number(255));
  c.tag = std::string(f.token());
  if (c.tag.empty() || c.tag.size() > 15) f.fail();
  for (const char ch : c.tag)
    if (!is_alpha(ch) && !is_digit(ch)) f.fail();
  c.value = f.string(65535);  // the value is the rest of the rdata, not a 255-octet string
  return c;
}

// HINFO (RFC 1035 §3.3.2) and NSEC3PARAM (RFC 5155 §4.3) have no typed struct: encode their wire
// form so they travel as RFC 3597 data.
opaque_rdata hinfo(detail::text_fields& f) {
  opaque_rdata o;
  byte_writer w(o.data);
  for (int i = 0; i < 2; ++i) {
    const std::string s = f.string();
    w.u8(static_cast<std::uint8_t>(s.size()));
    w.text(s);
  }
  return o;
}

opaque_rdata nsec3param(detail::text_fields& f) {
  opaque_rdata o;
  byte_writer w(o.data);
  w.u8(static_cast<std::uint8_t>(f.number(255)));
  w.u8(static_cast<std::uint8_t>(f.number(255)));
  w.u16(static_cast<std::uint16_t>(f.number(65535)));
  std::vector<std::byte> salt;
  const std::string_view text = f.token();
  const std::string_view one[] = {text};
  if (text != "-" && (!detail::hex_tokens(one, salt) || salt.size() > 255)) f.fail();
  w.u8(static_cast<std::uint8_t>(salt.size()));
  w.bytes(salt);
  return o;
}

std::optional<rdata> parse_typed(std::uint16_t type, detail::text_fields& f) {
  switch (type) {
    case rr_type::a: return a_rdata{address(f, false)};
    case rr_type::aaaa: return aaaa_rdata{address(f, true)};
    case rr_type::ns: return ns_rdata{f.domain()};
    case rr_type::cname: return cname_rdata{f.domain()};
    case rr_type::ptr: return ptr_rdata{f.domain()};
    case rr_type::dname: return dname_rdata{f.domain()};
    case rr_type::soa: {
      soa_rdata s{f.domain(), f.domain()};
      s.serial = f.period(); s.refresh = f.period(); s.retry = f.period();
      s.expire = f.period(); s.minimum = f.period();
      return s;
    }
    case rr_type::mx: {
      mx_rdata m;
      m.preference = static_cast<std::uint16_t>(f.number(65535));
      m.exchange = f.domain();
      return m;
    }
    case rr_type::txt: {
      txt_rdata t;
      if (f.at_end()) f.fail();  // RFC 1035 §3.3.14: one or more strings
      while (f.ok() && !f.at_end()) t.strings.push_back(f.string());
      return t;
    }
    case rr_type::srv: {  // RFC 2782
      srv_rdata s;
      s.priority = static_cast<std::uint16_t>(f.number(65535));
      s.weight = static_cast<std::uint16_t>(f.number(65535));
      s.port = static_cast<std::uint16_t>(f.number(65535));
      s.target = f.domain();
      return s;
    }
    case rr_type::naptr: {  // RFC 3403 §4.1
      naptr_rdata n;
      n.order = static_cast<std::uint16_t>(f.number(65535));
      n.preference = static_cast<std::uint16_t>(f.number(65535));
      n.flags = f.string(); n.services = f.string(); n.regexp = f.string();
      n.replacement = f.domain();
      return n;
    }
    case rr_type::caa: return caa(f);
    case hinfo_type: return hinfo(f);
    case nsec3param_type: return nsec3param(f);
    case rr_type::ds: case rr_type::dnskey: case rr_type::rrsig: case rr_type::nsec:
    case rr_type::nsec3: return detail::parse_dnssec_rdata(type, f);
    case rr_type::svcb: case rr_type::https: return detail::parse_svcb_rdata(type, f);
    default: return std::nullopt;
  }
}

// RFC 3597 §5 forbids compression pointers in the generic form. Every name a typed decode can
// meet is written uncompressed by write_rdata except SOA's pair, so re-encoding must give back
// exactly the input octets.
bool uncompressed(const rdata& d, std::span<const std::byte> input) {
  if (const auto* soa = std::get_if<soa_rdata>(&d))
    return input.size() == soa->mname.wire_length() + soa->rname.wire_length() + 20;
  std::vector<std::byte> out;
  byte_writer w(out);
  name_compressor c(0);
  return !write_rdata(w, c, d) && std::equal(out.begin(), out.end(), input.begin(), input.end());
}

// The generic form of SVCB and HTTPS obeys the same RFC 9460 rules as their text form.
bool consistent_svcb(const rdata& d) {
  if (const auto* s = std::get_if<svcb_rdata>(&d)) return detail::svc_params_consistent(s->params);
  if (const auto* s = std::get_if<https_rdata>(&d)) return detail::svc_params_consistent(s->params);
  return true;
}

}  // namespace

name parse_name_relative(std::string_view text, const name& origin, std::error_code& ec) {
  if (text == "@") { ec.clear(); return origin; }
  if (text == ".") { ec.clear(); return {}; }
  if (text.empty() || detail::is_quoted(text)) { ec = error::bad_name_text; return {}; }
  std::vector<std::string> labels;
  labels.reserve(4 + origin.label_count());
  std::string label;
  bool absolute = false;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '.') {
      if (label.empty()) { ec = error::bad_name_text; return {}; }
      labels.push_back(std::move(label));
      label.clear();
      absolute = ++i == text.size();
    } else if (c == '\\') {
      if (!label_escape(text, i, label)) { ec = error::bad_name_text; return {}; }
    } else {
      label += c;
      ++i;
    }
  }
  if (!absolute) {
    labels.push_back(std::move(label));
    labels.insert(labels.end(), origin.labels().begin(), origin.labels().end());
  }
  return name::from_labels(std::move(labels), ec);
}

std::optional<std::uint32_t> parse_ttl(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t total = 0, part = 0;
  bool digits = false;
  for (const char c : text) {
    if (is_digit(c)) {
      part = part * 10 + std::uint64_t(c - '0');
      digits = true;
      if (part > 0xffffffff) return std::nullopt;
      continue;
    }
    std::uint64_t unit = 0;
    switch (to_lower_ascii(c)) {
      case 'w': unit = 604800; break;
      case 'd': unit = 86400; break;
      case 'h': unit = 3600; break;
      case 'm': unit = 60; break;
      case 's': unit = 1; break;
      default: return std::nullopt;
    }
    if (!digits) return std::nullopt;
    total += part * unit;
    if (total > 0xffffffff) return std::nullopt;
    part = 0;
    digits = false;
  }
  total += part;
  if (total > 0xffffffff) return std::nullopt;
  return static_cast<std::uint32_t>(total);
}

std::optional<opaque_rdata> detail::parse_generic_rdata(std::span<const std::string_view> tokens,
                                                        std::error_code& ec) {
  std::optional<std::uint32_t> length;
  if (tokens.size() >= 2 && tokens[0] == "\\#") length = decimal(tokens[1], 65535);
  opaque_rdata o;
  if (!length || !hex_tokens(tokens.subspan(2), o.data) || o.data.size() != *length) {
    ec = error::bad_rdata;
    return std::nullopt;
  }
  ec.clear();
  return o;
}

std::optional<rdata> parse_rdata(std::uint16_t type, std::span<const std::string_view> tokens,
                                 const name& origin, std::error_code& ec) {
  ec.clear();
  if (!tokens.empty() && tokens[0] == "\\#") {
    auto generic = detail::parse_generic_rdata(tokens, ec);
    if (!generic) return std::nullopt;
    byte_reader r(generic->data);
    rdata d = read_rdata(r, type, rr_class::in, static_cast<std::uint16_t>(generic->data.size()),
                         ec);
    if (ec || (type_of(d) && !uncompressed(d, generic->data)) || !consistent_svcb(d)) {
      ec = error::bad_rdata;
      return std::nullopt;
    }
    return d;
  }
  detail::text_fields f(tokens, origin, ec);
  auto d = parse_typed(type, f);
  if (!d) {
    ec = error::bad_rdata;
    return std::nullopt;
  }
  if (!f.finish()) return std::nullopt;
  return d;
}

}  // namespace l7::dns
