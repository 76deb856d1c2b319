// UTF-8 validation per RFC 3629: no overlong forms, no surrogates (U+D800..U+DFFF), nothing
// above U+10FFFF. The incremental validator fails at the first byte that cannot start or
// continue a valid sequence, so a stream split anywhere is judged the same as whole.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace l7 {

bool is_valid_utf8(std::string_view s);

class utf8_validator {
 public:
  // Feeds bytes; false as soon as they cannot be part of valid UTF-8 (state is then stuck).
  bool feed(std::span<const std::byte> data);
  bool feed(std::string_view data);
  // True when the bytes fed so far end on a character boundary.
  bool complete() const { return state_ == 0 && !failed_; }
  bool failed() const { return failed_; }
  void reset() { state_ = 0; failed_ = false; }

 private:
  std::uint32_t state_ = 0;  // DFA state: 0 = accept
  bool failed_ = false;
};

}  // namespace l7
