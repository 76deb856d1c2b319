#include "dns/codec/message.hpp"

#include <algorithm>
#include <array>

#include "core/bytes.hpp"
#include "dns/codec/error.hpp"
#include "dns/codec/name_wire.hpp"
#include "dns/codec/types.hpp"

namespace l7::dns {
namespace {

header unpack_header(std::uint16_t id, std::uint16_t f) {  // RFC 1035 §4.1.1
  header h;
  h.id = id;
  h.qr = f & 0x8000;
  h.opcode = static_cast<std::uint8_t>((f >> 11) & 0xf);
  h.aa = f & 0x0400; h.tc = f & 0x0200; h.rd = f & 0x0100; h.ra = f & 0x0080;
  h.z = f & 0x0040; h.ad = f & 0x0020; h.cd = f & 0x0010;
  h.rcode = static_cast<std::uint8_t>(f & 0xf);
  return h;
}

std::uint16_t pack_flags(const header& h, bool tc) {
  std::uint16_t f = static_cast<std::uint16_t>((h.opcode & 0xf) << 11 | (h.rcode & 0xf));
  if (h.qr) f |= 0x8000;
  if (h.aa) f |= 0x0400;
  if (tc) f |= 0x0200;
  if (h.rd) f |= 0x0100;
  if (h.ra) f |= 0x0080;
  if (h.z) f |= 0x0040;
  if (h.ad) f |= 0x0020;
  if (h.cd) f |= 0x0010;
  return f;
}

// RFC 6891 §6.1.2: OPT's CLASS, TTL and RDATA hold the EDNS fields. `r` is at the RDATA.
std::error_code read_opt(byte_reader& r, std::uint16_t klass, std::uint32_t ttl,
                         std::uint16_t rdlength, edns& e) {
  if (rdlength > r.remaining()) return error::truncated;
  e.udp_payload_size = klass;
  e.extended_rcode = static_cast<std::uint8_t>(ttl >> 24);
  e.version = static_cast<std::uint8_t>(ttl >> 16);
  e.dnssec_ok = ttl & 0x8000;
  e.flags = static_cast<std::uint16_t>(ttl & 0x7fff);
  byte_reader opts(r.bytes(rdlength));
  while (opts.remaining() > 0) {
    edns_option o;
    o.code = opts.u16();
    const auto data = opts.bytes(opts.u16());
    if (!opts.ok()) return error::bad_opt;
    o.data.assign(data.begin(), data.end());
    e.options.push_back(std::move(o));
  }
  return {};
}

enum class section { answer, authority, additional };

std::error_code read_record(byte_reader& r, section s, message& m,
                            std::vector<resource_record>& out) {
  std::error_code ec;
  resource_record rr;
  rr.owner = read_name(r, ec);
  if (ec) return ec;
  rr.type = r.u16();
  rr.klass = r.u16();
  rr.ttl = r.u32();
  const std::uint16_t rdlength = r.u16();
  if (!r.ok()) return error::truncated;
  if (rr.type == rr_type::opt) {  // RFC 6891 §6.1.1
    if (s != section::additional || !rr.owner.is_root()) return error::bad_opt;
    if (m.opt) return error::multiple_opt;
    m.opt.emplace();
    return read_opt(r, rr.klass, rr.ttl, rdlength, *m.opt);
  }
  rr.data = read_rdata(r, rr.type, rr.klass, rdlength, ec);
  if (!ec) out.push_back(std::move(rr));
  return ec;
}

std::error_code read_body(byte_reader& r, const std::array<std::uint16_t, 4>& counts,
                          message& m) {
  std::error_code ec;
  for (std::uint16_t i = 0; i < counts[0]; ++i) {  // RFC 1035 §4.1.2
    question q;
    q.qname = read_name(r, ec);
    if (ec) return ec;
    q.qtype = r.u16();
    q.qclass = r.u16();
    if (!r.ok()) return error::truncated;
    m.questions.push_back(std::move(q));
  }
  const std::array<std::vector<resource_record>*, 3> lists{&m.answers, &m.authority,
                                                           &m.additional};
  for (std::size_t s = 0; s < 3; ++s) {
    for (std::uint16_t i = 0; i < counts[s + 1]; ++i)
      if ((ec = read_record(r, static_cast<section>(s), m, *lists[s]))) return ec;
  }
  return {};
}

}  // namespace

resource_record make_record(name owner, std::uint32_t ttl, rdata d) {
  resource_record rr;
  rr.owner = std::move(owner);
  rr.type = type_of(d).value_or(0);
  rr.ttl = ttl;
  rr.data = std::move(d);
  return rr;
}

std::uint16_t message::full_rcode() const {
  return static_cast<std::uint16_t>((opt ? opt->extended_rcode << 4 : 0) | (hdr.rcode & 0xf));
}

void message::set_rcode(std::uint16_t rc) {
  hdr.rcode = static_cast<std::uint8_t>(rc & 0xf);
  if (rc > 0xf && !opt) opt.emplace();
  if (opt) opt->extended_rcode = static_cast<std::uint8_t>(rc >> 4);
}

std::size_t decode(std::span<const std::byte> data, message& m, std::error_code& ec,
                   const limits& lim) {
  m = {};
  if (data.size() > lim.max_message_size) { ec = error::message_too_large; return 0; }
  byte_reader r(data);
  const std::uint16_t id = r.u16();
  const std::uint16_t flags = r.u16();
  std::array<std::uint16_t, 4> counts{};
  for (auto& c : counts) c = r.u16();
  if (!r.ok()) { ec = error::truncated; return 0; }
  for (const auto c : counts)
    if (c > lim.max_records_per_section) { ec = error::too_many_records; return 0; }
  m.hdr = unpack_header(id, flags);
  ec = read_body(r, counts, m);
  if (!ec && r.remaining() > 0 && !lim.lenient) ec = error::trailing_data;
  return ec ? 0 : r.position();
}

namespace {

std::error_code write_record(byte_writer& w, name_compressor& c, const resource_record& rr) {
  if (rr.type == rr_type::opt) return error::bad_opt;  // OPT travels in message::opt
  const auto typed = type_of(rr.data);
  if (typed && *typed != rr.type) return error::bad_rdata;
  c.write(w, rr.owner, true);
  w.u16(rr.type);
  w.u16(rr.klass);
  w.u32(rr.ttl);
  const std::size_t length_at = w.size();
  w.u16(0);
  if (auto ec = write_rdata(w, c, rr.data)) return ec;
  const std::size_t length = w.size() - length_at - 2;
  if (length > 0xffff) return error::bad_rdata;
  w.patch_u16(length_at, static_cast<std::uint16_t>(length));
  return {};
}

std::size_t opt_size(const std::optional<edns>& e) {
  if (!e) return 0;
  std::size_t n = 11;  // root owner, TYPE, CLASS, TTL, RDLENGTH
  for (const auto& o : e->options) n += 4 + o.data.size();
  return n;
}

void write_opt(byte_writer& w, const edns& e) {  // RFC 6891 §6.1.2
  w.u8(0);
  w.u16(rr_type::opt);
  w.u16(e.udp_payload_size);
  w.u8(e.extended_rcode);
  w.u8(e.version);
  w.u16(static_cast<std::uint16_t>((e.dnssec_ok ? 0x8000 : 0) | (e.flags & 0x7fff)));
  std::size_t length = 0;
  for (const auto& o : e.options) length += 4 + o.data.size();
  w.u16(static_cast<std::uint16_t>(length));
  for (const auto& o : e.options) {
    w.u16(o.code);
    w.u16(static_cast<std::uint16_t>(o.data.size()));
    w.bytes(o.data);
  }
}

// Writes records while they fit in `budget` octets from `base`; returns how many were written,
// or sets `ec`. `full` is set when a record had to be dropped.
std::uint16_t write_section(byte_writer& w, std::vector<std::byte>& out, name_compressor& c,
                            const std::vector<resource_record>& records, std::size_t base,
                            std::size_t budget, bool& full, std::error_code& ec) {
  std::uint16_t count = 0;
  for (const auto& rr : records) {
    if (full) return count;
    const std::size_t mark = out.size();
    if ((ec = write_record(w, c, rr))) return count;
    if (out.size() - base > budget) {
      out.resize(mark);
      c.rollback(mark);
      full = true;
      return count;
    }
    ++count;
  }
  return count;
}

}  // namespace

std::error_code encode(const message& m, std::vector<std::byte>& out, std::size_t max_size) {
  const std::size_t base = out.size();
  max_size = std::min<std::size_t>(max_size, 65535);
  byte_writer w(out);
  name_compressor c(base);
  w.u16(m.hdr.id);
  for (int i = 0; i < 5; ++i) w.u16(0);  // flags and counts, patched below
  for (const auto& q : m.questions) {
    c.write(w, q.qname, true);
    w.u16(q.qtype);
    w.u16(q.qclass);
  }
  const std::size_t reserved = opt_size(m.opt);
  if (m.questions.size() > 0xffff || out.size() - base + reserved > max_size) {
    out.resize(base);
    return error::message_too_large;
  }
  const std::size_t budget = max_size - reserved;
  std::error_code ec;
  bool full = false;
  const std::uint16_t an = write_section(w, out, c, m.answers, base, budget, full, ec);
  std::uint16_t ns = 0, ar = 0;
  if (!ec) ns = write_section(w, out, c, m.authority, base, budget, full, ec);
  const bool tc = m.hdr.tc || full;  // RFC 2181 §9: only missing required data sets TC
  if (!ec) ar = write_section(w, out, c, m.additional, base, budget, full, ec);
  if (ec) { out.resize(base); return ec; }
  if (m.opt) { write_opt(w, *m.opt); ++ar; }
  w.patch_u16(base + 2, pack_flags(m.hdr, tc));
  w.patch_u16(base + 4, static_cast<std::uint16_t>(m.questions.size()));
  w.patch_u16(base + 6, an);
  w.patch_u16(base + 8, ns);
  w.patch_u16(base + 10, ar);
  return {};
}

}  // namespace l7::dns
