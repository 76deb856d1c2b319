// ENVELOPE and BODY / BODYSTRUCTURE (RFC 9051 §7.5.2, §9 "envelope", "body") built from the
// mail codec's parsed message (mail/codec/mime.hpp). Header values are sent as written
// (RFC 2047 words stay encoded); strings are chosen by append_string (encode.hpp), so `utf8`
// lets raw UTF-8 go quoted (RFC 9051) instead of as literals.
// Preconditions: `mime` was parsed from `message` (parse_mime) and `part` indexes mime.parts.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "mail/codec/header.hpp"
#include "mail/codec/mime.hpp"

namespace l7::imap {

// "(date subject from sender reply-to to cc bcc in-reply-to message-id)"; Sender and Reply-To
// default to From when absent or empty; groups become (NIL NIL "name" NIL) ... (NIL NIL NIL NIL).
void append_envelope(std::string& out, const mail::header_section& header, bool utf8 = false);

// BODYSTRUCTURE when `extensible` (with MD5, disposition, language, location and multipart
// parameters), else BODY (RFC 9051 §6.4.5: the non-extensible form).
void append_body_structure(std::string& out, std::string_view message,
                           const mail::mime_message& mime, std::size_t part, bool extensible,
                           bool utf8 = false);

}  // namespace l7::imap
