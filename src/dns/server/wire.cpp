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
  // QR and the opcode as sent, RD too for QUERY (the only opcode that defines it); RCODE 1.
  const bool is_query = (flags1 & 0x78) == 0;
  out[2] = std::byte(0x80 | (flags1 & (is_query ? 0x79 : 0x78)));
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

namespace {

// Skips one (possibly compressed) name; false when it runs off the end.
bool skip_name(std::span<const std::byte> w, std::size_t& at) {
  while (at < w.size()) {
    const auto len = std::to_integer<unsigned>(w[at]);
    if (len == 0) {
      ++at;
      return true;
    }
    if ((len & 0xc0) == 0xc0) {
      at += 2;
      return at <= w.size();
    }
    if (len & 0xc0) return false;
    at += 1 + len;
  }
  return false;
}

unsigned get16(std::span<const std::byte> w, std::size_t at) {
  return std::to_integer<unsigned>(w[at]) << 8 | std::to_integer<unsigned>(w[at + 1]);
}

}  // namespace

std::optional<std::vector<std::uint16_t>> ttl_offsets(std::span<const std::byte> w) {
  if (w.size() < 12 || w.size() > 65535) return std::nullopt;
  const unsigned qd = get16(w, 4);
  const unsigned records = get16(w, 6) + get16(w, 8) + get16(w, 10);
  std::size_t at = 12;
  for (unsigned i = 0; i < qd; ++i) {
    if (!skip_name(w, at) || at + 4 > w.size()) return std::nullopt;
    at += 4;
  }
  std::vector<std::uint16_t> out;
  for (unsigned i = 0; i < records; ++i) {
    if (!skip_name(w, at) || at + 10 > w.size()) return std::nullopt;
    const unsigned type = get16(w, at);
    if (type != rr_type::opt) out.push_back(static_cast<std::uint16_t>(at + 4));
    at += 10 + get16(w, at + 8);
    if (at > w.size()) return std::nullopt;
  }
  if (at != w.size()) return std::nullopt;
  return out;
}

}  // namespace l7::dns::server
