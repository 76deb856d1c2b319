#include "ftp/codec/host_port.hpp"

#include "core/text.hpp"

#include <array>
#include <charconv>

namespace l7::ftp {

namespace {

// A decimal number without sign or spaces, at most `max`.
std::optional<unsigned> number(std::string_view s, unsigned max) {
  if (s.empty() || s.size() > 5) return std::nullopt;
  unsigned v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v > max) return std::nullopt;
  return v;
}

// "h1,h2,h3,h4,p1,p2" exactly.
std::optional<data_address> six_numbers(std::string_view s) {
  auto parts = split(s, ',');
  if (parts.size() != 6) return std::nullopt;
  std::array<unsigned, 6> v{};
  for (std::size_t i = 0; i < 6; ++i) {
    auto n = number(parts[i], 255);
    if (!n) return std::nullopt;
    v[i] = *n;
  }
  data_address a;
  a.address = ip_address::v4({static_cast<std::uint8_t>(v[0]), static_cast<std::uint8_t>(v[1]),
                              static_cast<std::uint8_t>(v[2]), static_cast<std::uint8_t>(v[3])});
  a.port = static_cast<std::uint16_t>(v[4] * 256 + v[5]);
  return a;
}

}  // namespace

std::optional<data_address> parse_port_argument(std::string_view arg) { return six_numbers(arg); }

std::string format_port_argument(const data_address& a) {
  const auto& b = a.address.bytes();
  return std::to_string(b[0]) + ',' + std::to_string(b[1]) + ',' + std::to_string(b[2]) + ',' +
         std::to_string(b[3]) + ',' + std::to_string(a.port >> 8) + ',' + std::to_string(a.port & 0xff);
}

std::optional<data_address> parse_eprt_argument(std::string_view arg) {
  if (arg.size() < 2) return std::nullopt;
  const char d = arg.front();
  if (d < 33 || d > 126 || arg.back() != d) return std::nullopt;
  auto parts = split(arg.substr(1, arg.size() - 2), d);
  if (parts.size() != 3) return std::nullopt;
  auto proto = number(parts[0], 2);
  auto addr = ip_address::parse(parts[1]);
  auto port = number(parts[2], 65535);
  if (!proto || !addr || !port) return std::nullopt;
  if ((*proto == 1) != addr->is_v4() || *proto == 0) return std::nullopt;
  return data_address{*addr, static_cast<std::uint16_t>(*port)};
}

std::string format_eprt_argument(const data_address& a) {
  return std::string(a.address.is_v4() ? "|1|" : "|2|") + a.address.to_string() + '|' +
         std::to_string(a.port) + '|';
}

epsv_arg parse_epsv_argument(std::string_view arg) {
  if (arg.empty()) return epsv_arg::none;
  if (arg.size() == 3 && (arg[0] | 0x20) == 'a' && (arg[1] | 0x20) == 'l' && (arg[2] | 0x20) == 'l')
    return epsv_arg::all;
  auto n = number(arg, 65535);
  if (!n) return epsv_arg::invalid;
  if (*n == 1) return epsv_arg::v4;
  if (*n == 2) return epsv_arg::v6;
  return epsv_arg::unsupported_protocol;
}

std::string format_pasv_text(const data_address& a) {
  return "Entering Passive Mode (" + format_port_argument(a) + ").";
}

std::optional<data_address> parse_pasv_text(std::string_view text) {
  auto first = text.find_first_of("0123456789");
  if (first == std::string_view::npos) return std::nullopt;
  text.remove_prefix(first);
  auto end = text.find_first_not_of("0123456789,");
  return six_numbers(text.substr(0, end));
}

std::string format_epsv_text(std::uint16_t port) {
  return "Entering Extended Passive Mode (|||" + std::to_string(port) + "|)";
}

std::optional<std::uint16_t> parse_epsv_text(std::string_view text) {
  auto open = text.find('(');
  auto close = text.find(')', open == std::string_view::npos ? 0 : open);
  if (open == std::string_view::npos || close == std::string_view::npos) return std::nullopt;
  auto inner = text.substr(open + 1, close - open - 1);  // "|||port|" with any delimiter
  if (inner.size() < 5) return std::nullopt;
  const char d = inner[0];
  if (d < 33 || d > 126 || inner[1] != d || inner[2] != d || inner.back() != d) return std::nullopt;
  auto port = number(inner.substr(3, inner.size() - 4), 65535);
  if (!port || *port == 0) return std::nullopt;
  return static_cast<std::uint16_t>(*port);
}

}  // namespace l7::ftp
