#include "dns/server/wire.hpp"

#include <algorithm>

#include "dns/codec/types.hpp"

namespace l7::dns::server {

std::size_t udp_budget(const message& query, std::uint16_t ours) {
  if (!query.opt) return 512;
  return std::min<std::size_t>(std::max<std::size_t>(query.opt->udp_payload_size, 512), ours);
}

void encode_response(const message& r, std::vector<std::byte>& out, std::size_t max) {
  if (!encode(r, out, max)) return;
  message fail;
  fail.hdr = r.hdr;
  fail.hdr.aa = false;
  fail.questions = r.questions;
  fail.opt = r.opt;
  if (fail.opt) fail.opt->options.clear();
  fail.set_rcode(rcode::servfail);
  if (!encode(fail, out, max)) return;
  fail.questions.clear();
  (void)encode(fail, out, max);
}

std::optional<std::vector<std::byte>> formerr_reply(std::span<const std::byte> q) {
  if (q.size() < 12) return std::nullopt;
  const auto flags1 = std::to_integer<std::uint8_t>(q[2]);
  if (flags1 & 0x80) return std::nullopt;  // a response: never answer those (no loops)
  std::vector<std::byte> out(12, std::byte{0});
  out[0] = q[0];
  out[1] = q[1];
  // QR, the opcode, RD as sent; RCODE 1.
  out[2] = std::byte(0x80 | (flags1 & 0x79));
  out[3] = std::byte{rcode::formerr};
  return out;
}

message truncated(const message& r) {
  message t;
  t.hdr = r.hdr;
  t.hdr.tc = true;
  t.questions = r.questions;
  t.opt = r.opt;
  return t;
}

}  // namespace l7::dns::server
