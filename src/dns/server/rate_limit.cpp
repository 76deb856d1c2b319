#include "dns/server/rate_limit.hpp"

#include <algorithm>

namespace l7::dns::server {

rate_limiter::verdict rate_limiter::check(const ip_address& client, clock::time_point now) {
  if (rate_ == 0 || exempt_.contains(client)) return verdict::send;
  const ip_address a = client.unmapped();
  const ip_address prefix = mask_address(a, a.is_v4() ? 24 : 56);
  const auto& b = prefix.bytes();
  std::string key(reinterpret_cast<const char*>(b.data()), a.is_v4() ? 4 : 16);
  if (buckets_.size() >= max_prefixes_ && !buckets_.count(key)) buckets_.clear();
  auto [it, fresh] = buckets_.try_emplace(std::move(key));
  bucket& k = it->second;
  if (fresh) {
    k.tokens = rate_;
    k.last = now;
  } else if (now > k.last) {
    const double elapsed = std::chrono::duration<double>(now - k.last).count();
    k.tokens = std::min<double>(rate_, k.tokens + elapsed * rate_);
    k.last = now;
  }
  if (k.tokens >= 1) {
    k.tokens -= 1;
    return verdict::send;
  }
  ++k.limited;
  if (slip_ != 0 && k.limited % slip_ == 0) return verdict::slip;
  return verdict::drop;
}

}  // namespace l7::dns::server
