// BODY[section] and BINARY[section] contents (RFC 9051 §6.4.5, RFC 3516 §4.1) from a message
// held in memory and its MIME tree (mail/codec/mime.hpp), and <partial> slicing.
// Preconditions: `mime` was parsed from `message`. Results are copies (HEADER.FIELDS has to be
// assembled anyway); nullopt when the section does not exist (the server answers NIL or "",
// RFC 9051 §6.4.5 leaves the choice, Dovecot sends NIL) or, for BINARY, when the part is a
// multipart or its transfer encoding cannot be undone (answer NO [UNKNOWN-CTE], RFC 3516 §4.3).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "imap/codec/types.hpp"
#include "mail/codec/mime.hpp"

namespace l7::imap {

// HEADER / HEADER.FIELDS / HEADER.FIELDS.NOT / TEXT of the message or of the message
// encapsulated in part N; MIME of part N; part N's body; the whole message for "[]".
std::optional<std::string> section_content(std::string_view message,
                                           const mail::mime_message& mime, const section& s);

// BINARY[part]: part's body with its Content-Transfer-Encoding undone.
std::optional<std::string> binary_content(std::string_view message,
                                          const mail::mime_message& mime, const section& s);

// <offset.length>: the bytes [offset, offset + length) that exist (RFC 9051 §6.4.5: an
// offset past the end gives an empty string).
std::string_view apply_partial(std::string_view data, const std::optional<partial>& p);

}  // namespace l7::imap
