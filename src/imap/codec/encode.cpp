#include "imap/codec/encode.hpp"

#include "core/text.hpp"
#include "core/utf8.hpp"
#include "imap/codec/cursor.hpp"
#include "mail/codec/mutf7.hpp"

namespace l7::imap {
namespace {

bool quotable(std::string_view value, bool utf8) {
  bool eight = false;
  for (char c : value) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
    eight |= static_cast<unsigned char>(c) >= 0x80;
  }
  return !eight || (utf8 && is_valid_utf8(value));
}

void append_clean(std::string& out, std::string_view text) {
  for (char c : text) out.push_back(c == '\r' || c == '\n' || c == '\0' ? ' ' : c);
}

}  // namespace

void append_string(std::string& out, std::string_view value, bool utf8) {
  if (!quotable(value, utf8)) {  // RFC 9051 §4.3: literal
    out += "{" + std::to_string(value.size()) + "}\r\n";
    out += value;
    return;
  }
  out.push_back('"');
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_nstring(std::string& out, std::string_view value, bool utf8) {
  if (value.empty()) out += "NIL";
  else append_string(out, value, utf8);
}

void append_astring(std::string& out, std::string_view value, bool utf8) {
  bool atom = !value.empty() && !iequals(value, "NIL");
  for (char c : value) atom = atom && (detail::is_atom_char(c) || c == ']');
  if (atom) out += value;
  else append_string(out, value, utf8);
}

void append_literal8(std::string& out, std::string_view value) {
  out += "~{" + std::to_string(value.size()) + "}\r\n";
  out += value;
}

void append_mailbox(std::string& out, std::string_view name, bool utf8) {
  if (utf8) append_astring(out, name, true);
  else append_astring(out, mail::encode_mutf7(name).value_or(std::string(name)), false);
}

void append_flag_list(std::string& out, std::span<const std::string> flags) {
  out.push_back('(');
  for (std::size_t i = 0; i < flags.size(); ++i) {
    if (i) out.push_back(' ');
    out += flags[i];
  }
  out.push_back(')');
}

void append_status(std::string& out, std::string_view tag, status_kind kind,
                   std::string_view code, std::string_view text) {
  static constexpr std::string_view names[] = {"OK", "NO", "BAD", "BYE", "PREAUTH"};
  out += tag.empty() ? std::string_view("*") : tag;
  out.push_back(' ');
  out += names[static_cast<int>(kind)];
  if (!code.empty()) {  // RFC 9051 §7.1 resp-text-code
    out += " [";
    append_clean(out, code);
    out.push_back(']');
  }
  out.push_back(' ');
  append_clean(out, text.empty() ? std::string_view("done") : text);
  out += "\r\n";
}

void append_continuation(std::string& out, std::string_view text) {
  out += "+ ";
  append_clean(out, text);
  out += "\r\n";
}

}  // namespace l7::imap
