#include "dns/codec/zone_lexer.hpp"

namespace l7::dns::detail {
namespace {

bool ends_token(char c) {
  switch (c) {
    case ' ': case '\t': case '\r': case '\n': case ';': case '(': case ')': return true;
    default: return false;
  }
}

}  // namespace

bool zone_lexer::fail(const char* what, std::size_t line) {
  error_ = what;
  error_line_ = line;
  pos_ = text_.size();
  return false;
}

bool zone_lexer::token(zone_entry& e) {
  const std::size_t start = pos_;
  bool in_quotes = false;
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c == '\n') break;
    if (c == '\\') {
      // An escape covers the next character, but never the line end.
      pos_ += (pos_ + 1 < text_.size() && text_[pos_ + 1] != '\n') ? 2 : 1;
      continue;
    }
    if (c == '"') {
      ++pos_;
      // A token that starts with a quote is a whole quoted string; a quote inside a bare token
      // (an SVCB value, `key667="a b"`) opens a quoted part of it.
      in_quotes = !in_quotes;
      if (!in_quotes && text_[start] == '"') break;
      continue;
    }
    if (!in_quotes && ends_token(c)) break;
    ++pos_;
  }
  if (in_quotes) return fail("quoted string not closed on its line", line_);
  e.tokens.push_back(text_.substr(start, pos_ - start));
  return true;
}

bool zone_lexer::next(zone_entry& e) {
  e.tokens.clear();
  std::size_t paren_line = 0;  // where the open '(' is, 0 when none
  bool line_start = pos_ == 0 || text_[pos_ - 1] == '\n';
  bool line_blank = false;
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (line_start) {
      line_blank = c == ' ' || c == '\t';
      line_start = false;
    }
    switch (c) {
      case '\n':
        ++line_;
        ++pos_;
        line_start = true;
        if (paren_line == 0 && !e.tokens.empty()) return true;
        break;
      case ' ': case '\t': case '\r':
        ++pos_;
        break;
      case ';':  // RFC 1035 §5.1: a comment runs to the end of the line
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
        break;
      case '(':
        if (paren_line != 0) return fail("nested '('", line_);
        paren_line = line_;
        ++pos_;
        break;
      case ')':
        if (paren_line == 0) return fail("')' without '('", line_);
        paren_line = 0;
        ++pos_;
        break;
      default:
        if (e.tokens.empty()) {
          e.line = line_;
          e.blank_owner = line_blank;
        }
        if (!token(e)) return false;
    }
  }
  if (paren_line != 0) return fail("'(' not closed before the end of the text", paren_line);
  return !e.tokens.empty();
}

}  // namespace l7::dns::detail
