// The command side of the line protocols (FTP RFC 959 §5.3, SMTP RFC 5321 §4.1, POP3 RFC 1939
// §3): lines of "VERB [SP argument]" from a client, framed with a reader that survives lines
// over the limit (the server answers 500 and goes on with the next line), and split into an
// upper-case verb and its argument. No I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/line_reader.hpp"

namespace l7 {

// Frames client lines. An overlong line is reported once as too_long (consumed = what was
// skipped so far); then its remaining bytes are skipped up to and including its LF, quietly,
// and framing resumes at the next line. A line ended by a bare LF (when not allowed) is
// reported as bare_lf and skipped too.
class command_framer {
 public:
  explicit command_framer(std::size_t max_length = 4096, bool allow_bare_lf = true)
      : reader_(max_length, allow_bare_lf) {}

  // Next line in `input` (the caller drops `consumed` bytes whatever the status).
  line_result next(std::string_view input);
  bool discarding() const { return discarding_; }

 private:
  line_reader reader_;
  bool discarding_ = false;
};

struct command_line {
  std::string verb;           // upper case (verbs are case-insensitive, RFC 959 §5.3)
  std::string_view argument;  // after the single SP; may be empty; valid while the line is
};

// "VERB" or "VERB SP argument". nullopt when the verb is empty, longer than max_verb or not
// all ASCII letters (digits allowed after the first letter: "XMD5", "AUTH"…).
std::optional<command_line> split_command(std::string_view line, std::size_t max_verb = 8);

}  // namespace l7
