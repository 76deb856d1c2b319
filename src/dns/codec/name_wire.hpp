// Names on the wire (RFC 1035 §3.1, §4.1.4): decoding with compression pointers, encoding with
// a per-message compression table. Both work on a whole message: pointers are offsets from the
// first header octet.
#pragma once

#include <cstdint>
#include <string>
#include <system_error>
#include <unordered_map>

#include "core/bytes.hpp"
#include "dns/codec/name.hpp"

namespace l7::dns {

// Reads the name at r.position(); r.whole() must be the whole message. On success r is left
// after the name (after the first pointer when compressed). Every pointer must point strictly
// before the start of the run of labels that contains it (so loops are impossible), after the
// 12-octet header. Errors: truncated, bad_pointer (forward, into the header), pointer_loop
// (into the name itself, or too many hops), bad_label_type (0x40/0x80), name_too_long.
name read_name(byte_reader& r, std::error_code& ec);

// Remembers where each name suffix was written so later names can point at it. Keys ignore
// ASCII case. Only offsets below 0x4000 can be pointed at. Owned by one encode call.
class name_compressor {
 public:
  // `base` is the writer size at the first header octet.
  explicit name_compressor(std::size_t base) : base_(base) {}

  // Writes `n`; when `compress`, replaces the longest suffix already written by a pointer and
  // records the new suffixes. Uncompressed names (RFC 3597 §4) are neither shortened nor recorded.
  void write(byte_writer& w, const name& n, bool compress);
  // Forgets every suffix recorded at or after writer size `size` (records dropped on truncation).
  void rollback(std::size_t size);

 private:
  std::size_t base_;
  std::unordered_map<std::string, std::uint16_t> offsets_;
};

}  // namespace l7::dns
