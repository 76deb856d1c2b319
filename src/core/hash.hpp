// Message digests through OpenSSL's EVP interface (the header does not expose OpenSSL).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace l7 {

using sha1_digest = std::array<std::byte, 20>;
using sha256_digest = std::array<std::byte, 32>;

sha1_digest sha1(std::span<const std::byte> data);
sha1_digest sha1(std::string_view data);
sha256_digest sha256(std::span<const std::byte> data);
sha256_digest sha256(std::string_view data);

// Lowercase hex of any byte range.
std::string to_hex(std::span<const std::byte> data);

}  // namespace l7
