// detail::cursor: the lexical layer of RFC 9051 §9 over one complete command (lines and
// literals in place). Every reader returns false / nullopt on failure and records the first
// error (sticky); callers just stop. Internal to the codec.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "imap/codec/command.hpp"
#include "imap/codec/error.hpp"
#include "imap/codec/types.hpp"

namespace l7::imap::detail {

class cursor {
 public:
  cursor(std::string_view text, const parse_options& options) : s_(text), options_(options) {}

  bool failed() const { return static_cast<bool>(ec_); }
  std::error_code error_code() const { return ec_; }
  bool fail(error e);  // records e (if first), returns false
  const parse_options& options() const { return options_; }

  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  char peek2() const { return pos_ + 1 < s_.size() ? s_[pos_ + 1] : '\0'; }
  bool at_crlf() const { return s_.substr(pos_, 2) == "\r\n"; }
  bool eat(char c);
  bool expect(char c);  // eat or fail(syntax)
  bool sp() { return expect(' '); }
  bool end();  // CRLF at the very end of the command
  // Case-insensitive keyword followed by a non-atom character (or end).
  bool eat_word(std::string_view upper);

  // RFC 9051 §9 atom (1*ATOM-CHAR); `extra` adds allowed characters (']' for astrings).
  std::optional<std::string> atom(std::string_view extra = {});
  std::optional<std::string> tag();
  std::optional<std::uint32_t> number();      // number (32 bit)
  std::optional<std::uint32_t> nz_number();
  std::optional<std::uint64_t> number64();
  std::optional<std::string> quoted();
  std::optional<std::string> literal(bool allow8 = false, bool* was8 = nullptr);
  std::optional<std::string> string();        // quoted / literal
  std::optional<std::string> astring();
  std::optional<std::string> nstring();       // nullopt with no error for NIL: check failed()
  std::optional<std::string> list_mailbox();  // 1*list-char / string
  std::optional<std::string> mailbox();       // astring, decoded, INBOX normalized
  std::optional<std::string> flag();          // "\Seen", "$Forwarded", "\*" (flag-perm)
  std::optional<std::vector<std::string>> flag_list();
  std::optional<sequence_set> seq_set();
  std::optional<imap::date> date();           // date-text, optionally quoted
  std::optional<date_time> date_time_();      // quoted date-time

  bool open_paren();   // '(' with depth check
  bool close_paren();  // ')'
  bool eat_close();    // ')' if it is next (no error otherwise)

 private:
  bool check_text_byte(char c, bool allow8);

  std::string_view s_;
  parse_options options_;
  std::size_t pos_ = 0;
  std::size_t depth_ = 0;
  std::error_code ec_;
};

bool is_atom_char(char c);
// Modified-UTF-7 / UTF-8 mailbox name to UTF-8 with INBOX normalized; nullopt if invalid.
std::optional<std::string> decode_mailbox(std::string_view raw, bool utf8);

}  // namespace l7::imap::detail
