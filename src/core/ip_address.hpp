// IPv4 and IPv6 addresses without Asio: parsing (RFC 4291 §2.2 text forms, including
// embedded IPv4 and "::") and canonical text per RFC 5952 §4 (lowercase, no leading zeros,
// the longest run of two or more zero groups compressed, the first on ties).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace l7 {

class ip_address {
 public:
  ip_address() = default;  // 0.0.0.0
  static ip_address v4(std::array<std::uint8_t, 4> b);
  static ip_address v6(std::array<std::uint8_t, 16> b);

  // Accepts dotted-quad IPv4 (four decimal parts, no leading zeros beyond "0") or IPv6.
  // A "%zone" suffix and brackets are not accepted here.
  static std::optional<ip_address> parse(std::string_view text);

  bool is_v4() const { return !v6_; }
  bool is_v6() const { return v6_; }
  // IPv4 in the first 4 bytes when is_v4().
  const std::array<std::uint8_t, 16>& bytes() const { return bytes_; }
  bool is_loopback() const;
  bool is_unspecified() const;
  bool is_v4_mapped() const;  // ::ffff:a.b.c.d
  // ::ffff:a.b.c.d -> a.b.c.d; anything else unchanged.
  ip_address unmapped() const;

  // RFC 5952 text for IPv6, dotted quad for IPv4; ::ffff:a.b.c.d keeps the dotted tail (§5).
  std::string to_string() const;

  friend bool operator==(const ip_address&, const ip_address&) = default;

 private:
  std::array<std::uint8_t, 16> bytes_{};
  bool v6_ = false;
};

// "host:port", "[v6]:port", "v4" ... into address text and port. Used for config and CLI
// values. nullopt when malformed or the port is outside 0..65535.
struct host_port {
  std::string host;
  std::uint16_t port = 0;
};
std::optional<host_port> parse_host_port(std::string_view text, std::uint16_t default_port);
// "[::1]:80" or "127.0.0.1:80" (brackets for IPv6, RFC 5952 §6).
std::string format_endpoint(const ip_address& a, std::uint16_t port);

}  // namespace l7
