// Static files from the data root's public tree (RFC 9110): GET and HEAD, validators (ETag,
// Last-Modified) with the precondition order of §13.2.2, single and multiple byte ranges
// (§14, multipart/byteranges), MIME types from /etc/mime.types, index.html, and directory
// listings in HTML or JSON. Every path goes through the file jail. Shared by all workers.
#pragma once

#include <sys/stat.h>

#include <filesystem>

#include "app/jail.hpp"
#include "http/server/exchange.hpp"
#include "http/server/settings.hpp"

namespace l7::http::server {

class static_files {
 public:
  explicit static_files(const settings& s);
  net::awaitable<void> operator()(exchange& ex) const;

 private:
  net::awaitable<void> serve_file(exchange& ex, int fd, const struct stat& st,
                                  const std::string& path) const;
  net::awaitable<void> serve_directory(exchange& ex, const std::string& path) const;

  app::jail jail_;
  bool listing_;
};

// Directory listings (listing.cpp). `entries` are the visible names of `dir`.
std::string render_listing_html(std::string_view client_path, const std::filesystem::path& dir);
std::string render_listing_json(std::string_view client_path, const std::filesystem::path& dir);

}  // namespace l7::http::server
