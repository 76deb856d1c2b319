// SASLprep (RFC 4013), as far as it goes without Unicode tables: the user names and passwords
// of SCRAM (RFC 5802 §5.1) pass through it before they are compared or hashed.
//
// Done: the input must be UTF-8 (RFC 3629); non-ASCII spaces (RFC 3454 C.1.2) become U+0020;
// the "commonly mapped to nothing" characters (B.1) are removed; the prohibited characters of
// RFC 4013 §2.3 are refused: ASCII and non-ASCII controls (C.2.1, C.2.2), private use (C.3),
// non-characters (C.4), surrogates (C.5, by the UTF-8 check), C.6 to C.9.
// Not done (the gap, documented in docs/mail.md): NFKC normalization (§2.2), the bidi rule
// (§2.5) and the check for unassigned code points. ASCII strings, the common case and every
// account name here, are not affected by either: for them the result is exact.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace l7 {

// The prepared string, or nullopt when `s` is not UTF-8, holds a prohibited character, or
// prepares to the empty string.
std::optional<std::string> saslprep(std::string_view s);

}  // namespace l7
