// Base64 (RFC 4648 §4) and base64url (§5). Decoding is strict: wrong padding, characters outside
// the alphabet or non-zero trailing bits fail. base64url accepts missing padding (RFC 8484 uses it).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace l7 {

std::string base64_encode(std::span<const std::byte> data);
std::string base64_encode(std::string_view data);
std::optional<std::string> base64_decode(std::string_view text);

std::string base64url_encode(std::span<const std::byte> data, bool pad = false);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace l7
