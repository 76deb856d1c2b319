// Message framing fields (RFC 9112 §6): Content-Length and Transfer-Encoding. Internal.
#pragma once

#include <cstdint>
#include <optional>

#include "http/codec/message.hpp"

namespace l7::http::detail {

struct content_length_field {
  bool present = false;
  bool valid = false;
  std::uint64_t value = 0;
};

// RFC 9110 §8.6, RFC 9112 §6.3 item 5: every Content-Length line and list element must be the
// same decimal number; anything else is invalid.
content_length_field parse_content_length(const fields& headers);

struct transfer_codings {
  bool present = false;
  bool valid = true;          // every element a token (parameters allowed)
  int chunked = 0;            // how many times chunked appears
  bool chunked_last = false;  // chunked is the final coding
  bool others = false;        // some coding other than chunked
};

// Transfer-Encoding = #transfer-coding (RFC 9112 §6.1), across all field lines.
transfer_codings parse_transfer_encoding(const fields& headers);

}  // namespace l7::http::detail
