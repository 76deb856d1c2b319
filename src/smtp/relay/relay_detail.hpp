// Internal to the relay (relay.cpp, relay_deliver.cpp): small helpers and the delivery target.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/ip_address.hpp"
#include "core/random.hpp"
#include "dns/codec/message.hpp"
#include "dns/codec/types.hpp"
#include "smtp/relay/relay.hpp"

namespace l7::smtp::relay::detail {

inline std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

inline std::uint32_t random_u32() {
  std::array<std::byte, 4> b;
  random_fill(b);
  std::uint32_t v;
  std::memcpy(&v, b.data(), sizeof v);
  return v;
}

inline dns::message failed_response(const dns::message& q) {
  dns::message r;
  r.hdr.id = q.hdr.id;
  r.hdr.qr = true;
  r.questions = q.questions;
  r.set_rcode(dns::rcode::servfail);
  return r;
}

}  // namespace l7::smtp::relay::detail

namespace l7::smtp::relay {

struct relay::target {
  std::string name;
  std::uint16_t port = 25;
  std::vector<ip_address> addresses;
  bool smarthost = false;
};

}  // namespace l7::smtp::relay
