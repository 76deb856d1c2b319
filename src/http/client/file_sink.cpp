#include "http/client/file_sink.hpp"

#include <unistd.h>

#include <cerrno>

namespace l7::http::client {
namespace {

std::error_code last_error() { return {errno ? errno : EIO, std::system_category()}; }

}  // namespace

bool file_sink::to_terminal() const { return path_.empty() && ::isatty(STDOUT_FILENO); }

std::error_code file_sink::open() {
  errno = 0;
  if (!file_) file_.reset(path_.empty() ? stdout : std::fopen(path_.c_str(), "wb"));
  return file_ ? std::error_code{} : last_error();
}

std::error_code file_sink::write(std::string_view bytes) {
  if (auto ec = open()) return ec;
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_.get()) != bytes.size()) return last_error();
  return {};
}

std::error_code file_sink::finish() {
  errno = 0;
  return file_ && std::fflush(file_.get()) != 0 ? last_error() : std::error_code{};
}

void file_sink::close(std::FILE* f) {
  if (f != stdout) std::fclose(f);
}

}  // namespace l7::http::client
