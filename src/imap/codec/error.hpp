// Errors of the IMAP codec. Every one is answered with "tag BAD [text]" (RFC 9051 §7.1.3), or
// "* BAD" when no tag could be read (command_reader::tag() is empty); literal_too_large may be
// answered "tag NO [TOOBIG]" instead (RFC 9051 §7.1, RFC 7889). Which errors leave the stream
// usable is documented on command_reader.
#pragma once

#include <system_error>

namespace l7::imap {

enum class error {
  syntax = 1,             // the command does not follow RFC 9051 §9 formal syntax
  missing_tag,            // no tag could be read (answer "* BAD")
  unknown_command,        // a well-formed tag and an unknown command name
  line_too_long,          // a command line over limits.max_line (RFC 9051 §4 / RFC 7162 §4)
  literal_too_large,      // a literal over limits.max_literal, reported before it is read
  nonsync_literal_too_large,  // {n+} over 4096 with LITERAL- (RFC 7888 §5)
  command_too_large,      // lines plus literals over limits.max_command
  too_deep,               // parentheses nested over limits.max_depth
  bad_sequence_set,       // RFC 9051 §9 sequence-set: 0, overflow, empty element
  bad_mailbox_name,       // invalid modified UTF-7 (RFC 3501 §5.1.3) or UTF-8 (RFC 9051 §5.1)
  bad_date,               // date / date-time out of range (RFC 9051 §9)
  eight_bit,              // an 8-bit byte outside a literal where UTF-8 is not enabled
  nul_byte,               // NUL anywhere but in a literal8 (RFC 9051 §4.3, RFC 3516 §4.2)
};

const std::error_category& category();
inline std::error_code make_error_code(error e) { return {static_cast<int>(e), category()}; }

}  // namespace l7::imap

template <>
struct std::is_error_code_enum<l7::imap::error> : std::true_type {};
