// Local ends of CLI transfers (`l7 ftp`, and any later file-moving client): a download's
// output file or stdout, and the progress bar on stderr.
#pragma once

#include <cerrno>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <system_error>

#include <fmt/format.h>

#include "http/client/progress.hpp"

namespace l7::cli {

inline std::error_code errno_code() { return {errno ? errno : EIO, std::generic_category()}; }

// Where a download goes: stdout ("-" or empty) or a file, opened at the first byte (so a
// refused RETR leaves no empty file), appended to when resuming.
class local_output {
 public:
  local_output(std::string path, bool append) : path_(std::move(path)), append_(append) {}
  ~local_output() { if (file_ && file_ != stdout) std::fclose(file_); }
  std::error_code write(std::span<const std::byte> bytes) {
    if (auto ec = open()) return ec;
    return std::fwrite(bytes.data(), 1, bytes.size(), file_) == bytes.size() ? std::error_code{} : errno_code();
  }
  std::error_code finish() {
    if (auto ec = open()) return ec;
    return std::fflush(file_) == 0 ? std::error_code{} : errno_code();
  }
  std::string name() const { return to_stdout() ? "standard output" : path_; }

 private:
  bool to_stdout() const { return path_.empty() || path_ == "-"; }
  std::error_code open() {
    errno = 0;
    if (!file_) file_ = to_stdout() ? stdout : std::fopen(path_.c_str(), append_ ? "ab" : "wb");
    return file_ ? std::error_code{} : errno_code();
  }

  std::string path_;
  bool append_;
  std::FILE* file_ = nullptr;
};

// The progress bar on stderr, only when stderr is a terminal (and -v is not printing there).
class progress_bar {
 public:
  explicit progress_bar(bool enabled) : enabled_(enabled) {}
  void start(std::optional<std::uint64_t> total) {
    if (!enabled_) return;
    meter_.start(total, clock::now());
    drawing_ = true;
  }
  void add(std::uint64_t n) {
    if (!drawing_) return;
    if (auto line = meter_.advance(n, clock::now())) fmt::print(stderr, "{}", *line);
  }
  void finish() {
    if (drawing_) fmt::print(stderr, "{}", meter_.finish(clock::now()));
    drawing_ = false;
  }

 private:
  using clock = http::client::progress_meter::clock;
  bool enabled_;
  bool drawing_ = false;
  http::client::progress_meter meter_;
};

}  // namespace l7::cli
