// Numeric replies of the line protocols: FTP (RFC 959 §4.2) and SMTP (RFC 5321 §4.2) answer a
// command with a three-digit code and text, on one line ("200 Okay.") or on several, where
// the first line has a '-' after the code and the last a space ("211-Features:" ...
// "211 End"). Encoding for servers, incremental parsing for clients; no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace l7 {

struct numeric_reply {
  int code = 0;                    // 100-599
  std::vector<std::string> lines;  // text without code or separator; at least one line
};

enum class reply_style {
  every_line,    // "ddd-" on every line but the last (SMTP requires it; FTP allows it)
  first_and_last // FTP: inner lines as they are (FEAT's " MDTM"); one that starts like the
                 // last line ("ddd ") is indented by a space so that it cannot end the reply
};

// Appends `r` with CRLF line ends. Empty `lines` writes "ddd" alone; CR and LF inside a line
// are replaced by spaces (a reply can never be split by its own text).
void encode_reply(const numeric_reply& r, std::string& out,
                  reply_style style = reply_style::every_line);

enum class reply_error {
  bad_reply_line = 1,  // the first line does not start with a code 100-599
  line_too_long,       // a line over limits.max_line
  too_many_lines,      // a multi-line reply over limits.max_lines
  bare_lf,             // LF without CR (only when strict)
};
const std::error_category& reply_category();
std::error_code make_error_code(reply_error e);

// Client side. Feed bytes with parse(); once done(), reply() holds the whole reply; reset()
// before the next one. Multi-line inner lines that carry the code ("211-text", SMTP style) lose
// it; others (FTP style) are kept as sent. Split input at any offset parses the same.
class reply_parser {
 public:
  struct limits {
    std::size_t max_line = 4096;
    std::size_t max_lines = 10000;
    bool allow_bare_lf = true;  // many FTP servers end lines with LF alone
  };
  reply_parser() = default;
  explicit reply_parser(limits l) : limits_(l) {}

  // Returns the bytes used (whole lines only); stops after the last line of a reply.
  std::size_t parse(std::string_view in, std::error_code& ec);
  bool done() const { return done_; }
  const numeric_reply& reply() const { return reply_; }
  void reset();

 private:
  bool take_line(std::string_view line, std::error_code& ec);

  limits limits_;
  numeric_reply reply_;
  bool started_ = false;
  bool multi_ = false;
  bool done_ = false;
};

}  // namespace l7

template <>
struct std::is_error_code_enum<l7::reply_error> : std::true_type {};
