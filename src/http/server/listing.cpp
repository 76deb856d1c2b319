// Directory listings for the static file handler: HTML for browsers, JSON for programs.
// Hidden entries (names starting with '.') are not listed.
#include <sys/stat.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/text.hpp"
#include "http/codec/date.hpp"
#include "http/server/static_files.hpp"

namespace l7::http::server {
namespace {

struct entry {
  std::string name;
  bool dir = false;
  std::uint64_t size = 0;
  std::int64_t mtime = 0;
};

std::vector<entry> read_entries(const std::filesystem::path& dir) {
  std::vector<entry> out;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(dir, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    auto name = it->path().filename().string();
    if (name.empty() || name[0] == '.') continue;
    struct stat st{};
    if (::stat(it->path().c_str(), &st) != 0) continue;  // dangling symlinks are skipped
    out.push_back({name, S_ISDIR(st.st_mode), static_cast<std::uint64_t>(st.st_size), st.st_mtim.tv_sec});
  }
  std::sort(out.begin(), out.end(), [](const entry& a, const entry& b) {
    return a.dir != b.dir ? a.dir : a.name < b.name;
  });
  return out;
}

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string render_listing_html(std::string_view client_path, const std::filesystem::path& dir) {
  std::string title = "Index of " + html_escape(client_path);
  std::string out = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title +
                    "</title></head>\n<body>\n<h1>" + title + "</h1>\n<table>\n"
                    "<tr><th>Name</th><th>Last modified</th><th>Size</th></tr>\n";
  if (client_path != "/") out += "<tr><td><a href=\"../\">../</a></td><td></td><td></td></tr>\n";
  for (const auto& e : read_entries(dir)) {
    std::string name = e.name + (e.dir ? "/" : "");
    out += "<tr><td><a href=\"" + html_escape(percent_encode(name, "/")) + "\">" + html_escape(name) +
           "</a></td><td>" + format_http_date(e.mtime) + "</td><td>" +
           (e.dir ? std::string("-") : std::to_string(e.size)) + "</td></tr>\n";
  }
  out += "</table>\n</body></html>\n";
  return out;
}

std::string render_listing_json(std::string_view client_path, const std::filesystem::path& dir) {
  auto list = nlohmann::json::array();
  for (const auto& e : read_entries(dir)) {
    nlohmann::json j{{"name", e.name}, {"type", e.dir ? "directory" : "file"}, {"mtime", format_http_date(e.mtime)}};
    if (!e.dir) j["size"] = e.size;
    list.push_back(std::move(j));
  }
  nlohmann::json doc{{"path", std::string(client_path)}, {"entries", std::move(list)}};
  // Names are bytes on disk; replace invalid UTF-8 rather than throwing.
  return doc.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace l7::http::server
