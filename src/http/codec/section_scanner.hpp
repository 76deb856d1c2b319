// Incremental search for the end of a line-based section of an HTTP/1.1 message: a head
// (start line, field lines, empty line), a trailer section, or one chunk-size line.
// Internal to the parser.
//
// The scanner owns no bytes. The caller passes the same unconsumed input on every call, with
// more bytes appended; the scanner remembers how far it looked, so feeding a section one byte
// at a time costs O(n) in total. Errors are reported at the first byte that proves them, so the
// outcome does not depend on how the input was split.
#pragma once

#include <cstddef>
#include <string_view>

namespace l7::http::detail {

enum class scan_status {
  need_more,            // no end yet; keep the bytes and call again with more
  complete,             // end() is the length of the section, terminator included
  bare_lf,              // LF without CR and bare LF not allowed (RFC 9112 §2.2)
  start_line_too_long,  // first line longer than max_start_line
  too_large,            // more than max_bytes without the end of the section
};

struct scan_options {
  bool start_line = false;          // a start line precedes the field lines (heads)
  bool skip_leading_empty = false;  // ignore a few empty lines before the start line (§2.2)
  bool allow_bare_lf = false;
  std::size_t max_start_line = 0;   // first line, terminator excluded
  std::size_t max_bytes = 0;        // whole section, terminator and skipped lines included
};

class section_scanner {
 public:
  // How many empty lines before a request line are ignored (RFC 9112 §2.2 asks for at least one).
  static constexpr std::size_t max_leading_empty = 4;

  // A head or trailer section: field lines up to and including the empty line.
  scan_status scan_section(std::string_view in, const scan_options& o);
  // One line up to and including its LF; `max_line` bounds the line without its terminator.
  scan_status scan_line(std::string_view in, std::size_t max_line, bool allow_bare_lf);

  std::size_t begin() const { return section_start_; }  // after skipped empty lines
  std::size_t end() const { return end_; }
  // True when bytes other than skipped empty lines have been seen.
  bool started() const { return pos_ > section_start_; }
  void reset() { *this = section_scanner{}; }

 private:
  enum class phase { first_line, start_line, fields };

  phase phase_ = phase::first_line;
  std::size_t pos_ = 0;            // next byte to examine
  std::size_t line_start_ = 0;
  std::size_t section_start_ = 0;
  std::size_t skipped_ = 0;        // leading empty lines ignored so far
  std::size_t end_ = 0;
};

}  // namespace l7::http::detail
