// authority::answer: RFC 1034 §4.3.2 steps 3a-3c for each zone a CNAME/DNAME chain passes
// through, with RFC 4592 wildcards and RFC 6672 DNAME substitution.
#include <algorithm>

#include "dns/auth/authority.hpp"
#include "dns/codec/types.hpp"

namespace l7::dns::auth {
namespace {

struct step {
  enum kind { done, follow } what = done;
  name next;  // for follow
};

class resolver {
 public:
  resolver(const authority& a, const question& q, message& r, const lookup_options& o)
      : auth_(a), q_(q), resp_(r), opts_(o) {}

  void run(const zone* z) {
    resp_.hdr.aa = true;
    resp_.hdr.rcode = 0;
    name qname = q_.qname;
    visited_.push_back(qname);
    for (std::size_t links = 0;; ++links) {
      step s = in_zone(*z, qname);
      if (s.what == step::done) break;
      // A chain that leaves our zones ends here; the client's resolver follows it (RFC 1034 §3.6.2).
      const zone* next = auth_.find_zone(s.next, q_.qtype == rr_type::ds);
      if (!next || links + 1 >= opts_.max_chain) break;
      if (std::any_of(visited_.begin(), visited_.end(), [&](const name& n) { return n == s.next; }))
        break;  // a loop: what was found so far is the answer
      visited_.push_back(s.next);
      z = next;
      qname = std::move(s.next);
    }
    if (opts_.additional) add_additional();
  }

 private:
  step in_zone(const zone& z, const name& qname) {
    const std::size_t below = qname.label_count() - z.origin().label_count();
    // Walk from just below the origin down to qname: cuts and DNAMEs above qname win.
    for (std::size_t k = below; k-- > 0;) {
      name cur = qname.suffix(k);
      const bool at_qname = k == 0;
      if (!z.exists(cur)) return missing(z, qname, cur.suffix(1));
      if (z.is_delegation(cur) && !(at_qname && q_.qtype == rr_type::ds)) return referral(z, cur);
      if (!at_qname) {
        if (const rrset* d = z.find(cur, rr_type::dname)) return substitute(*d, qname, cur);
      }
    }
    const auto* sets = z.node(qname);
    return at_node(z, sets ? *sets : empty_, qname, nullptr);
  }

  // Step 3b: answer is the referral: NS of the cut in authority, glue in additional.
  step referral(const zone& z, const name& cut) {
    if (resp_.answers.empty()) resp_.hdr.aa = false;
    const rrset* ns = z.find(cut, rr_type::ns);
    ns->append_to(resp_.authority);
    for (const auto& d : ns->rdatas) {
      const name& host = std::get<ns_rdata>(d).host;
      if (host.is_subdomain_of(z.origin())) add_addresses(z, host);
    }
    return {};
  }

  step substitute(const rrset& d, const name& qname, const name& owner) {
    d.append_to(resp_.answers);
    const name& target = std::get<dname_rdata>(d.rdatas.front()).target;
    std::vector<std::string> labels(qname.labels().begin(),
                                    qname.labels().end() - static_cast<std::ptrdiff_t>(owner.label_count()));
    labels.insert(labels.end(), target.labels().begin(), target.labels().end());
    std::error_code ec;
    name next = name::from_labels(std::move(labels), ec);
    if (ec) {
      resp_.hdr.rcode = rcode::yxdomain;  // the substituted name is too long (RFC 6672 §2.2)
      return {};
    }
    resp_.answers.push_back(resource_record{qname, rr_type::cname, rr_class::in, d.ttl, cname_rdata{next}});
    return {step::follow, std::move(next)};
  }

  // Step 3c: the name does not exist; a wildcard at the closest encloser may stand in for it.
  step missing(const zone& z, const name& qname, const name& closest_encloser) {
    std::vector<std::string> labels{"*"};
    labels.insert(labels.end(), closest_encloser.labels().begin(), closest_encloser.labels().end());
    std::error_code ec;
    name wild = name::from_labels(std::move(labels), ec);
    if (!ec) {
      if (const auto* sets = z.node(wild); sets && !z.is_delegation(wild))
        return at_node(z, *sets, qname, &qname);
    }
    resp_.hdr.rcode = rcode::nxdomain;
    add_soa(z);
    return {};
  }

  step at_node(const zone& z, const std::vector<rrset>& sets, const name& qname, const name* owner) {
    if (q_.qtype == rr_type::any) {
      for (const auto& s : sets) {
        if (s.type == rr_type::rrsig) continue;
        s.append_to(resp_.answers, owner);
        if (!opts_.full_any) break;
      }
      if (resp_.answers.empty()) add_soa(z);
      return {};
    }
    for (const auto& s : sets) {
      if (s.type == q_.qtype) {
        s.append_to(resp_.answers, owner);
        return {};
      }
    }
    for (const auto& s : sets) {
      if (s.type == rr_type::cname) {
        s.append_to(resp_.answers, owner);
        return {step::follow, std::get<cname_rdata>(s.rdatas.front()).target};
      }
    }
    (void)qname;
    add_soa(z);  // NODATA
    return {};
  }

  void add_soa(const zone& z) {
    const std::uint32_t ttl = std::min(z.soa_ttl(), z.soa().minimum);
    resp_.authority.push_back(resource_record{z.origin(), rr_type::soa, rr_class::in, ttl, z.soa()});
  }

  void add_addresses(const zone& z, const name& host) {
    for (std::uint16_t t : {rr_type::a, rr_type::aaaa}) {
      const rrset* s = z.find(host, t);
      if (!s) continue;
      for (const auto& d : s->rdatas) {
        resource_record rr{s->owner, t, rr_class::in, s->ttl, d};
        auto present = [&](const resource_record& x) { return x == rr; };
        if (std::none_of(resp_.additional.begin(), resp_.additional.end(), present) &&
            std::none_of(resp_.answers.begin(), resp_.answers.end(), present))
          resp_.additional.push_back(std::move(rr));
      }
    }
  }

  // RFC 1034 §3.6 / RFC 2782: addresses of the hosts named by NS, MX and SRV answers, when
  // they are in one of our zones and not below a cut there.
  void add_additional() {
    std::vector<name> hosts;
    for (const auto& rr : resp_.answers) {
      if (const auto* ns = std::get_if<ns_rdata>(&rr.data)) hosts.push_back(ns->host);
      else if (const auto* mx = std::get_if<mx_rdata>(&rr.data)) hosts.push_back(mx->exchange);
      else if (const auto* srv = std::get_if<srv_rdata>(&rr.data)) hosts.push_back(srv->target);
    }
    for (const auto& h : hosts) {
      const zone* z = auth_.find_zone(h);
      if (z && !under_cut(*z, h)) add_addresses(*z, h);
    }
  }

  static bool under_cut(const zone& z, const name& n) {
    const std::size_t below = n.label_count() - z.origin().label_count();
    for (std::size_t k = below; k-- > 0;)
      if (z.is_delegation(n.suffix(k))) return true;
    return false;
  }

  const authority& auth_;
  const question& q_;
  message& resp_;
  const lookup_options& opts_;
  std::vector<name> visited_;
  const std::vector<rrset> empty_;
};

}  // namespace

bool authority::answer(const question& q, message& response, const lookup_options& opts) const {
  const zone* z = find_zone(q.qname, q.qtype == rr_type::ds);
  if (!z) return false;
  resolver(*this, q, response, opts).run(z);
  return true;
}

}  // namespace l7::dns::auth
