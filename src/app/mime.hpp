// Media types by file extension, for HTTP Content-Type and similar headers.
//
// The table comes from /etc/mime.types (Debian package media-types), read once, plus a small
// built-in table (html, css, js, json, txt, png, jpg, svg, wasm, m3u8, ts, mp4, xml, pdf, ...)
// that fills in when the file is missing and takes precedence over it (the system file maps
// "ts" to a Qt translation format, but HLS needs video/mp2t).
//
// Charset rule: text/*, application/javascript and application/json get "; charset=utf-8"
// appended; every other type is returned as listed. Unknown or missing extensions give
// application/octet-stream. Extensions match case-insensitively.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace l7::app {

class mime_table {
 public:
  // The built-in table alone.
  mime_table();
  // Adds the entries of a mime.types file ("type ext ext ..." lines, '#' comments); the
  // built-in entries keep precedence. Returns false when the file cannot be read.
  bool load(const std::filesystem::path& file);
  // Content-Type for `file`, by its extension (charset rule applied).
  std::string_view lookup(std::string_view file) const;

 private:
  void add(std::string_view type, std::string_view ext, bool override_existing);

  std::map<std::string, std::string, std::less<>> by_ext_;
};

// Content-Type for `file` from the process-wide table (built-in + /etc/mime.types, loaded on
// first use). Thread-safe; the returned view lives until the process exits.
std::string_view mime_type_for(std::string_view file);

}  // namespace l7::app
