// Splits a byte stream into lines for line-oriented protocols (FTP, SMTP, POP3, IMAP, ...).
// The reader does not own the input: next_line() looks at the caller's bytes and reports how
// many it consumed, so the caller keeps one buffer.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace l7 {

enum class line_status {
  ok,         // `line` holds one line without its terminator
  need_more,  // no complete line yet
  too_long,   // more than max_length bytes without a terminator (or a longer line)
  bare_lf,    // strict mode: LF not preceded by CR
};

struct line_result {
  line_status status = line_status::need_more;
  std::string_view line;  // valid while the input is
  std::size_t consumed = 0;  // bytes to drop, terminator included (0 unless status is ok)
};

class line_reader {
 public:
  // max_length counts the line without CRLF. allow_bare_lf accepts "\n" as a terminator.
  explicit line_reader(std::size_t max_length = 4096, bool allow_bare_lf = false)
      : max_length_(max_length), allow_bare_lf_(allow_bare_lf) {}

  line_result next_line(std::string_view input) const;

  std::size_t max_length() const { return max_length_; }

 private:
  std::size_t max_length_;
  bool allow_bare_lf_;
};

}  // namespace l7
