// EDNS(0) (RFC 6891): the OPT pseudo-RR's fields, kept out of the additional section, and typed
// helpers for common options. Options are stored raw; the helpers validate on demand so a server
// can answer a malformed option with FORMERR (RFC 7871 §7.1.1) while an analyzer keeps going.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "core/ip_address.hpp"

namespace l7::dns {

namespace option_code {
inline constexpr std::uint16_t client_subnet = 8, cookie = 10, padding = 12,
                               extended_error = 15;
}

struct edns_option {
  std::uint16_t code = 0;
  std::vector<std::byte> data;
  friend bool operator==(const edns_option&, const edns_option&) = default;
};

// RFC 6891 §6.1.2-6.1.3: CLASS carries the payload size, TTL the extended RCODE, version and
// flags (DO is the top flag bit; `flags` holds the other 15 bits as received).
struct edns {
  std::uint16_t udp_payload_size = 1232;
  std::uint8_t extended_rcode = 0;  // upper 8 bits of the 12-bit RCODE
  std::uint8_t version = 0;
  bool dnssec_ok = false;
  std::uint16_t flags = 0;  // Z bits other than DO, must be zero when sent
  std::vector<edns_option> options;
  friend bool operator==(const edns&, const edns&) = default;
};

// RFC 7871 §6. `address` holds the full address; only ceil(source_prefix / 8) octets travel.
struct client_subnet {
  std::uint8_t source_prefix = 0;
  std::uint8_t scope_prefix = 0;
  ip_address address;  // v4 -> FAMILY 1, v6 -> FAMILY 2
  friend bool operator==(const client_subnet&, const client_subnet&) = default;
};
// Errors (bad_option): unknown family, prefix over the family's length, address length not
// ceil(source/8), non-zero bits after the source prefix (RFC 7871 §6).
std::optional<client_subnet> parse_client_subnet(const edns_option& o, std::error_code& ec);
// The option for `s`, with the address masked to the source prefix.
edns_option make_option(const client_subnet& s);

// RFC 7873 §4: an 8-octet client cookie and an optional 8..32-octet server cookie.
struct cookie {
  std::array<std::byte, 8> client{};
  std::vector<std::byte> server;
  friend bool operator==(const cookie&, const cookie&) = default;
};
// Errors (bad_option): total length not 8 or 16..40 (RFC 7873 §5.2.2).
std::optional<cookie> parse_cookie(const edns_option& o, std::error_code& ec);
edns_option make_option(const cookie& c);

// RFC 7830: `length` zero octets.
edns_option make_padding(std::size_t length);

// RFC 8914 §2: INFO-CODE and optional UTF-8 EXTRA-TEXT.
struct extended_error {
  std::uint16_t info_code = 0;
  std::string extra_text;
  friend bool operator==(const extended_error&, const extended_error&) = default;
};
// Errors (bad_option): shorter than 2 octets, EXTRA-TEXT not UTF-8.
std::optional<extended_error> parse_extended_error(const edns_option& o, std::error_code& ec);
edns_option make_option(const extended_error& e);

// Presentation of one option for the OPT pseudosection ("COOKIE: 0102...", "CLIENT-SUBNET:
// 192.0.2.0/24/0", "EDE: 18: \"text\"", or "OPTnn: hex").
std::string to_string(const edns_option& o);

}  // namespace l7::dns
