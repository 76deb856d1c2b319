#include "dns/codec/name_wire.hpp"

#include <limits>
#include <vector>

#include "dns/codec/error.hpp"

namespace l7::dns {
namespace {

constexpr std::size_t header_size = 12;
constexpr int max_hops = 127;  // a name has at most 127 labels

// Checks a pointer found at `at` to `target`, given the start of the current run of labels.
std::error_code check_pointer(std::size_t at, std::size_t target, std::size_t run_start) {
  if (target > at) return error::bad_pointer;            // forward or past the end
  if (target >= run_start) return error::pointer_loop;   // into this run, or itself
  if (target < header_size) return error::bad_pointer;   // into the header
  return {};
}

}  // namespace

name read_name(byte_reader& r, std::error_code& ec) {
  const auto msg = r.whole();
  std::size_t pos = r.position();
  std::size_t run_start = pos;
  std::size_t resume = std::numeric_limits<std::size_t>::max();
  std::size_t total = 1;
  int hops = 0;
  std::vector<std::string> labels;
  for (;;) {
    if (pos >= msg.size()) { ec = error::truncated; return {}; }
    const auto len = std::to_integer<std::uint8_t>(msg[pos]);
    if ((len & 0xc0) == 0xc0) {
      if (pos + 1 >= msg.size()) { ec = error::truncated; return {}; }
      const std::size_t target =
          (std::size_t(len & 0x3f) << 8) | std::to_integer<std::size_t>(msg[pos + 1]);
      if (auto e = check_pointer(pos, target, run_start)) { ec = e; return {}; }
      if (++hops > max_hops) { ec = error::pointer_loop; return {}; }
      if (resume == std::numeric_limits<std::size_t>::max()) resume = pos + 2;
      pos = run_start = target;
      continue;
    }
    if ((len & 0xc0) != 0) { ec = error::bad_label_type; return {}; }  // RFC 6891 §5
    if (len == 0) { ++pos; break; }
    total += 1 + std::size_t(len);
    if (total > max_name_length) { ec = error::name_too_long; return {}; }
    if (pos + 1 + len > msg.size()) { ec = error::truncated; return {}; }
    labels.emplace_back(reinterpret_cast<const char*>(msg.data()) + pos + 1, len);
    pos += 1 + std::size_t(len);
  }
  r.seek(resume == std::numeric_limits<std::size_t>::max() ? pos : resume);
  return name::from_labels(std::move(labels), ec);
}

void name_compressor::write(byte_writer& w, const name& n, bool compress) {
  const std::string key = n.canonical_wire();
  std::size_t key_at = 0;
  for (const auto& label : n.labels()) {
    if (compress) {
      std::string suffix = key.substr(key_at);
      if (auto it = offsets_.find(suffix); it != offsets_.end()) {
        w.u16(static_cast<std::uint16_t>(0xc000 | it->second));
        return;
      }
      const std::size_t offset = w.size() - base_;
      if (offset < 0x4000) offsets_.emplace(std::move(suffix), static_cast<std::uint16_t>(offset));
    }
    w.u8(static_cast<std::uint8_t>(label.size()));
    w.text(label);
    key_at += 1 + label.size();
  }
  w.u8(0);
}

void name_compressor::rollback(std::size_t size) {
  const std::size_t limit = size - base_;
  std::erase_if(offsets_, [limit](const auto& kv) { return kv.second >= limit; });
}

}  // namespace l7::dns
