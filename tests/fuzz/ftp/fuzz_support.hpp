// Helpers shared by the FTP fuzz targets. The cuts that split an input into pieces are drawn
// from a generator seeded with a hash of the input itself, so a corpus file replayed under GCC
// is cut exactly as it was when libFuzzer ran it, and any mutation moves the cuts too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace l7::ftp::fuzzing {

[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "ftp fuzz: invariant broken: %s\n", what);
  std::abort();
}

inline void check(bool ok, const char* what) {
  if (!ok) fail(what);
}


inline std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  return h;
}

// Piece sizes as a socket might deliver them: mostly single bytes and small reads (where a
// CR LF or a number gets cut), sometimes a large one.
class piece_sizes {
 public:
  explicit piece_sizes(std::uint64_t seed) : state_(seed | 1) {}

  std::size_t next() {
    const std::uint64_t r = step();
    static constexpr std::size_t caps[] = {1, 3, 17, 4096};
    return 1 + static_cast<std::size_t>((r >> 8) % caps[r & 3]);
  }
  std::uint64_t bits() { return step(); }

 private:
  std::uint64_t step() {  // xorshift64
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  std::uint64_t state_;
};

}  // namespace l7::ftp::fuzzing
