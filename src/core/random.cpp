#include "core/random.hpp"

#include <openssl/rand.h>

#include <array>
#include <cstring>
#include <stdexcept>

namespace l7 {
namespace {

void fill_direct(std::span<std::byte> out) {
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size())) != 1)
    throw std::runtime_error("RAND_bytes failed");
}

}  // namespace

void random_fill(std::span<std::byte> out) {
  constexpr std::size_t pool_size = 512;
  thread_local std::array<std::byte, pool_size> pool;
  thread_local std::size_t used = pool_size;
  if (out.size() > pool_size / 4) {
    fill_direct(out);
    return;
  }
  if (pool_size - used < out.size()) {
    fill_direct(pool);
    used = 0;
  }
  std::memcpy(out.data(), pool.data() + used, out.size());
  std::memset(pool.data() + used, 0, out.size());  // a byte is never handed out twice
  used += out.size();
}

}  // namespace l7
