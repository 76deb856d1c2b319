#include "dns/auth/zone.hpp"

#include <algorithm>
#include <map>

#include "dns/codec/types.hpp"

namespace l7::dns::auth {

void rrset::append_to(std::vector<resource_record>& out, const name* owner_override) const {
  for (const auto& d : rdatas)
    out.push_back(resource_record{owner_override ? *owner_override : owner, type, rr_class::in,
                                  ttl, d});
}

namespace {

// RFC 4034 §6.1 canonical order: compare labels right to left, each case-insensitively as
// octet strings.
bool canonical_less(const name& a, const name& b) {
  const auto& la = a.labels();
  const auto& lb = b.labels();
  std::size_t i = la.size(), j = lb.size();
  while (i > 0 && j > 0) {
    --i, --j;
    const auto& x = la[i];
    const auto& y = lb[j];
    const std::size_t n = std::min(x.size(), y.size());
    for (std::size_t k = 0; k < n; ++k) {
      auto cx = static_cast<unsigned char>(x[k]), cy = static_cast<unsigned char>(y[k]);
      if (cx >= 'A' && cx <= 'Z') cx += 32;
      if (cy >= 'A' && cy <= 'Z') cy += 32;
      if (cx != cy) return cx < cy;
    }
    if (x.size() != y.size()) return x.size() < y.size();
  }
  return i == 0 && j > 0;
}

// Types that may sit beside a CNAME (RFC 2181 §10.1, RFC 4035 §2.5).
bool allowed_with_cname(std::uint16_t t) {
  return t == rr_type::cname || t == rr_type::rrsig || t == rr_type::nsec;
}

}  // namespace

std::optional<zone> zone::build(name origin, std::vector<resource_record> records,
                                std::string& error, std::vector<std::string>* warnings) {
  zone z;
  z.origin_ = std::move(origin);
  const std::string where = " in zone " + z.origin_.to_string();
  bool have_soa = false;
  for (auto& rr : records) {
    if (!rr.owner.is_subdomain_of(z.origin_)) {
      error = "record " + to_string(rr) + " is outside" + where;
      return std::nullopt;
    }
    if (rr.klass != rr_class::in) {
      error = "record " + to_string(rr) + " is not class IN" + where;
      return std::nullopt;
    }
    if (rr.type == rr_type::opt || rr.type == rr_type::axfr || rr.type == rr_type::any) {
      error = "record " + to_string(rr) + " has a meta type" + where;
      return std::nullopt;
    }
    if (rr.type == rr_type::soa) {
      if (!(rr.owner == z.origin_)) {
        error = "SOA " + rr.owner.to_string() + " is not at the origin" + where;
        return std::nullopt;
      }
      const auto* soa = std::get_if<soa_rdata>(&rr.data);
      if (!soa) {
        error = "SOA record with unparsed rdata" + where;
        return std::nullopt;
      }
      if (have_soa && !(*soa == z.soa_)) {
        error = "more than one SOA" + where;
        return std::nullopt;
      }
      have_soa = true;
      z.soa_ = *soa;
      z.soa_ttl_ = rr.ttl;
    }
    auto& sets = z.nodes_[rr.owner.canonical_wire()];
    auto it = std::find_if(sets.begin(), sets.end(), [&](const rrset& s) { return s.type == rr.type; });
    if (it == sets.end()) {
      sets.push_back(rrset{rr.owner, rr.type, rr.ttl, {}});
      it = sets.end() - 1;
    }
    if (std::find(it->rdatas.begin(), it->rdatas.end(), rr.data) != it->rdatas.end()) {
      if (warnings) warnings->push_back("duplicate record " + to_string(rr) + " dropped");
      continue;
    }
    if (rr.ttl != it->ttl) {
      if (warnings)
        warnings->push_back("RRset " + rr.owner.to_string() + " " + type_to_string(rr.type) +
                            " has differing TTLs; using the smallest (RFC 2181 §5.2)");
      it->ttl = std::min(it->ttl, rr.ttl);
    }
    it->rdatas.push_back(std::move(rr.data));
    ++z.record_count_;
  }
  if (!have_soa) {
    error = "no SOA record at the origin" + where;
    return std::nullopt;
  }
  // The SOA RRset holds exactly one record.
  if (const auto* s = z.find(z.origin_, rr_type::soa); s && s->rdatas.size() != 1) {
    error = "more than one SOA" + where;
    return std::nullopt;
  }
  if (!z.find(z.origin_, rr_type::ns)) {
    error = "no NS records at the origin" + where;
    return std::nullopt;
  }
  for (auto& [key, sets] : z.nodes_) {
    const bool has_cname = std::any_of(sets.begin(), sets.end(),
                                       [](const rrset& s) { return s.type == rr_type::cname; });
    if (has_cname) {
      for (const auto& s : sets) {
        if (!allowed_with_cname(s.type)) {
          error = "CNAME and other data at " + s.owner.to_string() + where;
          return std::nullopt;
        }
      }
      const auto* c = z.find(sets.front().owner, rr_type::cname);
      if (c && c->rdatas.size() > 1) {
        error = "more than one CNAME at " + c->owner.to_string() + where;
        return std::nullopt;
      }
    }
    const name& owner = sets.front().owner;
    const bool cut = !(owner == z.origin_) &&
                     std::any_of(sets.begin(), sets.end(),
                                 [](const rrset& s) { return s.type == rr_type::ns; });
    z.names_[key] = cut;
    // Every ancestor up to the origin exists too (empty non-terminals).
    for (std::size_t n = 1; n < owner.label_count() - z.origin_.label_count() + 1; ++n)
      z.names_.emplace(owner.suffix(n).canonical_wire(), false);
  }
  return z;
}

const std::vector<rrset>* zone::node(const name& owner) const {
  auto it = nodes_.find(owner.canonical_wire());
  return it == nodes_.end() ? nullptr : &it->second;
}

const rrset* zone::find(const name& owner, std::uint16_t type) const {
  const auto* sets = node(owner);
  if (!sets) return nullptr;
  for (const auto& s : *sets)
    if (s.type == type) return &s;
  return nullptr;
}

bool zone::exists(const name& n) const { return names_.count(n.canonical_wire()) != 0; }

bool zone::is_delegation(const name& n) const {
  auto it = names_.find(n.canonical_wire());
  return it != names_.end() && it->second;
}

std::vector<resource_record> zone::transfer_records() const {
  std::vector<const rrset*> sets;
  for (const auto& [key, node_sets] : nodes_)
    for (const auto& s : node_sets)
      if (s.type != rr_type::soa) sets.push_back(&s);
  std::sort(sets.begin(), sets.end(), [](const rrset* a, const rrset* b) {
    if (canonical_less(a->owner, b->owner)) return true;
    if (canonical_less(b->owner, a->owner)) return false;
    return a->type < b->type;
  });
  std::vector<resource_record> out;
  const auto* soa = find(origin_, rr_type::soa);
  soa->append_to(out);
  for (const auto* s : sets) s->append_to(out);
  soa->append_to(out);
  return out;
}

}  // namespace l7::dns::auth
