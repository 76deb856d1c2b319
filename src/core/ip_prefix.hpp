// Address prefixes ("10.0.0.0/8", "::1/128", or a bare address meaning a host prefix) for ACLs:
// who may recurse, who may transfer a zone, who is exempt from rate limits. IPv4-mapped IPv6
// addresses match IPv4 prefixes, so a dual-stack socket's peers compare naturally.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.hpp"

namespace l7 {

class ip_prefix {
 public:
  ip_prefix() = default;
  // Bits past `length` are cleared. length is capped at 32 (IPv4) or 128 (IPv6).
  ip_prefix(ip_address address, unsigned length);

  // "a.b.c.d/n", "x::y/n" or a bare address (a /32 or /128). Non-zero host bits are accepted
  // and cleared, as routers do. nullopt on bad syntax or an over-long length.
  static std::optional<ip_prefix> parse(std::string_view text);

  bool contains(const ip_address& a) const;
  const ip_address& address() const { return address_; }
  unsigned length() const { return length_; }
  std::string to_string() const;

  friend bool operator==(const ip_prefix&, const ip_prefix&) = default;

 private:
  ip_address address_;
  unsigned length_ = 0;
};

// `a` with everything past `length` bits cleared (IPv4-mapped addresses are unmapped first).
ip_address mask_address(const ip_address& a, unsigned length);

// A list of prefixes; an empty list matches nothing.
struct ip_acl {
  std::vector<ip_prefix> prefixes;
  bool contains(const ip_address& a) const {
    for (const auto& p : prefixes)
      if (p.contains(a)) return true;
    return false;
  }
  // Parses every entry; on the first bad one returns nullopt and names it in `bad`.
  static std::optional<ip_acl> parse(const std::vector<std::string>& entries, std::string* bad);
};

}  // namespace l7
