// The DNS service's settings: the `[dns]` section of l7.toml (docs/dns.md lists every key).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/ip_prefix.hpp"

namespace l7::app {
struct config;
}

namespace l7::dns::server {

struct endpoint_text {
  std::string host;  // an IP address
  std::uint16_t port = 53;
};

struct settings {
  // Authoritative data: every *.zone file in zones_dir (origin = file name without .zone,
  // unless the file sets $ORIGIN) plus the files listed in `zone_files`.
  std::filesystem::path zones_dir;
  std::vector<std::filesystem::path> zone_files;
  // /etc/hosts-format file; re-read when its modification time or size changes.
  std::filesystem::path hosts_file;
  std::chrono::milliseconds reload_check{2000};
  std::uint32_t hosts_ttl = 60;

  // Resolution for names outside our zones: forward to `upstreams` when there are any,
  // otherwise recurse from `root_hints` (when `recursion` is on).
  bool recursion = true;
  std::vector<endpoint_text> upstreams;
  std::vector<endpoint_text> root_hints;
  bool qname_minimisation = true;
  // Port of name servers learned from referrals (53; a private test hierarchy may move it).
  std::uint16_t referral_port = 53;
  std::chrono::milliseconds upstream_timeout{1500};
  int upstream_tries = 2;
  std::chrono::milliseconds resolve_timeout{8000};  // a whole client query

  ip_acl allow_recursion;  // who may use the cache and resolver
  ip_acl allow_transfer;   // who may AXFR

  std::uint16_t udp_payload = 1232;  // our EDNS payload size (DNS Flag Day 2020)
  std::chrono::milliseconds tcp_idle_timeout{10000};  // RFC 7766 §6.2.3
  std::size_t tcp_max_inflight = 64;                  // pipelined queries per connection

  // Response rate limiting on UDP: responses per second per client prefix (/24, /56);
  // 0 = off. Every `rrl_slip`-th limited response is sent truncated instead of dropped.
  std::uint32_t rate_limit = 0;
  std::uint32_t rrl_slip = 2;
  ip_acl rate_limit_exempt;

  // Cache (src/dns/cache).
  std::size_t cache_size = 100'000;
  std::uint32_t min_ttl = 0, max_ttl = 86'400, negative_max_ttl = 3'600;
  bool serve_stale = true;
  bool prefetch = true;

  bool trace = false;  // log every query and answer
};

// Reads `[dns]`; throws app::config_error naming the key on bad values.
settings load_settings(const app::config& cfg, bool trace);

// "192.0.2.1", "192.0.2.1:53", "[2001:db8::1]:53", "::1" -> host and port.
std::optional<endpoint_text> parse_endpoint(std::string_view text, std::uint16_t default_port);

// The IANA root servers' IPv4 and IPv6 addresses (root hints, named.root).
std::vector<endpoint_text> iana_root_hints();

}  // namespace l7::dns::server
