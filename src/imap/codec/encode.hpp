// Response encoding helpers (RFC 9051 §4, §7, §9): every function appends to a caller-owned
// std::string and never fails. Strings are written in the safest form that fits:
//   atom    (astrings only) non-empty, every byte an ASTRING-CHAR, and not "NIL";
//   quoted  no CR, LF or NUL, no 8-bit byte unless `utf8` (IMAP4rev2 / UTF8=ACCEPT, RFC 9051
//           §4.3, RFC 6855 §3) and the value is valid UTF-8; '"' and '\' are escaped;
//   literal everything else: "{n}\r\n" + bytes. A NUL byte can only travel in a literal8
//           (append_literal8, RFC 3516 §4.3), so the caller sends binary data that way.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "imap/codec/types.hpp"

namespace l7::imap {

void append_string(std::string& out, std::string_view value, bool utf8 = false);
// NIL for an empty value (ENVELOPE and body fields use NIL for "absent").
void append_nstring(std::string& out, std::string_view value, bool utf8 = false);
void append_astring(std::string& out, std::string_view value, bool utf8 = false);
void append_literal8(std::string& out, std::string_view value);  // "~{n}\r\n" + bytes
// A mailbox name given in UTF-8: modified UTF-7 unless `utf8` (RFC 9051 §5.1), then astring.
void append_mailbox(std::string& out, std::string_view name, bool utf8 = false);
// "(\Seen $Forwarded)": flags are atoms or "\"atom, written as given.
void append_flag_list(std::string& out, std::span<const std::string> flags);

enum class status_kind { ok, no, bad, bye, preauth };
// "tag OK [code] text\r\n"; an empty tag writes "*". `code` is the response code without its
// brackets ("UIDVALIDITY 3", "TOOBIG"); CR, LF and NUL in code or text become spaces.
void append_status(std::string& out, std::string_view tag, status_kind kind,
                   std::string_view code, std::string_view text);
// "+ text\r\n" (RFC 9051 §7.5); base64 for SASL challenges is the caller's text.
void append_continuation(std::string& out, std::string_view text);

}  // namespace l7::imap
