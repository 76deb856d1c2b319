// Connections per client address, shared by a service's listeners and workers (FTP control
// connections, SMTP/POP3/IMAP sessions). Thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace l7::app {

class address_limits {
 public:
  explicit address_limits(std::size_t max) : max_(max) {}  // 0 = no limit
  // Counts one more connection from `address`; false (and nothing counted) at the limit.
  bool acquire(const std::string& address);
  void release(const std::string& address);

 private:
  std::mutex mu_;
  std::unordered_map<std::string, std::size_t> counts_;
  std::size_t max_;
};

}  // namespace l7::app
