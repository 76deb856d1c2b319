#include "dns/server/settings.hpp"

#include <fmt/format.h>

#include "app/config.hpp"
#include "core/ip_address.hpp"

namespace l7::dns::server {

namespace {

constexpr std::string_view sec = "dns";

std::vector<endpoint_text> endpoints(const app::config& cfg, std::string_view key,
                                     const std::vector<std::string>& def) {
  std::vector<endpoint_text> out;
  for (const auto& text : cfg.get_string_list(sec, key, def)) {
    auto e = parse_endpoint(text, 53);
    if (!e)
      throw app::config_error(
          fmt::format("dns.{}: \"{}\" is not an address like \"192.0.2.1\" or \"[::1]:5353\"", key, text));
    out.push_back(*e);
  }
  return out;
}

ip_acl acl(const app::config& cfg, std::string_view key, const std::vector<std::string>& def) {
  std::string bad;
  auto a = ip_acl::parse(cfg.get_string_list(sec, key, def), &bad);
  if (!a)
    throw app::config_error(fmt::format("dns.{}: \"{}\" is not an address or prefix like \"10.0.0.0/8\"", key, bad));
  return *a;
}

std::uint32_t u32(const app::config& cfg, std::string_view key, std::uint32_t def) {
  return static_cast<std::uint32_t>(cfg.get_int(sec, key, def, 0, 0x7fffffff));
}

}  // namespace

std::optional<endpoint_text> parse_endpoint(std::string_view text, std::uint16_t default_port) {
  auto hp = parse_host_port(text, default_port);
  if (!hp || !ip_address::parse(hp->host)) return std::nullopt;
  return endpoint_text{hp->host, hp->port};
}

std::vector<endpoint_text> iana_root_hints() {
  // named.root as published by IANA (a..m.root-servers.net).
  static const char* const addresses[] = {
      "198.41.0.4",     "2001:503:ba3e::2:30", "170.247.170.2", "2801:1b8:10::b",
      "192.33.4.12",    "2001:500:2::c",       "199.7.91.13",   "2001:500:2d::d",
      "192.203.230.10", "2001:500:a8::e",      "192.5.5.241",   "2001:500:2f::f",
      "192.112.36.4",   "2001:500:12::d0d",    "198.97.190.53", "2001:500:1::53",
      "192.36.148.17",  "2001:7fe::53",        "192.58.128.30", "2001:503:c27::2:30",
      "193.0.14.129",   "2001:7fd::1",         "199.7.83.42",   "2001:500:9f::42",
      "202.12.27.33",   "2001:dc3::35"};
  std::vector<endpoint_text> out;
  for (const char* a : addresses) out.push_back({a, 53});
  return out;
}

settings load_settings(const app::config& cfg, bool trace) {
  settings s;
  s.zones_dir = cfg.data_path(cfg.get_string(sec, "zones_dir", "dns/zones"));
  for (const auto& f : cfg.get_string_list(sec, "zones", {})) s.zone_files.push_back(cfg.data_path(f));
  s.hosts_file = cfg.data_path(cfg.get_string(sec, "hosts", "dns/hosts"));
  s.reload_check = cfg.get_duration(sec, "reload_check", s.reload_check);
  s.hosts_ttl = u32(cfg, "hosts_ttl", s.hosts_ttl);

  s.recursion = cfg.get_bool(sec, "recursion", s.recursion);
  s.upstreams = endpoints(cfg, "upstreams", {});
  s.root_hints = endpoints(cfg, "root_hints", {});
  if (s.root_hints.empty()) s.root_hints = iana_root_hints();
  s.qname_minimisation = cfg.get_bool(sec, "qname_minimisation", s.qname_minimisation);
  const auto referral_port = u32(cfg, "referral_port", s.referral_port);
  if (referral_port == 0 || referral_port > 65535)
    throw app::config_error("dns.referral_port: expected a port number 1..65535");
  s.referral_port = static_cast<std::uint16_t>(referral_port);
  s.upstream_timeout = cfg.get_duration(sec, "upstream_timeout", s.upstream_timeout);
  s.upstream_tries = static_cast<int>(u32(cfg, "upstream_tries", static_cast<std::uint32_t>(s.upstream_tries)));
  if (s.upstream_tries < 1) throw app::config_error("dns.upstream_tries: expected 1 or more");
  s.resolve_timeout = cfg.get_duration(sec, "resolve_timeout", s.resolve_timeout);

  s.allow_recursion = acl(cfg, "allow_recursion",
                          {"127.0.0.0/8", "::1", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                           "fc00::/7", "fe80::/10"});
  s.allow_transfer = acl(cfg, "allow_transfer", {"127.0.0.0/8", "::1"});

  const auto payload = u32(cfg, "udp_payload", s.udp_payload);
  if (payload < 512 || payload > 65535)
    throw app::config_error("dns.udp_payload: expected 512..65535");
  s.udp_payload = static_cast<std::uint16_t>(payload);
  s.tcp_idle_timeout = cfg.get_duration(sec, "tcp_idle_timeout", s.tcp_idle_timeout);
  s.tcp_max_inflight = u32(cfg, "tcp_max_inflight", static_cast<std::uint32_t>(s.tcp_max_inflight));
  if (s.tcp_max_inflight == 0) throw app::config_error("dns.tcp_max_inflight: expected 1 or more");

  s.rate_limit = u32(cfg, "rate_limit", s.rate_limit);
  s.rrl_slip = u32(cfg, "rate_limit_slip", s.rrl_slip);
  s.rate_limit_exempt = acl(cfg, "rate_limit_exempt", {"127.0.0.0/8", "::1"});

  const auto cache_size = cfg.get_int(sec, "cache_size", static_cast<std::int64_t>(s.cache_size));
  if (cache_size < 0) throw app::config_error("dns.cache_size: expected 0 or more entries");
  s.cache_size = static_cast<std::size_t>(cache_size);
  s.min_ttl = u32(cfg, "min_ttl", s.min_ttl);
  s.max_ttl = u32(cfg, "max_ttl", s.max_ttl);
  s.negative_max_ttl = u32(cfg, "negative_max_ttl", s.negative_max_ttl);
  if (s.min_ttl > s.max_ttl) throw app::config_error("dns.min_ttl: larger than dns.max_ttl");
  s.serve_stale = cfg.get_bool(sec, "serve_stale", s.serve_stale);
  s.prefetch = cfg.get_bool(sec, "prefetch", s.prefetch);
  s.trace = trace;
  return s;
}

}  // namespace l7::dns::server
