#include "core/ip_prefix.hpp"

#include "core/text.hpp"

namespace l7 {

ip_address mask_address(const ip_address& in, unsigned length) {
  ip_address a = in.unmapped();
  auto bytes = a.bytes();
  const unsigned total = a.is_v4() ? 4 : 16;
  for (unsigned i = 0; i < total; ++i) {
    const unsigned bit = i * 8;
    if (bit >= length) {
      bytes[i] = 0;
    } else if (bit + 8 > length) {
      bytes[i] &= static_cast<std::uint8_t>(0xff << (8 - (length - bit)));
    }
  }
  if (a.is_v4()) return ip_address::v4({bytes[0], bytes[1], bytes[2], bytes[3]});
  return ip_address::v6(bytes);
}

ip_prefix::ip_prefix(ip_address address, unsigned length) {
  address = address.unmapped();
  const unsigned max = address.is_v4() ? 32 : 128;
  length_ = length > max ? max : length;
  address_ = mask_address(address, length_);
}

std::optional<ip_prefix> ip_prefix::parse(std::string_view text) {
  auto slash = text.find('/');
  auto addr = ip_address::parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  const unsigned max = addr->is_v4() ? 32 : 128;
  unsigned length = max;
  if (slash != std::string_view::npos) {
    auto n = parse_uint(text.substr(slash + 1));
    if (!n || *n > max) return std::nullopt;
    length = static_cast<unsigned>(*n);
  }
  // A mapped address with a prefix is taken as written: ::ffff:10.0.0.0/104 is 10.0.0.0/8.
  if (addr->is_v4_mapped()) {
    if (length < 96) return std::nullopt;
    return ip_prefix(addr->unmapped(), length - 96);
  }
  return ip_prefix(*addr, length);
}

bool ip_prefix::contains(const ip_address& in) const {
  ip_address a = in.unmapped();
  if (a.is_v4() != address_.is_v4()) return false;
  return mask_address(a, length_) == address_;
}

std::string ip_prefix::to_string() const {
  return address_.to_string() + "/" + std::to_string(length_);
}

std::optional<ip_acl> ip_acl::parse(const std::vector<std::string>& entries, std::string* bad) {
  ip_acl acl;
  for (const auto& e : entries) {
    auto p = ip_prefix::parse(trim_ows(e));
    if (!p) {
      if (bad) *bad = e;
      return std::nullopt;
    }
    acl.prefixes.push_back(*p);
  }
  return acl;
}

}  // namespace l7
