// What the three DNS web APIs (RFC 8484 DoH, the JSON API, HTTPDNS) share before any I/O: the
// query string, split once, and the HTTP status plus human-readable reason a bad request gets.
// Asio-free, so every rule here is unit-tested without sockets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

#include "core/ip_address.hpp"
#include "dns/codec/message.hpp"

namespace l7::dns::doh {

// A request the API refuses: the HTTP status (400, 413, 415) and a sentence saying why.
struct request_error {
  int status = 400;
  std::string message;
};

template <class T>
using result = tl::expected<T, request_error>;

inline tl::unexpected<request_error> fail(int status, std::string message) {
  return tl::unexpected(request_error{status, std::move(message)});
}

// The query string of a request target, decoded as application/x-www-form-urlencoded.
// Duplicate parameters: the first value wins (the Google JSON API does the same).
class query_params {
 public:
  // `query` without the '?'. Errors (400): a malformed %-escape in a name or value.
  static result<query_params> parse(std::string_view query);

  // The first value of `key`; "" for a bare "key" without '='.
  std::optional<std::string> get(std::string_view key) const;

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// A strict boolean flag as the JSON API takes it: "1"/"true" -> true, "0"/"false"/"" (or the
// parameter absent) -> false, case-insensitive. nullopt for anything else.
std::optional<bool> parse_flag(const std::optional<std::string>& value);

// Adds an RFC 7871 CLIENT-SUBNET option for `address`/`prefix` (address bits past the prefix
// are cleared), creating the OPT record when the query has none. `prefix` must not exceed
// the family's length (32 or 128).
void add_client_subnet(message& query, const ip_address& address, std::uint8_t prefix);

// A query as the web front ends build it: RD set, ID 0, one IN question.
message make_query(const name& qname, std::uint16_t qtype);

}  // namespace l7::dns::doh
