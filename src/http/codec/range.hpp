// Byte range requests (RFC 9110 §14): the Range header against a representation of known size,
// Content-Range values, and the framing of a multipart/byteranges body (§14.6).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace l7::http {

struct byte_range {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
  std::uint64_t length() const { return last - first + 1; }
  friend bool operator==(const byte_range&, const byte_range&) = default;
};

enum class range_status {
  none,           // no usable Range: send the whole representation (200)
  satisfiable,    // send `ranges` (206)
  unsatisfiable,  // 416 with "Content-Range: bytes */size"
};

struct range_result {
  range_status status = range_status::none;
  std::vector<byte_range> ranges;  // sorted, non-overlapping, non-adjacent; clamped to size
};

// At most this many range-specs are considered; a longer set is ignored (200), which
// RFC 9110 §14.2 allows and which defeats many-small-ranges denial of service.
inline constexpr std::size_t max_byte_ranges = 16;

// Evaluates a Range field value ("bytes=0-499, -500, 9500-") for a representation of `size`
// bytes (RFC 9110 §14.1.2, §14.2). A malformed value, another unit, or too many ranges gives
// `none` (the field is ignored). Overlapping and adjacent ranges are coalesced and sorted.
range_result parse_range(std::string_view value, std::uint64_t size,
                         std::size_t max_ranges = max_byte_ranges);

// "bytes 0-499/1234" (RFC 9110 §14.4).
std::string format_content_range(std::uint64_t first, std::uint64_t last, std::uint64_t size);
// "bytes */1234", for a 416 response.
std::string format_unsatisfied_range(std::uint64_t size);

// The framing of a multipart/byteranges body (RFC 9110 §14.6, RFC 2046 §5.1). The body is
// part_headers[0], bytes of ranges[0], part_headers[1], bytes of ranges[1], ..., closing.
struct multipart_byteranges {
  std::string content_type;               // "multipart/byteranges; boundary=..."
  std::vector<std::string> part_headers;  // delimiter + Content-Type + Content-Range + CRLF
  std::string closing;                    // final delimiter
  std::uint64_t content_length = 0;       // whole body, for Content-Length
};

// `boundary` must be 1..70 characters allowed by RFC 2046 §5.1.1 (the caller picks it, e.g.
// random hex); `part_type` is the representation's media type (may be empty: no Content-Type).
multipart_byteranges make_multipart_byteranges(std::string_view boundary,
                                               std::string_view part_type,
                                               const std::vector<byte_range>& ranges,
                                               std::uint64_t size);

}  // namespace l7::http
