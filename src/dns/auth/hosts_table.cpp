#include "dns/auth/hosts_table.hpp"

#include <algorithm>

#include "core/text.hpp"
#include "dns/codec/types.hpp"

namespace l7::dns::auth {

name reverse_name(const ip_address& in) {
  const ip_address a = in.unmapped();
  std::vector<std::string> labels;
  const auto& b = a.bytes();
  static const char* hex = "0123456789abcdef";
  if (a.is_v4()) {
    for (int i = 3; i >= 0; --i) labels.push_back(std::to_string(b[i]));
    labels.insert(labels.end(), {"in-addr", "arpa"});
  } else {
    for (int i = 15; i >= 0; --i) {
      labels.push_back(std::string(1, hex[b[i] & 0xf]));
      labels.push_back(std::string(1, hex[b[i] >> 4]));
    }
    labels.insert(labels.end(), {"ip6", "arpa"});
  }
  std::error_code ec;
  return name::from_labels(std::move(labels), ec);  // cannot fail: at most 34 short labels
}

std::optional<ip_address> address_from_reverse(const name& n) {
  const auto& l = n.labels();
  auto is = [](std::string_view a, std::string_view b) { return iequals(a, b); };
  if (l.size() == 6 && is(l[4], "in-addr") && is(l[5], "arpa")) {
    std::array<std::uint8_t, 4> b{};
    for (int i = 0; i < 4; ++i) {
      const auto& part = l[3 - i];
      auto v = parse_uint(part);
      if (!v || *v > 255 || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return std::nullopt;
      b[i] = static_cast<std::uint8_t>(*v);
    }
    return ip_address::v4(b);
  }
  if (l.size() == 34 && is(l[32], "ip6") && is(l[33], "arpa")) {
    std::array<std::uint8_t, 16> b{};
    for (int i = 0; i < 32; ++i) {
      const auto& part = l[31 - i];
      if (part.size() != 1) return std::nullopt;
      auto v = parse_hex(part);
      if (!v) return std::nullopt;
      b[i / 2] |= static_cast<std::uint8_t>(i % 2 == 0 ? *v << 4 : *v);
    }
    return ip_address::v6(b);
  }
  return std::nullopt;
}

void hosts_table::add(const ip_address& in, const name& host) {
  const ip_address address = in.unmapped();
  auto& e = by_name_[host.canonical_wire()];
  if (e.v4.empty() && e.v6.empty()) e.owner = host;
  auto& list = address.is_v4() ? e.v4 : e.v6;
  if (std::find(list.begin(), list.end(), address) == list.end()) list.push_back(address);
  by_reverse_.emplace(reverse_name(address).canonical_wire(), host);
}

bool hosts_table::answer(const question& q, message& response, std::uint32_t ttl) const {
  if (q.qclass != rr_class::in || by_name_.empty()) return false;
  if (q.qtype == rr_type::a || q.qtype == rr_type::aaaa) {
    auto it = by_name_.find(q.qname.canonical_wire());
    if (it == by_name_.end()) return false;
    const bool v4 = q.qtype == rr_type::a;
    for (const auto& a : v4 ? it->second.v4 : it->second.v6) {
      rdata d = v4 ? rdata{a_rdata{a}} : rdata{aaaa_rdata{a}};
      response.answers.push_back(resource_record{q.qname, q.qtype, rr_class::in, ttl, std::move(d)});
    }
    response.hdr.aa = true;
    response.hdr.rcode = rcode::noerror;
    return true;
  }
  if (q.qtype == rr_type::ptr) {
    auto it = by_reverse_.find(q.qname.canonical_wire());
    if (it == by_reverse_.end()) return false;
    response.answers.push_back(
        resource_record{q.qname, rr_type::ptr, rr_class::in, ttl, ptr_rdata{it->second}});
    response.hdr.aa = true;
    response.hdr.rcode = rcode::noerror;
    return true;
  }
  return false;
}

}  // namespace l7::dns::auth
