// libFuzzer target: DNS message decoding, strict and lenient. Whatever decodes must encode, and
// the encoding must decode back to the same message and re-encode to the same octets.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "dns/codec/message.hpp"

namespace {

std::size_t record_count(const l7::dns::message& m) {
  return m.answers.size() + m.authority.size() + m.additional.size();
}

void check_round_trip(const l7::dns::message& m) {
  std::vector<std::byte> wire;
  if (l7::dns::encode(m, wire)) return;  // e.g. rdata the encoder refuses: no claim to check
  l7::dns::message again;
  std::error_code ec;
  if (l7::dns::decode(wire, again, ec) != wire.size() || ec) std::abort();
  // Our compression can be less thorough than the input's (RFC 3597 §4), so a message near 64 KiB
  // may legitimately lose records to the size limit.
  if (record_count(again) < record_count(m)) return;
  if (!(again == m)) std::abort();
  std::vector<std::byte> wire2;
  if (l7::dns::encode(again, wire2) || wire2 != wire) std::abort();
  (void)to_string(m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> input(reinterpret_cast<const std::byte*>(data), size);
  for (const bool lenient : {false, true}) {
    l7::dns::limits lim;
    lim.lenient = lenient;
    l7::dns::message m;
    std::error_code ec;
    const std::size_t used = l7::dns::decode(input, m, ec, lim);
    if (ec) continue;
    if (used > size || (!lenient && used != size)) std::abort();
    check_round_trip(m);
  }
  return 0;
}
