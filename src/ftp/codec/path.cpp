#include "ftp/codec/path.hpp"

namespace l7::ftp {

std::string quote_pathname(std::string_view path) {
  std::string out = "\"";
  for (char c : path) {
    out += c;
    if (c == '"') out += '"';
  }
  out += '"';
  return out;
}

std::optional<std::string> unquote_pathname(std::string_view text) {
  auto open = text.find('"');
  if (open == std::string_view::npos) return std::nullopt;
  std::string out;
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    if (text[i] != '"') {
      out += text[i];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '"') {  // a doubled quote is one quote
      out += '"';
      ++i;
      continue;
    }
    return out;
  }
  return std::nullopt;  // no closing quote
}

std::string join_path(std::string_view cwd, std::string_view arg) {
  if (!arg.empty() && arg.front() == '/') return std::string(arg);
  std::string out(cwd);
  if (out.empty() || out.back() != '/') out += '/';
  out += arg;
  return out;
}

bool unsafe_pathname(std::string_view name) {
  return name.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

}  // namespace l7::ftp
