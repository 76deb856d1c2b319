// Dot-stuffing of the line protocols' multi-line payloads: SMTP's DATA (RFC 5321 §4.5.2) and
// POP3's multi-line responses (RFC 1939 §3) put a '.' before every line that starts with one,
// and end with a line holding a single '.'. No I/O.
#pragma once

#include <string>
#include <string_view>

namespace l7 {

// Appends `content` to `out` dot-stuffed, with every line end (CRLF, bare LF or bare CR) sent
// as CRLF (RFC 5321 §2.3.8: no bare CR or LF on the wire) and a CRLF after a last line that
// has none. `terminate` appends the end line ".\r\n"; without it `content` may be fed in
// pieces, provided `line_start` is carried from one call to the next (true at first) and a
// piece does not end between the CR and LF of one line end.
void dot_stuff(std::string_view content, std::string& out, bool terminate = true);
void dot_stuff_piece(std::string_view piece, std::string& out, bool& line_start);

}  // namespace l7
