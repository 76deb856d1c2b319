// SVCB and HTTPS rdata (RFC 9460 §2.2): SvcPriority, TargetName (never compressed) and SvcParams
// kept as raw (key, value) pairs. Included by rdata.hpp; the detail functions are what rdata.cpp
// and rdata_text.cpp dispatch to.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "dns/codec/name.hpp"

namespace l7::dns {

namespace svc_key {  // RFC 9460 §14.3.2
inline constexpr std::uint16_t mandatory = 0, alpn = 1, no_default_alpn = 2, port = 3,
                               ipv4hint = 4, ech = 5, ipv6hint = 6;
}

struct svc_param {
  std::uint16_t key = 0;
  std::vector<std::byte> value;
  friend bool operator==(const svc_param&, const svc_param&) = default;
};

// `params` in strictly increasing key order; known keys must hold well-formed values (§7).
template <std::uint16_t Type>
struct service_binding {
  std::uint16_t priority = 1;  // 0: AliasMode (§2.4.2)
  name target;
  std::vector<svc_param> params;
  friend bool operator==(const service_binding&, const service_binding&) = default;
};
using svcb_rdata = service_binding<64>;
using https_rdata = service_binding<65>;

namespace detail {

// Reads SvcParams up to `end`; false when keys are not strictly increasing or a known key's
// value is malformed (RFC 9460 §2.2, §7).
bool read_svc_params(byte_reader& r, std::size_t end, std::vector<svc_param>& params);
// The same checks on the way out; false leaves `w` partly written (the caller discards it).
bool write_svc_params(byte_writer& w, const std::vector<svc_param>& params);
// "1 . alpn=h2,h3 port=443"; keys without a typed form as keyNNNNN="..." (§2.1).
std::string svcb_text(std::uint16_t priority, const name& target,
                      const std::vector<svc_param>& params);

}  // namespace detail
}  // namespace l7::dns
