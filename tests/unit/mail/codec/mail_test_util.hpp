// Helpers shared by the mail codec tests.
#pragma once

#include <string>
#include <string_view>

namespace l7::mail::testing {

// Test texts are written with "\n"; mail uses CRLF.
inline std::string crlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

}  // namespace l7::mail::testing
