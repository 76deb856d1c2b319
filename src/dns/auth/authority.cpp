#include "dns/auth/authority.hpp"

namespace l7::dns::auth {

void authority::add(zone z) {
  auto key = z.origin().canonical_wire();
  zones_[std::move(key)] = std::make_shared<const zone>(std::move(z));
}

const zone* authority::find_exact(const name& origin) const {
  auto it = zones_.find(origin.canonical_wire());
  return it == zones_.end() ? nullptr : it->second.get();
}

const zone* authority::find_zone(const name& qname, bool for_ds) const {
  if (zones_.empty()) return nullptr;
  std::size_t start = for_ds && !qname.is_root() ? 1 : 0;
  for (std::size_t n = start; n <= qname.label_count(); ++n) {
    if (const zone* z = find_exact(qname.suffix(n))) return z;
  }
  return nullptr;
}

std::vector<const zone*> authority::zones() const {
  std::vector<const zone*> out;
  for (const auto& [k, z] : zones_) out.push_back(z.get());
  return out;
}

}  // namespace l7::dns::auth
