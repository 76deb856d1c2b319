// Bounds-checked big-endian reader and writer for binary codecs (DNS, TFTP, MQTT, ...).
// The reader never throws: a read past the end sets a sticky failure flag and returns zeros,
// so a decoder checks ok() once after a group of reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace l7 {

inline std::span<const std::byte> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}
inline std::string_view as_chars(std::span<const std::byte> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

class byte_reader {
 public:
  explicit byte_reader(std::span<const std::byte> data) : data_(data) {}

  std::uint8_t u8() { return static_cast<std::uint8_t>(take_int(1)); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(take_int(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(take_int(4)); }
  std::uint64_t u64() { return take_int(8); }
  // n bytes, or an empty span (and failure) when fewer remain.
  std::span<const std::byte> bytes(std::size_t n) {
    if (n > remaining()) { failed_ = true; pos_ = data_.size(); return {}; }
    auto out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  void skip(std::size_t n) { bytes(n); }

  std::size_t position() const { return pos_; }
  // Moves to an absolute offset (for DNS compression pointers); fails past the end.
  void seek(std::size_t pos) {
    if (pos > data_.size()) { failed_ = true; pos_ = data_.size(); } else { pos_ = pos; }
  }
  std::size_t remaining() const { return data_.size() - pos_; }
  bool ok() const { return !failed_; }
  std::span<const std::byte> whole() const { return data_; }

 private:
  std::uint64_t take_int(std::size_t n) {
    if (n > remaining()) { failed_ = true; pos_ = data_.size(); return 0; }
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | std::to_integer<std::uint64_t>(data_[pos_ + i]);
    pos_ += n;
    return v;
  }

  std::span<const std::byte> data_;
  std::size_t pos_ = 0;
  bool failed_ = false;
};

// Appends big-endian values to a caller-owned vector.
class byte_writer {
 public:
  explicit byte_writer(std::vector<std::byte>& out) : out_(out) {}

  void u8(std::uint8_t v) { out_.push_back(std::byte{v}); }
  void u16(std::uint16_t v) { put_int(v, 2); }
  void u32(std::uint32_t v) { put_int(v, 4); }
  void u64(std::uint64_t v) { put_int(v, 8); }
  void bytes(std::span<const std::byte> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void text(std::string_view s) { bytes(as_bytes(s)); }
  // Overwrites a 16-bit value written earlier (length prefixes).
  void patch_u16(std::size_t at, std::uint16_t v) {
    out_.at(at) = std::byte(v >> 8);
    out_.at(at + 1) = std::byte(v & 0xff);
  }
  std::size_t size() const { return out_.size(); }

 private:
  void put_int(std::uint64_t v, std::size_t n) {
    for (std::size_t i = n; i-- > 0;) out_.push_back(std::byte((v >> (8 * i)) & 0xff));
  }
  std::vector<std::byte>& out_;
};

}  // namespace l7
