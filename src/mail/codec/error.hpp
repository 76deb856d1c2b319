// Errors reported by the mail message codec (RFC 5322 header sections, MIME trees). Limits are
// errors; malformed syntax is not: the parsers are lenient and flag what they could not
// understand on the field or part instead (real-world mail is full of it).
#pragma once

#include <system_error>

namespace l7::mail {

enum class error {
  header_too_large = 1,  // header section exceeds limits.max_header_bytes
  too_many_fields,       // more than limits.max_fields fields in one header section
  line_too_long,         // a header line exceeds limits.max_line (RFC 5322 §2.1.1 says 998)
  nesting_too_deep,      // multipart / message nesting exceeds limits.max_depth
  too_many_parts,        // more than limits.max_parts body parts in one message
};

const std::error_category& category();
std::error_code make_error_code(error e);

}  // namespace l7::mail

template <>
struct std::is_error_code_enum<l7::mail::error> : std::true_type {};
