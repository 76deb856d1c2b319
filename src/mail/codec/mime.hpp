// The MIME structure (RFC 2045, RFC 2046) of a whole message held in memory: every body part
// with its header and body byte ranges (offsets into the message), its interpreted header
// fields, its size in octets and lines, and its children: the parts of a multipart, or the
// one encapsulated message of a message/rfc822 or message/global part (RFC 2046 §5.2.1,
// RFC 6532 §3.7). Whole-buffer on purpose: the store has files and SMTP has all of DATA.
//
// The tree is flat: parts[0] is the message itself; children are indices. It is built with an
// explicit work list, never recursion, and bounded by limits.max_depth and limits.max_parts.
// Lenient on real-world input (RFC 2046 §5.1.1 plus what mailers do): preamble and epilogue,
// delimiters with trailing white space, a missing close delimiter (the last part runs to the
// end of its parent; flagged), LF or CRLF, a boundary that prefixes another one (only a
// delimiter followed by white space, "--" or a line break counts).
// Errors: the first limit hit (error::nesting_too_deep, too_many_parts, or a header limit).
// The tree is still consistent: parts made before the error are filled in but get no new
// children; a part whose header section broke a limit has no fields and all its bytes as body.
// Ownership: the result holds offsets and copies of header values, never a pointer into the
// message; the caller keeps the message to read bodies.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "mail/codec/header.hpp"
#include "mail/codec/params.hpp"
#include "mail/codec/transfer.hpp"

namespace l7::mail {

struct mime_limits {
  header_limits header;
  std::size_t max_depth = 50;    // nested multiparts and messages below the top level
  std::size_t max_parts = 10000;
};

struct byte_range {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t size() const { return end - begin; }
  std::string_view in(std::string_view message) const { return message.substr(begin, size()); }
  friend bool operator==(const byte_range&, const byte_range&) = default;
};

struct body_part {
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  byte_range header;  // the header section, with its empty line
  byte_range body;    // everything after it, to the part's delimiter (RFC 2046 §5.1.1: the
                      // line break before a delimiter belongs to the delimiter)
  header_section fields;

  // Content-Type (RFC 2045 §5): lower case; text/plain; charset=us-ascii when absent or
  // unparsable (§5.2), message/rfc822 inside multipart/digest (RFC 2046 §5.1.5).
  std::string type = "text";
  std::string subtype = "plain";
  param_header content_type;          // params and raw_params of the field (defaults added)
  bool default_type = true;           // no usable Content-Type field
  std::string encoding_value = "7bit";  // Content-Transfer-Encoding as written, lower case
  transfer_encoding encoding = transfer_encoding::seven_bit;
  std::string id;           // Content-ID (RFC 2045 §7)
  std::string description;  // Content-Description (RFC 2045 §8), unfolded, not decoded
  std::string md5;          // Content-MD5 (RFC 1864)
  std::optional<param_header> disposition;  // RFC 2183
  std::vector<std::string> language;        // Content-Language (RFC 3282)
  std::string location;                     // Content-Location (RFC 2557 §4)

  std::size_t lines = 0;  // line breaks in the body (IMAP body-fld-lines)
  std::size_t depth = 0;
  std::size_t parent = npos;
  std::vector<std::size_t> children;
  bool missing_close = false;  // multipart without its close delimiter
  bool is_message_root = false;  // parts[0], or the message inside a message/rfc822 part

  bool is_multipart() const { return type == "multipart"; }
  // message/rfc822 or message/global: its only child is the encapsulated message.
  bool is_encapsulated() const;
};

struct mime_message {
  std::vector<body_part> parts;  // parts[0]: the whole message

  // IMAP part numbers (RFC 3501 §6.4.5 / RFC 9051 §6.4.5): {} is the message, {1} its first
  // part (or its body if it is not multipart), {3, 1} the first part of the message in part 3.
  // nullptr if there is no such part.
  const body_part* find(std::span<const unsigned> number) const;
  // The message encapsulated by a message/rfc822 or message/global part, or nullptr.
  const body_part* nested(const body_part& part) const;
};

mime_message parse_mime(std::string_view message, const mime_limits& limits, std::error_code& ec);

// The body of `part` with its transfer encoding undone.
std::string decoded_body(std::string_view message, const body_part& part);
// For text parts: decoded_body converted from the charset parameter to UTF-8 (us-ascii if none;
// an unknown charset is taken as UTF-8, invalid bytes becoming U+FFFD).
std::string decoded_text(std::string_view message, const body_part& part);
// Disposition filename, else Content-Type name (RFC 2183 §2.3, RFC 2231); empty if none.
std::string_view part_filename(const body_part& part);

}  // namespace l7::mail
