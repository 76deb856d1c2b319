// Response rate limiting for UDP (the idea of BIND's and NSD's RRL): each client prefix (/24
// for IPv4, /56 for IPv6) gets `rate` responses per second from a token bucket holding one
// second's worth. Over the limit a response is dropped, except every `slip`-th one, which is
// sent truncated (TC, no records) so that a real client behind a spoofed flood retries over
// TCP, where rate limits do not apply. Time is an argument, so tests use a fake clock.
//
// One limiter per worker thread (no locks): SO_REUSEPORT spreads one client's source ports
// over the workers, so the effective limit is up to `rate` x workers. The table is bounded:
// past `max_prefixes` it is cleared, which briefly forgives everyone rather than growing.
#pragma once

#include <chrono>
#include <cstdint>
#include <unordered_map>

#include "core/ip_prefix.hpp"

namespace l7::dns::server {

class rate_limiter {
 public:
  enum class verdict { send, slip, drop };
  using clock = std::chrono::steady_clock;

  rate_limiter(std::uint32_t rate, std::uint32_t slip, ip_acl exempt, std::size_t max_prefixes = 100'000)
      : rate_(rate), slip_(slip), exempt_(std::move(exempt)), max_prefixes_(max_prefixes) {}

  verdict check(const ip_address& client, clock::time_point now);
  std::size_t tracked() const { return buckets_.size(); }

 private:
  struct bucket {
    double tokens = 0;
    clock::time_point last;
    std::uint32_t limited = 0;  // responses limited so far, for the slip count
  };
  std::uint32_t rate_, slip_;
  ip_acl exempt_;
  std::size_t max_prefixes_;
  std::unordered_map<std::string, bucket> buckets_;
};

}  // namespace l7::dns::server
