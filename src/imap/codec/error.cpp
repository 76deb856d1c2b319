#include "imap/codec/error.hpp"

#include <string>

namespace l7::imap {
namespace {

class imap_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "imap"; }
  std::string message(int c) const override {
    switch (static_cast<error>(c)) {
      case error::syntax: return "Syntax error";
      case error::missing_tag: return "Missing or invalid tag";
      case error::unknown_command: return "Unknown command";
      case error::line_too_long: return "Command line too long";
      case error::literal_too_large: return "Literal too large";
      case error::nonsync_literal_too_large: return "Non-synchronizing literal over 4096 octets";
      case error::command_too_large: return "Command too large";
      case error::too_deep: return "Parentheses nested too deep";
      case error::bad_sequence_set: return "Invalid sequence set";
      case error::bad_mailbox_name: return "Invalid mailbox name encoding";
      case error::bad_date: return "Invalid date";
      case error::eight_bit: return "8-bit character not allowed here";
      case error::nul_byte: return "NUL character not allowed";
    }
    return "unknown IMAP error";
  }
};

}  // namespace

const std::error_category& category() {
  static const imap_category c;
  return c;
}

}  // namespace l7::imap
