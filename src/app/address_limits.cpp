#include "app/address_limits.hpp"

namespace l7::app {

bool address_limits::acquire(const std::string& address) {
  std::lock_guard lock(mu_);
  auto& n = counts_[address];
  if (max_ != 0 && n >= max_) {
    if (n == 0) counts_.erase(address);
    return false;
  }
  ++n;
  return true;
}

void address_limits::release(const std::string& address) {
  std::lock_guard lock(mu_);
  auto it = counts_.find(address);
  if (it != counts_.end() && --it->second == 0) counts_.erase(it);
}

}  // namespace l7::app
