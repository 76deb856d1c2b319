// Answers from a hosts file (/etc/hosts format, parsed by dns/codec/hosts.hpp): A and AAAA for
// the names, PTR for the addresses (the first name given for an address is its PTR target, as
// the C library's gethostbyaddr does). Lookups are case-insensitive. Immutable once built;
// the server builds a new table when the file changes.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/ip_address.hpp"
#include "dns/codec/message.hpp"

namespace l7::dns::auth {

// The reverse-mapping name of an address: d.c.b.a.in-addr.arpa. (RFC 1035 §3.5) or the 32
// nibbles of ip6.arpa. (RFC 3596 §2.5). IPv4-mapped addresses map as IPv4.
name reverse_name(const ip_address& a);
// The inverse, for complete reverse names only (4 or 32 labels under the arpa zone).
std::optional<ip_address> address_from_reverse(const name& n);

class hosts_table {
 public:
  void add(const ip_address& address, const name& host);
  bool empty() const { return by_name_.empty(); }
  std::size_t size() const { return by_name_.size(); }

  // Fills `response` for A or AAAA of a known name (NODATA when it has only the other family)
  // and for PTR of a known address, with AA set. Returns false when the table has nothing for
  // the question (unknown name, or another type), leaving `response` untouched.
  bool answer(const question& q, message& response, std::uint32_t ttl) const;

 private:
  struct entry {
    name owner;
    std::vector<ip_address> v4, v6;
  };
  std::unordered_map<std::string, entry> by_name_;      // canonical wire -> addresses
  std::unordered_map<std::string, name> by_reverse_;    // canonical reverse name -> first host
};

}  // namespace l7::dns::auth
