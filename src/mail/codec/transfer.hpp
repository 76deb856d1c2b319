// MIME content transfer encodings (RFC 2045 §6). Decoders are lenient, as mail readers must be:
// they never fail, they skip or keep what they cannot decode. Encoders produce what RFC 2045
// requires of a writer: lines of at most 76 characters ending in CRLF.
#pragma once

#include <string>
#include <string_view>

namespace l7::mail {

enum class transfer_encoding { seven_bit, eight_bit, binary, quoted_printable, base64, other };

// Content-Transfer-Encoding's value, case-insensitive (RFC 2045 §6.1); empty -> seven_bit.
transfer_encoding parse_transfer_encoding(std::string_view value);
// The RFC 2045 token for an encoding ("7bit", "base64", ...); "7bit" for `other`.
std::string_view to_string(transfer_encoding e);

// RFC 2045 §6.8, leniently: characters outside the alphabet (line breaks, junk) are skipped,
// '=' ends a quantum; a trailing partial quantum yields the bytes it holds.
std::string decode_base64(std::string_view text);
// RFC 2045 §6.7: "=XX" escapes (either case), soft line breaks ("=" then optional WSP then the
// line break), trailing WSP on a line dropped (rule 3); a bad escape is kept as written.
std::string decode_quoted_printable(std::string_view text);
// Decodes `body` as `e` says; identity, other and 7/8bit/binary return the body unchanged.
std::string decode_transfer(std::string_view body, transfer_encoding e);

// Base64 in lines of `line_length` characters (76 per RFC 2045 §6.8), each ending in CRLF.
std::string encode_base64_lines(std::string_view data, std::size_t line_length = 76);
// Quoted-printable (RFC 2045 §6.7): CRLF or LF in `text` become hard CRLF line breaks, lines
// are soft-broken before 76 characters, '=', controls, 8-bit bytes and WSP before a line break
// are escaped, and so is a leading '.' or "From " (safe through SMTP and mbox).
std::string encode_quoted_printable(std::string_view text);

}  // namespace l7::mail
