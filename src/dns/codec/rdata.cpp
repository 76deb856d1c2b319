#include "dns/codec/rdata.hpp"

#include <array>

#include "core/text.hpp"
#include "dns/codec/error.hpp"
#include "dns/codec/types.hpp"

namespace l7::dns {
namespace {

template <class... F>
struct overloaded : F... { using F::operator()...; };
template <class... F>
overloaded(F...) -> overloaded<F...>;

// Reads the typed fields of one rdata; reads past `end` are caught by the caller.
class field_reader {
 public:
  field_reader(byte_reader& r, std::error_code& ec) : r_(r), ec_(ec) {}

  std::string string() {  // <character-string>, RFC 1035 §3.3
    const auto len = r_.u8();
    return std::string(as_chars(r_.bytes(len)));
  }
  name domain() {
    if (ec_) return {};
    return read_name(r_, ec_);
  }
  // Marks the rdata malformed (reported as bad_rdata).
  void fail() { r_.skip(r_.remaining() + 1); }
  template <std::size_t N>
  std::array<std::uint8_t, N> octets() {
    std::array<std::uint8_t, N> out{};
    const auto b = r_.bytes(N);
    for (std::size_t i = 0; i < b.size(); ++i) out[i] = std::to_integer<std::uint8_t>(b[i]);
    return out;
  }

 private:
  byte_reader& r_;
  std::error_code& ec_;
};

template <class T>
T read_simple(byte_reader& r, std::size_t end) {
  T d;
  detail::read_fields(r, end, d);
  return d;
}

bool valid_caa_tag(std::string_view tag) {  // RFC 8659 §4.1
  if (tag.empty() || tag.size() > 15) return false;
  for (const char c : tag)
    if (!is_alpha(c) && !is_digit(c)) return false;
  return true;
}

// RFC 9460 §2.2: the target name is not compressed on output; decompressed here like any name.
template <class T>
T read_svcb(byte_reader& r, field_reader& f, std::size_t end) {
  T s;
  s.priority = r.u16();
  s.target = f.domain();
  if (r.ok() && r.position() <= end && !detail::read_svc_params(r, end, s.params)) f.fail();
  return s;
}

// RFC 4034 §2-§5, RFC 5155 §3.
rdata read_dnssec(byte_reader& r, field_reader& f, std::uint16_t type, std::size_t end) {
  switch (type) {
    case rr_type::ds: return read_simple<ds_rdata>(r, end);
    case rr_type::dnskey: return read_simple<dnskey_rdata>(r, end);
    case rr_type::rrsig: {
      rrsig_rdata s;
      if (detail::read_fixed(r, s)) s.signer = f.domain();
      s.signature = detail::read_rest(r, end);
      return s;
    }
    case rr_type::nsec: {
      nsec_rdata n{f.domain(), {}};
      if (r.ok() && r.position() <= end && !detail::read_type_bitmap(r, end, n.types)) f.fail();
      return n;
    }
    default: {  // NSEC3
      nsec3_rdata n;
      if (!detail::read_fields(r, end, n)) f.fail();
      return n;
    }
  }
}

rdata read_typed(byte_reader& r, field_reader& f, std::uint16_t type, std::size_t end) {
  switch (type) {
    case rr_type::a: return a_rdata{ip_address::v4(f.octets<4>())};
    case rr_type::aaaa: return aaaa_rdata{ip_address::v6(f.octets<16>())};
    case rr_type::ns: return ns_rdata{f.domain()};
    case rr_type::cname: return cname_rdata{f.domain()};
    case rr_type::ptr: return ptr_rdata{f.domain()};
    case rr_type::dname: return dname_rdata{f.domain()};
    case rr_type::soa: {
      soa_rdata s{f.domain(), f.domain()};
      s.serial = r.u32(); s.refresh = r.u32(); s.retry = r.u32();
      s.expire = r.u32(); s.minimum = r.u32();
      return s;
    }
    case rr_type::mx: {
      mx_rdata m;
      m.preference = r.u16();
      m.exchange = f.domain();
      return m;
    }
    case rr_type::txt: {
      txt_rdata t;
      while (r.ok() && r.position() < end) t.strings.push_back(f.string());
      return t;
    }
    case rr_type::srv: {
      srv_rdata s;
      s.priority = r.u16(); s.weight = r.u16(); s.port = r.u16();
      s.target = f.domain();
      return s;
    }
    case rr_type::ds: case rr_type::dnskey: case rr_type::rrsig: case rr_type::nsec:
    case rr_type::nsec3: return read_dnssec(r, f, type, end);
    case rr_type::svcb: return read_svcb<svcb_rdata>(r, f, end);
    case rr_type::https: return read_svcb<https_rdata>(r, f, end);
    case rr_type::naptr: {
      naptr_rdata n;
      n.order = r.u16(); n.preference = r.u16();
      n.flags = f.string(); n.services = f.string(); n.regexp = f.string();
      n.replacement = f.domain();
      return n;
    }
    default: {  // CAA
      caa_rdata c;
      c.flags = r.u8();
      c.tag = f.string();
      const auto value = detail::read_rest(r, end);
      c.value.assign(reinterpret_cast<const char*>(value.data()), value.size());
      return c;
    }
  }
}

bool is_typed(std::uint16_t type, std::uint16_t klass) {
  switch (type) {
    case rr_type::a: case rr_type::aaaa: case rr_type::srv: return klass == rr_class::in;
    case rr_type::ns: case rr_type::cname: case rr_type::ptr: case rr_type::dname:
    case rr_type::soa: case rr_type::mx: case rr_type::txt: case rr_type::naptr:
    case rr_type::caa: case rr_type::ds: case rr_type::dnskey: case rr_type::rrsig:
    case rr_type::nsec: case rr_type::nsec3: case rr_type::svcb: case rr_type::https:
      return true;
    default: return false;
  }
}

// RFC 4034 §2.1, §5.1.
bool write_other(byte_writer& w, name_compressor&, const ds_rdata& x) {
  w.u16(x.key_tag); w.u8(x.algorithm); w.u8(x.digest_type); w.bytes(x.digest);
  return true;
}
bool write_other(byte_writer& w, name_compressor&, const dnskey_rdata& x) {
  w.u16(x.flags); w.u8(x.protocol); w.u8(x.algorithm); w.bytes(x.public_key);
  return true;
}
bool write_other(byte_writer& w, name_compressor& c, const rrsig_rdata& x) {
  detail::write_fixed(w, x);
  c.write(w, x.signer, false);  // RFC 4034 §3.1.7: not compressed
  w.bytes(x.signature);
  return true;
}
bool write_other(byte_writer& w, name_compressor& c, const nsec_rdata& x) {
  c.write(w, x.next, false);  // RFC 4034 §4.1.1: not compressed
  detail::write_type_bitmap(w, x.types);
  return true;
}
bool write_other(byte_writer& w, name_compressor&, const nsec3_rdata& x) {
  return detail::write_fields(w, x);
}
template <std::uint16_t Type>
bool write_other(byte_writer& w, name_compressor& c, const service_binding<Type>& x) {
  w.u16(x.priority);
  c.write(w, x.target, false);  // RFC 9460 §2.2
  return detail::write_svc_params(w, x.params);
}

}  // namespace

std::optional<std::uint16_t> type_of(const rdata& d) {
  return std::visit(overloaded{
      [](const opaque_rdata&) -> std::optional<std::uint16_t> { return std::nullopt; },
      [](const a_rdata&) -> std::optional<std::uint16_t> { return rr_type::a; },
      [](const aaaa_rdata&) -> std::optional<std::uint16_t> { return rr_type::aaaa; },
      [](const ns_rdata&) -> std::optional<std::uint16_t> { return rr_type::ns; },
      [](const cname_rdata&) -> std::optional<std::uint16_t> { return rr_type::cname; },
      [](const ptr_rdata&) -> std::optional<std::uint16_t> { return rr_type::ptr; },
      [](const dname_rdata&) -> std::optional<std::uint16_t> { return rr_type::dname; },
      [](const soa_rdata&) -> std::optional<std::uint16_t> { return rr_type::soa; },
      [](const mx_rdata&) -> std::optional<std::uint16_t> { return rr_type::mx; },
      [](const txt_rdata&) -> std::optional<std::uint16_t> { return rr_type::txt; },
      [](const srv_rdata&) -> std::optional<std::uint16_t> { return rr_type::srv; },
      [](const naptr_rdata&) -> std::optional<std::uint16_t> { return rr_type::naptr; },
      [](const caa_rdata&) -> std::optional<std::uint16_t> { return rr_type::caa; },
      [](const ds_rdata&) -> std::optional<std::uint16_t> { return rr_type::ds; },
      [](const dnskey_rdata&) -> std::optional<std::uint16_t> { return rr_type::dnskey; },
      [](const rrsig_rdata&) -> std::optional<std::uint16_t> { return rr_type::rrsig; },
      [](const nsec_rdata&) -> std::optional<std::uint16_t> { return rr_type::nsec; },
      [](const nsec3_rdata&) -> std::optional<std::uint16_t> { return rr_type::nsec3; },
      [](const svcb_rdata&) -> std::optional<std::uint16_t> { return rr_type::svcb; },
      [](const https_rdata&) -> std::optional<std::uint16_t> { return rr_type::https; },
  }, d);
}

rdata read_rdata(byte_reader& r, std::uint16_t type, std::uint16_t klass, std::uint16_t rdlength,
                 std::error_code& ec) {
  if (rdlength > r.remaining()) { ec = error::truncated; return {}; }
  const std::size_t end = r.position() + rdlength;
  if (rdlength == 0 || !is_typed(type, klass)) {
    const auto b = r.bytes(rdlength);
    return opaque_rdata{{b.begin(), b.end()}};
  }
  field_reader f(r, ec);
  rdata out = read_typed(r, f, type, end);
  if (ec) return {};
  if (!r.ok() || r.position() != end) { ec = error::bad_rdata; return {}; }
  if (const auto* c = std::get_if<caa_rdata>(&out); c && !valid_caa_tag(c->tag)) {
    ec = error::bad_rdata;
    return {};
  }
  return out;
}

std::error_code write_rdata(byte_writer& w, name_compressor& c, const rdata& d) {
  bool bad = false;
  auto string = [&](std::string_view s) {
    if (s.size() > 255) { bad = true; return; }
    w.u8(static_cast<std::uint8_t>(s.size()));
    w.text(s);
  };
  auto addr = [&](const ip_address& a, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) w.u8(a.bytes()[i]);
  };
  std::visit(overloaded{
      [&](const opaque_rdata& o) { w.bytes(o.data); },
      [&](const a_rdata& a) { bad = !a.address.is_v4(); addr(a.address, 4); },
      [&](const aaaa_rdata& a) { bad = !a.address.is_v6(); addr(a.address, 16); },
      [&](const ns_rdata& n) { c.write(w, n.host, true); },
      [&](const cname_rdata& n) { c.write(w, n.target, true); },
      [&](const ptr_rdata& n) { c.write(w, n.target, true); },
      [&](const dname_rdata& n) { c.write(w, n.target, false); },
      [&](const soa_rdata& s) {
        c.write(w, s.mname, true);
        c.write(w, s.rname, true);
        for (auto v : {s.serial, s.refresh, s.retry, s.expire, s.minimum}) w.u32(v);
      },
      [&](const mx_rdata& m) { w.u16(m.preference); c.write(w, m.exchange, true); },
      [&](const txt_rdata& t) {
        bad = t.strings.empty();
        for (const auto& s : t.strings) string(s);
      },
      [&](const srv_rdata& s) {
        for (auto v : {s.priority, s.weight, s.port}) w.u16(v);
        c.write(w, s.target, false);
      },
      [&](const naptr_rdata& n) {
        w.u16(n.order); w.u16(n.preference);
        string(n.flags); string(n.services); string(n.regexp);
        c.write(w, n.replacement, false);
      },
      [&](const caa_rdata& ca) {
        bad = !valid_caa_tag(ca.tag);
        w.u8(ca.flags); string(ca.tag); w.text(ca.value);
      },
      [&](const auto& x) { bad = !write_other(w, c, x); },  // DNSSEC, SVCB, HTTPS
  }, d);
  return bad ? std::error_code(error::bad_rdata) : std::error_code();
}

}  // namespace l7::dns
