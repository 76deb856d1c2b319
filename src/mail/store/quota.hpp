// Per-account quota (RFC 9208: STORAGE in bytes, MESSAGE in messages). Usage is the sum of
// the folders' index totals, kept in memory: each open folder adds its totals when attached
// and reports every committed change. Messages being written hold a reservation, so
// concurrent deliveries cannot overshoot a limit together. Changes made by other processes
// are counted when this process syncs the folder. Thread-safe (one mutex).
#pragma once

#include <cstdint>
#include <mutex>
#include <system_error>

namespace l7::mail {

struct quota_usage {
  std::uint64_t bytes = 0, messages = 0;              // in use (committed)
  std::uint64_t limit_bytes = 0, limit_messages = 0;  // 0: no limit
};

namespace detail {

class quota_tracker {
 public:
  quota_tracker(std::uint64_t limit_bytes, std::uint64_t limit_messages);
  // Reserves room for `messages` messages of `bytes`; store_error::quota_exceeded when the
  // usage plus reservations would pass a limit (RFC 9208 §5.1: the whole message is refused).
  std::error_code reserve(std::uint64_t bytes, std::uint64_t messages);
  void release(std::uint64_t bytes, std::uint64_t messages);
  void apply(std::int64_t bytes, std::int64_t messages);
  quota_usage usage() const;

 private:
  mutable std::mutex mu_;
  quota_usage u_;
  std::uint64_t reserved_bytes_ = 0, reserved_messages_ = 0;
};

}  // namespace detail
}  // namespace l7::mail
