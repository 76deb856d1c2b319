// Modified UTF-7 mailbox names (RFC 3501 §5.1.3; still used by IMAP4rev1 clients, RFC 9051
// §5.1 / Appendix A): printable ASCII stands for itself, "&-" is "&", and "&...-" holds UTF-16
// in modified base64 (',' for '/', no padding).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace l7::imap {

// UTF-8 to modified UTF-7. `utf8` must be valid UTF-8 (invalid bytes become U+FFFD).
std::string encode_mutf7(std::string_view utf8);
// Modified UTF-7 to UTF-8; nullopt when not canonical RFC 3501 §5.1.3 (an 8-bit byte, a bad
// base64 run, a lone surrogate, bits left over, an encoded printable ASCII character).
std::optional<std::string> decode_mutf7(std::string_view text);

}  // namespace l7::imap
