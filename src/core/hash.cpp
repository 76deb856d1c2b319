#include "core/hash.hpp"

#include <openssl/evp.h>

#include <stdexcept>

#include "core/bytes.hpp"

namespace l7 {
namespace {

template <std::size_t N>
std::array<std::byte, N> digest(const EVP_MD* md, std::span<const std::byte> data) {
  std::array<std::byte, N> out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &len, md,
                 nullptr) != 1 ||
      len != N)
    throw std::runtime_error("EVP_Digest failed");
  return out;
}

}  // namespace

sha1_digest sha1(std::span<const std::byte> data) { return digest<20>(EVP_sha1(), data); }
sha1_digest sha1(std::string_view data) { return sha1(as_bytes(data)); }
sha256_digest sha256(std::span<const std::byte> data) { return digest<32>(EVP_sha256(), data); }
sha256_digest sha256(std::string_view data) { return sha256(as_bytes(data)); }

std::string to_hex(std::span<const std::byte> data) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (auto b : data) {
    auto v = std::to_integer<unsigned>(b);
    out += hex[v >> 4];
    out += hex[v & 15];
  }
  return out;
}

}  // namespace l7
