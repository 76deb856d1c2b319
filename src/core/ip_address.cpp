#include "core/ip_address.hpp"

#include <cstdio>

#include "core/text.hpp"

namespace l7 {
namespace {

std::optional<std::array<std::uint8_t, 4>> parse_v4(std::string_view s) {
  std::array<std::uint8_t, 4> out{};
  auto parts = split(s, '.');
  if (parts.size() != 4) return std::nullopt;
  for (std::size_t i = 0; i < 4; ++i) {
    auto p = parts[i];
    if (p.empty() || p.size() > 3 || (p.size() > 1 && p[0] == '0')) return std::nullopt;
    auto v = parse_uint(p);
    if (!v || *v > 255) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(*v);
  }
  return out;
}

// Parses up to `max_groups` colon-separated hex groups (an embedded IPv4 tail counts as two
// when allowed). Returns the 16-bit groups in order.
std::optional<std::vector<std::uint16_t>> parse_groups(std::string_view s, bool allow_v4_tail) {
  std::vector<std::uint16_t> groups;
  if (s.empty()) return groups;
  auto parts = split(s, ':');
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto p = parts[i];
    if (allow_v4_tail && i + 1 == parts.size() && p.find('.') != std::string_view::npos) {
      auto v4 = parse_v4(p);
      if (!v4) return std::nullopt;
      groups.push_back(static_cast<std::uint16_t>(((*v4)[0] << 8) | (*v4)[1]));
      groups.push_back(static_cast<std::uint16_t>(((*v4)[2] << 8) | (*v4)[3]));
      break;
    }
    if (p.empty() || p.size() > 4) return std::nullopt;
    auto v = parse_hex(p);
    if (!v) return std::nullopt;
    groups.push_back(static_cast<std::uint16_t>(*v));
  }
  return groups;
}

std::optional<std::array<std::uint8_t, 16>> parse_v6(std::string_view s) {
  auto gap = s.find("::");
  std::vector<std::uint16_t> all;
  if (gap == std::string_view::npos) {
    auto g = parse_groups(s, true);
    if (!g || g->size() != 8) return std::nullopt;
    all = *g;
  } else {
    auto head = parse_groups(s.substr(0, gap), false);
    auto tail = parse_groups(s.substr(gap + 2), true);
    if (!head || !tail || head->size() + tail->size() > 7) return std::nullopt;
    if (s.substr(gap + 2).find("::") != std::string_view::npos) return std::nullopt;
    all = *head;
    all.resize(8 - tail->size(), 0);
    all.insert(all.end(), tail->begin(), tail->end());
  }
  std::array<std::uint8_t, 16> out{};
  for (std::size_t i = 0; i < 8; ++i) {
    out[2 * i] = static_cast<std::uint8_t>(all[i] >> 8);
    out[2 * i + 1] = static_cast<std::uint8_t>(all[i] & 0xff);
  }
  return out;
}

}  // namespace

ip_address ip_address::v4(std::array<std::uint8_t, 4> b) {
  ip_address a;
  std::copy(b.begin(), b.end(), a.bytes_.begin());
  return a;
}

ip_address ip_address::v6(std::array<std::uint8_t, 16> b) {
  ip_address a;
  a.bytes_ = b;
  a.v6_ = true;
  return a;
}

std::optional<ip_address> ip_address::parse(std::string_view text) {
  if (text.find(':') == std::string_view::npos) {
    auto v = parse_v4(text);
    if (!v) return std::nullopt;
    return v4(*v);
  }
  auto v = parse_v6(text);
  if (!v) return std::nullopt;
  return v6(*v);
}

bool ip_address::is_v4_mapped() const {
  if (!v6_) return false;
  for (int i = 0; i < 10; ++i)
    if (bytes_[i] != 0) return false;
  return bytes_[10] == 0xff && bytes_[11] == 0xff;
}

ip_address ip_address::unmapped() const {
  if (!is_v4_mapped()) return *this;
  return v4({bytes_[12], bytes_[13], bytes_[14], bytes_[15]});
}

bool ip_address::is_loopback() const {
  if (!v6_) return bytes_[0] == 127;
  if (is_v4_mapped()) return bytes_[12] == 127;
  for (int i = 0; i < 15; ++i)
    if (bytes_[i] != 0) return false;
  return bytes_[15] == 1;
}

bool ip_address::is_unspecified() const {
  std::size_t n = v6_ ? 16 : 4;
  for (std::size_t i = 0; i < n; ++i)
    if (bytes_[i] != 0) return false;
  return true;
}

std::string ip_address::to_string() const {
  char buf[64];
  if (!v6_) {
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", bytes_[0], bytes_[1], bytes_[2], bytes_[3]);
    return buf;
  }
  if (is_v4_mapped()) {  // RFC 5952 §5
    std::snprintf(buf, sizeof buf, "::ffff:%u.%u.%u.%u", bytes_[12], bytes_[13], bytes_[14],
                  bytes_[15]);
    return buf;
  }
  std::uint16_t g[8];
  for (int i = 0; i < 8; ++i) g[i] = static_cast<std::uint16_t>((bytes_[2 * i] << 8) | bytes_[2 * i + 1]);
  // RFC 5952 §4.2: compress the longest run of >= 2 zero groups, the first one on ties.
  int best = -1, best_len = 1;
  for (int i = 0; i < 8;) {
    if (g[i] != 0) { ++i; continue; }
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len) { best = i; best_len = j - i; }
    i = j;
  }
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::snprintf(buf, sizeof buf, "%x", g[i]);  // §4.1 no leading zeros, §4.3 lowercase
    out += buf;
  }
  return out;
}

std::optional<host_port> parse_host_port(std::string_view text, std::uint16_t default_port) {
  host_port out{std::string{}, default_port};
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = std::string(text.substr(1, close - 1));
    auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port_text = rest.substr(1);
      if (port_text.empty()) return std::nullopt;
    }
  } else {
    auto colon = text.rfind(':');
    // More than one colon without brackets: a bare IPv6 address, no port.
    if (colon != std::string_view::npos && text.find(':') == colon) {
      out.host = std::string(text.substr(0, colon));
      port_text = text.substr(colon + 1);
      if (port_text.empty()) return std::nullopt;
    } else {
      out.host = std::string(text);
    }
  }
  if (out.host.empty()) return std::nullopt;
  if (!port_text.empty()) {
    auto p = parse_uint(port_text);
    if (!p || *p > 65535) return std::nullopt;
    out.port = static_cast<std::uint16_t>(*p);
  }
  return out;
}

std::string format_endpoint(const ip_address& a, std::uint16_t port) {
  auto text = a.to_string();
  if (a.is_v6()) return "[" + text + "]:" + std::to_string(port);
  return text + ":" + std::to_string(port);
}

}  // namespace l7
