// Presentation format of rdata (RFC 1035 §5.1, RFC 3597 §5), as dig prints it.
#include <cstdio>

#include "core/hash.hpp"
#include "dns/codec/rdata.hpp"

namespace l7::dns {
namespace {

template <class... F>
struct overloaded : F... { using F::operator()...; };
template <class... F>
overloaded(F...) -> overloaded<F...>;

}  // namespace

std::string detail::quoted(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\%03u", unsigned(u));
      out += buf;
    } else {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
  }
  return out + '"';
}

namespace {

std::string join(std::initializer_list<std::string> parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += ' ';
    out += p;
  }
  return out;
}

std::string num(std::uint32_t v) { return std::to_string(v); }

}  // namespace

std::string to_string(const rdata& d) {
  return std::visit(overloaded{
      [](const opaque_rdata& o) {
        std::string out = "\\# " + num(static_cast<std::uint32_t>(o.data.size()));
        if (!o.data.empty()) out += " " + to_hex(o.data);
        return out;
      },
      [](const a_rdata& a) { return a.address.to_string(); },
      [](const aaaa_rdata& a) { return a.address.to_string(); },
      [](const ns_rdata& n) { return n.host.to_string(); },
      [](const cname_rdata& n) { return n.target.to_string(); },
      [](const ptr_rdata& n) { return n.target.to_string(); },
      [](const dname_rdata& n) { return n.target.to_string(); },
      [](const soa_rdata& s) {
        return join({s.mname.to_string(), s.rname.to_string(), num(s.serial), num(s.refresh),
                     num(s.retry), num(s.expire), num(s.minimum)});
      },
      [](const mx_rdata& m) { return join({num(m.preference), m.exchange.to_string()}); },
      [](const txt_rdata& t) {
        std::string out;
        for (const auto& s : t.strings) out += (out.empty() ? "" : " ") + detail::quoted(s);
        return out;
      },
      [](const srv_rdata& s) {
        return join({num(s.priority), num(s.weight), num(s.port), s.target.to_string()});
      },
      [](const naptr_rdata& n) {
        return join({num(n.order), num(n.preference), detail::quoted(n.flags),
                     detail::quoted(n.services), detail::quoted(n.regexp),
                     n.replacement.to_string()});
      },
      [](const caa_rdata& c) { return join({num(c.flags), c.tag, detail::quoted(c.value)}); },
      [](const svcb_rdata& s) { return detail::svcb_text(s.priority, s.target, s.params); },
      [](const https_rdata& s) { return detail::svcb_text(s.priority, s.target, s.params); },
      [](const auto& dnssec) { return detail::text(dnssec); },
  }, d);
}

}  // namespace l7::dns
