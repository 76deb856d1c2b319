#include "dns/server/recursor.hpp"

#include <sys/random.h>

#include <algorithm>

#include "dns/codec/types.hpp"

namespace l7::dns::server {

struct recursor::state {
  bool dnssec_ok = false;
  bool cd = false;
  int queries = 0;
  trace_fn trace;
};

namespace {

constexpr int max_links = 12;
constexpr int max_minimised = 10;  // RFC 9156 §2.3 MAX_MINIMISE_COUNT

const resource_record* find(const std::vector<resource_record>& rrs, const name& owner, std::uint16_t type) {
  for (const auto& rr : rrs)
    if (rr.type == type && rr.owner == owner) return &rr;
  return nullptr;
}

std::optional<name> substitute(const name& n, const name& owner, const name& target) {
  std::vector<std::string> labels(n.labels().begin(),
                                  n.labels().end() - static_cast<std::ptrdiff_t>(owner.label_count()));
  labels.insert(labels.end(), target.labels().begin(), target.labels().end());
  std::error_code ec;
  name out = name::from_labels(std::move(labels), ec);
  if (ec) return std::nullopt;
  return out;
}

// Records outside `zone` are not the answering server's to give (RFC 2181 §5.4.1).
void keep_in_bailiwick(std::vector<resource_record>& rrs, const name& zone) {
  std::erase_if(rrs, [&](const resource_record& rr) { return !rr.owner.is_subdomain_of(zone); });
}

// A downward referral from a server for `zone` towards `qname`: the NS RRset, and glue for
// those names that lie inside `zone`.
std::optional<recursor::delegation> referral(const message& r, const name& zone, const name& qname,
                                             std::uint16_t port, std::uint32_t& ttl) {
  if (!r.answers.empty() || r.full_rcode() != rcode::noerror) return std::nullopt;
  const resource_record* first = nullptr;
  for (const auto& rr : r.authority) {
    if (rr.type == rr_type::ns && qname.is_subdomain_of(rr.owner) && rr.owner.is_subdomain_of(zone) &&
        rr.owner.label_count() > zone.label_count()) {
      first = &rr;
      break;
    }
  }
  if (!first) return std::nullopt;
  recursor::delegation d;
  d.zone = first->owner;
  ttl = first->ttl;
  for (const auto& rr : r.authority) {
    if (rr.type != rr_type::ns || !(rr.owner == d.zone)) continue;
    d.ns_names.push_back(std::get<ns_rdata>(rr.data).host);
    ttl = std::min(ttl, rr.ttl);
  }
  for (const auto& rr : r.additional) {
    if (rr.type != rr_type::a && rr.type != rr_type::aaaa) continue;
    if (!rr.owner.is_subdomain_of(zone)) continue;
    if (std::none_of(d.ns_names.begin(), d.ns_names.end(), [&](const name& n) { return n == rr.owner; }))
      continue;
    const ip_address a = rr.type == rr_type::a ? std::get<a_rdata>(rr.data).address
                                               : std::get<aaaa_rdata>(rr.data).address;
    d.addresses.push_back({a, port});
  }
  return d;
}

// A server that answers neither with data, nor a negative answer, nor a downward referral
// for a zone it should serve is lame for it.
bool is_lame(const message& r, const name& zone, const name& qname, std::uint16_t port) {
  const auto rc = r.full_rcode();
  if (rc != rcode::noerror && rc != rcode::nxdomain) return true;
  if (!r.answers.empty() || rc == rcode::nxdomain) return false;
  std::uint32_t ttl = 0;
  if (referral(r, zone, qname, port, ttl)) return false;
  // NODATA carries the zone's SOA (RFC 2308 §2.2); an upward or sideways referral does not.
  const bool soa = std::any_of(r.authority.begin(), r.authority.end(),
                               [](const resource_record& rr) { return rr.type == rr_type::soa; });
  const bool ns = std::any_of(r.authority.begin(), r.authority.end(),
                              [](const resource_record& rr) { return rr.type == rr_type::ns; });
  return !soa && ns;
}

std::size_t random_index(std::size_t n) {
  std::uint32_t v = 0;
  if (::getrandom(&v, sizeof v, 0) != sizeof v) v = 0;
  return n ? v % n : 0;
}

}  // namespace

recursor::recursor(std::vector<client::server_address> root_hints, recursor_options opts)
    : hints_(std::move(root_hints)), opts_(opts) {}

net::awaitable<std::optional<message>> recursor::resolve(upstream_query q) {
  trace_fn none;
  co_return co_await resolve(std::move(q), std::move(none));
}

net::awaitable<std::optional<message>> recursor::resolve(upstream_query q, trace_fn trace) {
  state st;
  st.dnssec_ok = q.dnssec_ok;
  st.cd = q.checking_disabled;
  st.trace = std::move(trace);
  co_return co_await lookup(q.q, st, 0);
}

recursor::delegation recursor::closest(const name& qname) {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  for (std::size_t n = 0; n < qname.label_count(); ++n) {
    auto it = delegations_.find(qname.suffix(n).canonical_wire());
    if (it == delegations_.end()) continue;
    if (it->second.expires <= now) {
      delegations_.erase(it);
      continue;
    }
    return it->second.d;
  }
  return delegation{name{}, {}, hints_};
}

void recursor::remember(const delegation& d, std::uint32_t ttl) {
  if (ttl == 0 || d.addresses.empty()) return;
  ttl = std::min<std::uint32_t>(ttl, 86'400);
  std::lock_guard lock(mutex_);
  if (delegations_.size() >= 10'000) delegations_.clear();
  delegations_[d.zone.canonical_wire()] = {d, std::chrono::steady_clock::now() + std::chrono::seconds(ttl)};
}

net::awaitable<std::optional<message>> recursor::ask(const delegation& d, const question& q, state& st) {
  message query;
  query.hdr.rd = false;
  query.hdr.cd = st.cd;
  query.questions.push_back(q);
  query.opt.emplace();
  query.opt->udp_payload_size = 1232;
  query.opt->dnssec_ok = st.dnssec_ok;
  client::query_options o;
  o.timeout = opts_.timeout;
  o.tries = 1;
  std::vector<client::server_address> servers;
  for (const auto& s : d.addresses)
    if (opts_.use_ipv6 || s.address.is_v4()) servers.push_back(s);
  if (servers.empty()) co_return std::nullopt;
  const std::size_t start = random_index(servers.size());
  const std::size_t attempts = std::min<std::size_t>(servers.size(), 4);
  for (std::size_t i = 0; i < attempts; ++i) {
    if (st.queries >= opts_.max_queries) break;
    ++st.queries;
    const auto& server = servers[(start + i) % servers.size()];
    auto r = co_await client::exchange(server, query, o);
    if (st.trace) {
      trace_step step{d.zone, server, q, std::nullopt, {}};
      if (r.ec) step.error = r.ec.message();
      else step.response = r.response;
      st.trace(step);
    }
    if (r.ec || is_lame(r.response, d.zone, q.qname, opts_.server_port)) continue;
    r.response.opt.reset();
    co_return std::move(r.response);
  }
  co_return std::nullopt;
}

net::awaitable<bool> recursor::find_addresses(delegation& d, state& st, int depth) {
  if (depth >= opts_.max_depth) co_return false;
  for (std::uint16_t type : {rr_type::a, rr_type::aaaa}) {
    if (type == rr_type::aaaa && !opts_.use_ipv6) break;
    for (const auto& ns : d.ns_names) {
      // A server inside its own zone is reachable only through glue, which was missing.
      if (ns.is_subdomain_of(d.zone)) continue;
      question nsq{ns, type, rr_class::in};
      auto r = co_await lookup(std::move(nsq), st, depth + 1);
      if (!r) continue;
      for (const auto& rr : r->answers) {
        if (rr.type == rr_type::a) d.addresses.push_back({std::get<a_rdata>(rr.data).address, opts_.server_port});
        if (rr.type == rr_type::aaaa) d.addresses.push_back({std::get<aaaa_rdata>(rr.data).address, opts_.server_port});
      }
      if (!d.addresses.empty()) co_return true;
    }
  }
  co_return !d.addresses.empty();
}

net::awaitable<std::optional<message>> recursor::iterate(const question& q, state& st, int depth) {
  // DS lives on the parent side of a zone cut (RFC 4035 §3.1.4.1): start above the name and
  // never follow a referral to the name itself.
  const bool ds = q.qtype == rr_type::ds && !q.qname.is_root();
  delegation d = closest(ds ? q.qname.suffix(1) : q.qname);
  std::size_t extra = 1;
  int minimised = 0;
  bool minimise = opts_.qname_minimisation;
  for (;;) {
    if (st.queries >= opts_.max_queries) co_return std::nullopt;
    if (d.addresses.empty()) {
      const bool found = co_await find_addresses(d, st, depth);
      if (!found) co_return std::nullopt;
    }
    question asked = q;
    bool is_minimised = false;
    if (minimise && minimised < max_minimised) {
      const std::size_t want = d.zone.label_count() + extra;
      if (want < q.qname.label_count()) {
        asked.qname = q.qname.suffix(q.qname.label_count() - want);
        asked.qtype = rr_type::a;  // RFC 9156 §2.1
        is_minimised = true;
      }
    }
    auto r = co_await ask(d, asked, st);
    if (!r) co_return std::nullopt;
    std::uint32_t ttl = 0;
    auto next = referral(*r, d.zone, q.qname, opts_.server_port, ttl);
    if (next && ds && next->zone == q.qname) next.reset();
    if (next) {
      remember(*next, ttl);
      d = std::move(*next);
      extra = 1;
      continue;
    }
    if (is_minimised) {
      ++minimised;
      if (r->full_rcode() == rcode::nxdomain) {
        // Nothing exists below a name that does not exist (RFC 8020).
        r->answers.clear();
        keep_in_bailiwick(r->authority, d.zone);
        r->additional.clear();
        co_return r;
      }
      // An alias on the way down: ask the full name from here on.
      if (std::any_of(r->answers.begin(), r->answers.end(), [](const resource_record& rr) {
            return rr.type == rr_type::cname || rr.type == rr_type::dname;
          }))
        minimise = false;
      ++extra;
      continue;
    }
    keep_in_bailiwick(r->answers, d.zone);
    keep_in_bailiwick(r->authority, d.zone);
    r->additional.clear();
    co_return r;
  }
}

net::awaitable<std::optional<message>> recursor::lookup(question q, state& st, int depth) {
  std::vector<resource_record> chain;
  name target = q.qname;
  for (int hop = 0; hop < max_links; ++hop) {
    // GCC 12: no braced temporaries inside a co_await expression (DESIGN.md / notes).
    const question step_q{target, q.qtype, q.qclass};
    auto r = co_await iterate(step_q, st, depth);
    if (!r) co_return std::nullopt;
    name at = target;
    bool done = false, moved = false;
    for (int link = 0; link < max_links; ++link) {
      bool any = false;
      for (const auto& rr : r->answers) {
        if (rr.owner == at && (rr.type == q.qtype || q.qtype == rr_type::any)) {
          chain.push_back(rr);
          any = true;
        }
      }
      if (any) {
        done = true;
        break;
      }
      // A DNAME above the name comes first, with the CNAME it implies (RFC 6672 §3): the
      // server's synthesised CNAME when it sent one, else ours.
      const resource_record* dname = nullptr;
      for (const auto& rr : r->answers)
        if (rr.type == rr_type::dname && at.is_subdomain_of(rr.owner) && !(at == rr.owner)) dname = &rr;
      if (dname && q.qtype != rr_type::dname) {
        auto next = substitute(at, dname->owner, std::get<dname_rdata>(dname->data).target);
        if (!next) break;
        chain.push_back(*dname);
        chain.push_back(resource_record{at, rr_type::cname, rr_class::in, dname->ttl, cname_rdata{*next}});
        at = std::move(*next);
        moved = true;
        continue;
      }
      if (q.qtype != rr_type::cname) {
        if (const auto* c = find(r->answers, at, rr_type::cname)) {
          chain.push_back(*c);
          at = std::get<cname_rdata>(c->data).target;
          moved = true;
          continue;
        }
      }
      break;
    }
    if (done || !moved || r->full_rcode() == rcode::nxdomain) {
      message out;
      out.answers = std::move(chain);
      if (!done) {
        for (const auto& rr : r->authority)
          if (rr.type == rr_type::soa) out.authority.push_back(rr);
      }
      out.set_rcode(done ? rcode::noerror : r->full_rcode());
      co_return out;
    }
    target = std::move(at);  // the chain leaves the zone that answered: start again from there
  }
  co_return std::nullopt;
}

}  // namespace l7::dns::server
