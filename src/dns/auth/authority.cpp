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
  const std::string wire = qname.canonical_wire();
  std::string_view rest(wire);
  // The canonical wire form of each ancestor is a suffix of the name's: drop one label at a time.
  if (for_ds && !qname.is_root()) rest.remove_prefix(1 + static_cast<unsigned char>(rest[0]));
  for (;;) {
    auto it = zones_.find(rest);
    if (it != zones_.end()) return it->second.get();
    if (rest.size() <= 1) return nullptr;  // the root was tried
    rest.remove_prefix(1 + static_cast<unsigned char>(rest[0]));
  }
}

std::vector<const zone*> authority::zones() const {
  std::vector<const zone*> out;
  for (const auto& [k, z] : zones_) out.push_back(z.get());
  return out;
}

}  // namespace l7::dns::auth
