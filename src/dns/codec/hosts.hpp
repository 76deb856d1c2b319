// /etc/hosts files (hosts(5)): one address per line followed by its canonical name and aliases,
// `#` starts a comment. Sans-I/O: the caller reads the file and hands over its text.
//
// Bad lines never stop the parse: each is skipped and, when `warnings` is given, reported as
// "line N: ...". Skipped: an address that is neither IPv4 nor IPv6, a line without names, a name
// that is not a valid domain name (empty label, label over 63 or name over 255 octets), and
// scoped IPv6 addresses (`fe80::1%eth0`), whose zone index a DNS answer cannot carry.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.hpp"
#include "dns/codec/name.hpp"

namespace l7::dns {

struct hosts_entry {
  ip_address address;
  std::vector<name> names;  // canonical name first, then the aliases; all absolute
  friend bool operator==(const hosts_entry&, const hosts_entry&) = default;
};

std::vector<hosts_entry> parse_hosts(std::string_view text, std::vector<std::string>* warnings);

}  // namespace l7::dns
