#include "app/mime.hpp"

#include <array>
#include <fstream>
#include <utility>

#include "core/text.hpp"

namespace l7::app {

namespace {

constexpr std::string_view octet_stream = "application/octet-stream";

constexpr std::array<std::pair<std::string_view, std::string_view>, 22> builtin{{
    {"html", "text/html"},
    {"htm", "text/html"},
    {"css", "text/css"},
    {"js", "text/javascript"},  // RFC 9239
    {"mjs", "text/javascript"},
    {"json", "application/json"},
    {"txt", "text/plain"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"ico", "image/vnd.microsoft.icon"},
    {"svg", "image/svg+xml"},
    {"wasm", "application/wasm"},
    {"m3u8", "application/vnd.apple.mpegurl"},  // RFC 8216 §4
    {"ts", "video/mp2t"},
    {"mp4", "video/mp4"},
    {"m4s", "video/iso.segment"},
    {"xml", "application/xml"},
    {"pdf", "application/pdf"},
    {"webp", "image/webp"},
    {"woff2", "font/woff2"},
}};

bool wants_charset(std::string_view type) {
  return type.starts_with("text/") || type == "application/javascript" ||
         type == "application/json";
}

}  // namespace

mime_table::mime_table() {
  for (const auto& [ext, type] : builtin) add(type, ext, true);
}

void mime_table::add(std::string_view type, std::string_view ext, bool override_existing) {
  std::string value(type);
  if (wants_charset(type)) value += "; charset=utf-8";
  if (override_existing)
    by_ext_.insert_or_assign(to_lower(ext), std::move(value));
  else
    by_ext_.try_emplace(to_lower(ext), std::move(value));
}

bool mime_table::load(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) {
    if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::string_view type;
    for (const auto field : split(line, ' ')) {
      for (const auto word : split(field, '\t')) {
        if (word.empty()) continue;
        if (type.empty()) {
          type = word;
        } else if (word.find('.') == std::string_view::npos) {
          add(type, word, false);  // compound extensions like "tm.json" are not matched
        }
      }
    }
  }
  return true;
}

std::string_view mime_table::lookup(std::string_view file) const {
  // The extension as std::filesystem::path::extension() defines it, without building paths
  // (this runs once per static response): the last '.' of the last component, not leading.
  std::string_view name = file;
  name = name.substr(name.find_last_of('/') + 1);
  const auto dot = name.find_last_of('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size() || name == "..")
    return octet_stream;
  char ext[32];
  const auto e = name.substr(dot + 1);
  if (e.size() >= sizeof ext) return octet_stream;
  for (std::size_t i = 0; i < e.size(); ++i) ext[i] = to_lower_ascii(e[i]);
  const auto it = by_ext_.find(std::string_view(ext, e.size()));
  return it == by_ext_.end() ? octet_stream : std::string_view(it->second);
}

std::string_view mime_type_for(std::string_view file) {
  static const mime_table table = [] {
    mime_table t;
    t.load("/etc/mime.types");
    return t;
  }();
  return table.lookup(file);
}

}  // namespace l7::app
