// Sans-I/O decisions of the relay: where mail for a domain goes (RFC 5321 §5.1, RFC 7505),
// when to try again, and what a reply means for a recipient.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.hpp"
#include "core/numeric_reply.hpp"

namespace l7::dns {
struct message;
}

namespace l7::smtp::relay {

struct mx_host {
  std::string name;  // without the trailing dot, lower case
  std::uint16_t preference = 0;
  friend bool operator==(const mx_host&, const mx_host&) = default;
};

enum class mx_outcome {
  hosts,      // `hosts` in the order to try
  no_domain,  // NXDOMAIN: permanent (5.1.2)
  null_mx,    // RFC 7505 "MX 0 .": the domain takes no mail (5.1.10)
  temporary,  // SERVFAIL, REFUSED, ...: try again later (4.4.3)
};

struct mx_result {
  mx_outcome outcome = mx_outcome::temporary;
  std::vector<mx_host> hosts;
  std::string detail;  // for the diagnostic when not `hosts`
};

// From the response to "domain IN MX". No MX records (NODATA) gives the implicit MX, the
// domain itself (§5.1). Equal preferences are shuffled with `random` (§5.1: "randomize").
// A null MX among other MX records is dropped (RFC 7505 §3 calls that a misconfiguration).
mx_result mx_hosts(const dns::message& response, std::string_view domain,
                   const std::function<std::uint32_t()>& random);

// The addresses of type `qtype` (A or AAAA) in the response's answer section (a resolver has
// followed CNAMEs there); empty on NXDOMAIN, NODATA or an error rcode.
std::vector<ip_address> addresses_of(const dns::message& response, std::uint16_t qtype);

// Seconds to wait after the `attempts`-th failed attempt (1, 2, ...): `first`, doubling, at
// most `max`.
std::chrono::seconds backoff(unsigned attempts, std::chrono::seconds first, std::chrono::seconds max);

// The enhanced status code of a reply (RFC 3463) when its first line starts with one whose
// class matches the reply's, else "C.0.0" from the reply code's class.
std::string enhanced_status(const numeric_reply& r);
// "550 5.1.1 No such user" from a reply, lines joined by spaces, control characters dropped.
std::string reply_line(const numeric_reply& r);

// The domain of an address ("User@Example.COM" -> "example.com"); "" without '@'.
std::string domain_of(std::string_view address);

}  // namespace l7::smtp::relay
