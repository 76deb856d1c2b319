// RFC 5322 §2.2 / §3.6 header sections: parsed incrementally, so an SMTP server can look at a
// message's header fields as DATA arrives; whole-buffer users call parse_header_section().
//
// Input rules (lenient, as real mail needs): lines end in CRLF or a bare LF; a line that starts
// with WSP continues the previous field (folding, RFC 5322 §2.2.3, including the obsolete
// whitespace-only lines of §4.2); 8-bit bytes in values are kept as they are (RFC 6532 UTF-8);
// a line without ':' or with an invalid field name is kept as a field flagged `malformed`, so
// byte ranges still cover the whole section (IMAP's BODY[HEADER] serves the raw bytes). The
// section ends at an empty line or, at end of input, without one.
// Errors: only limits (error::line_too_long, header_too_large, too_many_fields); after an error
// the parser stays failed.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace l7::mail {

struct header_limits {
  std::size_t max_header_bytes = 1024 * 1024;  // whole section, including the empty line
  std::size_t max_fields = 2000;
  std::size_t max_line = 64 * 1024;  // generous: RFC 5322 §2.1.1's 998 is often broken
};

struct header_field {
  std::string name;    // as written; case preserved, WSP before ':' removed (obs-optional)
  std::string value;   // unfolded: line breaks before WSP removed, outer WSP trimmed
  std::size_t begin = 0;  // offset of the field's first byte
  std::size_t end = 0;    // offset one past its last line's LF (or end of input)
  bool malformed = false; // no ':' or a name outside RFC 5322 §3.6.8 ftext
};

struct header_section {
  std::vector<header_field> fields;
  std::size_t begin = 0;        // offset of the section's first byte
  std::size_t end = 0;          // offset of the body: past the empty line (or end of input)
  bool has_empty_line = false;  // false: the section ran to the end of input

  // Case-insensitive lookup (RFC 5322 §1.2.2): the first field with `name`, or nullptr.
  const header_field* find(std::string_view name) const;
  std::vector<const header_field*> find_all(std::string_view name) const;
  // The first field's unfolded value, or empty.
  std::string_view value(std::string_view name) const;
};

class header_parser {
 public:
  // `base` is the offset of the first byte given to parse(): field offsets are base + position.
  explicit header_parser(header_limits limits = {}, std::size_t base = 0);

  // Consumes complete lines of `data`, which starts where the previously consumed bytes ended;
  // returns the bytes consumed (the caller keeps the rest and gives it again with more). A field
  // is complete once the next line shows it is not folded. Stops after the empty line: done().
  std::size_t parse(std::span<const std::byte> data, std::error_code& ec);
  std::size_t parse(std::string_view data, std::error_code& ec);
  // End of input: `rest` (the unconsumed bytes, a last line without LF) ends the section.
  void finish(std::string_view rest, std::error_code& ec);

  bool done() const { return done_; }
  const header_section& section() const { return section_; }
  header_section take() { return std::move(section_); }

 private:
  void line(std::string_view text, std::size_t length, std::error_code& ec);
  void start_field(std::string_view text);
  void flush();

  header_limits limits_;
  header_section section_;
  header_field pending_;
  bool has_pending_ = false;
  bool done_ = false;
  std::error_code failed_;
  std::size_t pos_;  // offset of the next byte to consume
  std::size_t no_lf_ = 0;  // leading bytes of the next data already searched for a LF
};

// Whole-buffer form: parses the header section at the start of `message` (to the empty line or
// to the end). `base` is added to every offset.
header_section parse_header_section(std::string_view message, const header_limits& limits,
                                    std::error_code& ec, std::size_t base = 0);

}  // namespace l7::mail
