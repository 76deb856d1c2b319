// Data-connection addresses in FTP commands and replies:
//   PORT h1,h2,h3,h4,p1,p2               RFC 959 §4.1.2
//   227 Entering Passive Mode (h1,...,p2) RFC 959 §4.1.2 / RFC 1123 §4.1.2.6
//   EPRT |1|132.235.1.2|6275|            RFC 2428 §2 (any delimiter in 33..126)
//   229 Entering Extended Passive Mode (|||6446|)  RFC 2428 §3
// Parsing is strict about numbers (each part 0..255, no signs, no empty parts); the 227 text
// is scanned for the first digit as RFC 1123 §4.1.2.6 tells clients to do.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/ip_address.hpp"

namespace l7::ftp {

struct data_address {
  ip_address address;
  std::uint16_t port = 0;
  friend bool operator==(const data_address&, const data_address&) = default;
};

// PORT's argument; IPv4 only.
std::optional<data_address> parse_port_argument(std::string_view arg);
std::string format_port_argument(const data_address& a);  // a must be IPv4

// EPRT's argument: protocol 1 = IPv4, 2 = IPv6.
std::optional<data_address> parse_eprt_argument(std::string_view arg);
std::string format_eprt_argument(const data_address& a);

// EPSV's optional argument: "", "1", "2" or "ALL" (RFC 2428 §3).
enum class epsv_arg { none, v4, v6, all, unsupported_protocol, invalid };
epsv_arg parse_epsv_argument(std::string_view arg);

// The text of a 227 reply, and a client's reading of one.
std::string format_pasv_text(const data_address& a);  // a must be IPv4
std::optional<data_address> parse_pasv_text(std::string_view text);

// The text of a 229 reply (the port only), and a client's reading of one.
std::string format_epsv_text(std::uint16_t port);
std::optional<std::uint16_t> parse_epsv_text(std::string_view text);

}  // namespace l7::ftp
