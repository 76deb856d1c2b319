// Transfers at once, in total and per client address: a slot is taken when a request arrives
// and given back when its transfer ends. Shared by every worker (one mutex; taken twice per
// transfer, never per packet).
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/ip_address.hpp"

namespace l7::tftp::server {

class session_limits {
 public:
  session_limits(std::size_t total, std::size_t per_ip) : total_(total), per_ip_(per_ip) {}

  // Holds one slot; releases it when destroyed. Empty (false) when the limit said no.
  class slot {
   public:
    slot() = default;
    slot(slot&& o) noexcept : owner_(std::exchange(o.owner_, nullptr)), key_(std::move(o.key_)) {}
    slot& operator=(slot&&) = delete;
    ~slot() {
      if (owner_) owner_->release(key_);
    }
    explicit operator bool() const { return owner_ != nullptr; }

   private:
    friend class session_limits;
    slot(session_limits* o, std::string k) : owner_(o), key_(std::move(k)) {}
    session_limits* owner_ = nullptr;
    std::string key_;
  };

  slot acquire(const ip_address& client) {
    auto key = client.unmapped().to_string();
    std::lock_guard lock(mu_);
    if (in_use_ >= total_) return {};
    auto& n = per_client_[key];
    if (n >= per_ip_) return {};
    ++n;
    ++in_use_;
    return slot(this, std::move(key));
  }

  std::size_t in_use() const {
    std::lock_guard lock(mu_);
    return in_use_;
  }

 private:
  void release(const std::string& key) {
    std::lock_guard lock(mu_);
    --in_use_;
    auto it = per_client_.find(key);
    if (it != per_client_.end() && --it->second == 0) per_client_.erase(it);
  }

  const std::size_t total_, per_ip_;
  mutable std::mutex mu_;
  std::size_t in_use_ = 0;
  std::map<std::string, std::size_t> per_client_;
};

}  // namespace l7::tftp::server
