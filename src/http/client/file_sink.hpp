// Where a downloaded body goes: a file, created (truncated) on first use, or standard output
// (empty path). Writes are buffered by stdio; finish() flushes and reports what a buffered
// write hid (ENOSPC, EPIPE). Owns the FILE it opened (never stdout). Move-only.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace l7::http::client {

class file_sink {
 public:
  explicit file_sink(std::string path) : path_(std::move(path)) {}

  // Standard output, and it is a terminal.
  bool to_terminal() const;
  // Creates the file (once). Errors: fopen errno.
  std::error_code open();
  // open(), then appends. Errors: errno of the failed call.
  std::error_code write(std::string_view bytes);
  std::error_code finish();
  // The path, or "standard output".
  std::string name() const { return path_.empty() ? "standard output" : path_; }

 private:
  static void close(std::FILE* f);

  std::string path_;
  std::unique_ptr<std::FILE, decltype(&close)> file_{nullptr, &close};
};

}  // namespace l7::http::client
