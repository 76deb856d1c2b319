// Static files from the data root's public tree (RFC 9110): GET and HEAD, validators (ETag,
// Last-Modified) with the precondition order of §13.2.2, single and multiple byte ranges
// (§14, multipart/byteranges), MIME types from /etc/mime.types, index.html, and directory
// listings in HTML or JSON. Every path goes through the file jail. Shared by all workers:
// open files are cached per worker thread (file_cache.hpp, `[http] open_file_cache`), so a
// change to a file is seen at most `open_file_cache_valid` later.
#pragma once

#include <filesystem>

#include "app/jail.hpp"
#include "http/server/exchange.hpp"
#include "http/server/file_cache.hpp"
#include "http/server/settings.hpp"

namespace l7::http::server {

class static_files {
 public:
  explicit static_files(const settings& s);
  net::awaitable<void> operator()(exchange& ex) const;

 private:
  // `file` is held until the response is sent, so its descriptor stays open meanwhile.
  net::awaitable<void> serve_file(exchange& ex, file_cache::handle file) const;
  net::awaitable<void> serve_directory(exchange& ex, const std::string& path) const;

  app::jail jail_;
  bool listing_;
  mutable file_cache_per_thread files_;
};

// Directory listings (listing.cpp). `entries` are the visible names of `dir`.
std::string render_listing_html(std::string_view client_path, const std::filesystem::path& dir);
std::string render_listing_json(std::string_view client_path, const std::filesystem::path& dir);

}  // namespace l7::http::server
