#include "dns/doh/httpdns.hpp"

#include <algorithm>

#include "core/text.hpp"
#include "dns/codec/types.hpp"

namespace l7::dns::doh {

result<httpdns_request> parse_httpdns_request(const query_params& params) {
  httpdns_request out;
  auto dn = params.get("dn");
  if (!dn || dn->empty()) return fail(400, "missing dn parameter (/d?dn=www.example.com)");
  const auto parts = split(*dn, ',');
  if (parts.size() > max_batch)
    return fail(400, "too many names in dn: " + std::to_string(parts.size()) + " (at most " +
                         std::to_string(max_batch) + ")");
  for (auto part : parts) {
    // The root has no addresses, and "" is what a stray comma leaves: both are mistakes.
    if (part.empty() || part == ".") return fail(400, "empty name in dn '" + *dn + "'");
    std::error_code ec;
    name n = name::parse(part, ec);
    if (ec) return fail(400, "invalid name '" + std::string(part) + "' in dn: " + ec.message());
    out.names.push_back(std::move(n));
  }
  if (auto type = params.get("type"); type && !type->empty()) {
    if (iequals(*type, "A")) {
      out.qtype = rr_type::a;
    } else if (iequals(*type, "AAAA")) {
      out.qtype = rr_type::aaaa;
    } else {
      return fail(400, "invalid type '" + *type + "': HTTPDNS answers A or AAAA");
    }
  }
  if (auto ip = params.get("ip"); ip && !ip->empty()) {
    auto address = ip_address::parse(*ip);
    if (!address) return fail(400, "invalid ip '" + *ip + "': not an IPv4 or IPv6 address");
    out.client_ip = address->unmapped();
  }
  out.with_ttl = params.get("ttl") == "1";
  return out;
}

message make_httpdns_query(const httpdns_request& request, const name& qname) {
  message query = make_query(qname, request.qtype);
  if (request.client_ip) {
    const auto& ip = *request.client_ip;
    add_client_subnet(query, ip, ip.is_v4() ? ecs_prefix_v4 : ecs_prefix_v6);
  }
  return query;
}

address_answer final_addresses(const message& response, const name& qname, std::uint16_t qtype) {
  address_answer out;
  if (response.full_rcode() != rcode::noerror) return out;
  name current = qname;
  std::optional<std::uint32_t> chain_ttl;
  for (std::size_t hop = 0; hop <= response.answers.size(); ++hop) {
    std::optional<std::uint32_t> ttl = chain_ttl;
    const resource_record* cname = nullptr;
    for (const auto& rr : response.answers) {
      if (rr.klass != rr_class::in || !(rr.owner == current)) continue;
      if (rr.type == qtype) {
        const ip_address* a = nullptr;
        if (const auto* v4 = std::get_if<a_rdata>(&rr.data)) a = &v4->address;
        if (const auto* v6 = std::get_if<aaaa_rdata>(&rr.data)) a = &v6->address;
        if (!a) continue;
        out.addresses.push_back(*a);
        ttl = ttl ? std::min(*ttl, rr.ttl) : rr.ttl;
      } else if (rr.type == rr_type::cname && !cname) {
        cname = &rr;
      }
    }
    if (!out.addresses.empty()) {
      out.ttl = ttl;
      return out;
    }
    const auto* target = cname ? std::get_if<cname_rdata>(&cname->data) : nullptr;
    if (!target) break;
    chain_ttl = chain_ttl ? std::min(*chain_ttl, cname->ttl) : cname->ttl;
    current = target->target;
  }
  return out;
}

std::string format_addresses(const address_answer& answer, bool with_ttl) {
  std::string out;
  for (const auto& a : answer.addresses) {
    if (!out.empty()) out += ';';
    out += a.to_string();
  }
  if (with_ttl && answer.ttl && !out.empty()) out += ',' + std::to_string(*answer.ttl);
  return out;
}

std::string format_batch_line(const name& qname, const address_answer& answer, bool with_ttl) {
  return qname.to_string() + ":" + format_addresses(answer, with_ttl) + "\n";
}

}  // namespace l7::dns::doh
