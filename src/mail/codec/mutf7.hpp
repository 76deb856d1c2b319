// IMAP modified UTF-7 (RFC 3501 §5.1.3, kept by RFC 9051 §5.1 for IMAP4rev1 clients): the
// encoding of folder names on disk (Dovecot's Maildir++ default, src/mail/store) and of
// mailbox names to and from IMAP4rev1 clients (src/imap/codec).
// Pure functions, no state.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace l7::mail {

// UTF-8 -> modified UTF-7. Returns nullopt when `utf8` is not valid UTF-8.
std::optional<std::string> encode_mutf7(std::string_view utf8);
// Modified UTF-7 -> UTF-8. Returns nullopt for text that is not canonical modified UTF-7
// (bad base64, "&" not closed, printable ASCII inside a shift, unpaired surrogates).
std::optional<std::string> decode_mutf7(std::string_view mutf7);

}  // namespace l7::mail
