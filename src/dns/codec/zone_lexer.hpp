// Splits master-file text (RFC 1035 §5.1) into entries: the tokens of one line, or of several
// lines joined by parentheses. Comments (`;` to end of line) and parentheses are dropped;
// tokens are views into the text, quoted strings keep their quotes and escapes stay escaped
// (presentation.hpp reads them). The lexer allocates only when the token vector grows.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace l7::dns::detail {

struct zone_entry {
  std::vector<std::string_view> tokens;
  bool blank_owner = false;  // the first line starts with a space or a tab
  std::size_t line = 0;      // 1-based line of the first token
};

class zone_lexer {
 public:
  explicit zone_lexer(std::string_view text) : text_(text) {}

  // Fills `e` with the next entry. False at the end of the text, or on a syntax error (then
  // error() is non-null): nested or unbalanced parentheses, a quoted string left open at the end
  // of its line.
  bool next(zone_entry& e);
  const char* error() const { return error_; }
  std::size_t error_line() const { return error_line_; }

 private:
  bool fail(const char* what, std::size_t line);
  // Scans one token starting at pos_; false when a quote is left open.
  bool token(zone_entry& e);

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  const char* error_ = nullptr;
  std::size_t error_line_ = 0;
};

}  // namespace l7::dns::detail
