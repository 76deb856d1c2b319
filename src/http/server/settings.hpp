// Settings of the HTTP service, read from the `[http]` config section (docs/http.md).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "http/codec/parser.hpp"

namespace l7::http::server {

// A canned response served from memory at an exact path (`[[http.responses]]`): handy as a
// test endpoint in pipelines, and the "fixed response" of the benchmark.
struct fixed_response {
  std::string path;
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

struct settings {
  std::filesystem::path root;                       // static files ("<data>/public")
  bool directory_listing = true;
  std::size_t open_file_cache = 1000;                     // cached open files per worker; 0: off
  std::chrono::milliseconds open_file_cache_valid{1000};  // a cached file is rechecked after this
  std::string server_header = "l7";
  std::chrono::milliseconds header_timeout{10'000};  // first byte to end of head (slowloris)
  std::chrono::milliseconds idle_timeout{60'000};    // keep-alive wait for the next request
  std::chrono::milliseconds io_timeout{60'000};      // each body read / response write
  std::uint64_t max_body = 64ull << 20;              // request bodies (413 beyond)
  std::uint64_t max_discard = 1ull << 20;            // unread body skipped to keep a connection
  limits parser_limits;                              // request line, header section, ...
  bool trace = false;                                // print every exchange (l7 serve --trace)
  bool access_log = true;
  std::vector<fixed_response> responses;
};

}  // namespace l7::http::server
