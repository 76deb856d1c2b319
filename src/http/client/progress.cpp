#include "http/client/progress.hpp"

#include <fmt/format.h>

#include "core/text.hpp"

namespace l7::http::client {

void progress_meter::start(std::optional<std::uint64_t> total, clock::time_point now) {
  total_ = total;
  done_ = 0;
  started_ = now;
  drawn_.reset();
}

std::optional<std::string> progress_meter::advance(std::uint64_t n, clock::time_point now) {
  done_ += n;
  if (drawn_ && now - *drawn_ < interval_) return std::nullopt;
  drawn_ = now;
  return line(now);
}

std::string progress_meter::finish(clock::time_point now) {
  if (!drawn_ && done_ == 0) return {};
  return line(now) + "\n";
}

std::string progress_meter::line(clock::time_point now) const {
  const double seconds = std::chrono::duration<double>(now - started_).count();
  const auto rate = seconds > 0 ? static_cast<std::uint64_t>(static_cast<double>(done_) / seconds)
                                : 0;
  std::string text;
  if (total_ && *total_ > 0) {
    constexpr int width = 20;
    const auto shown = std::min(done_, *total_);
    const int percent = static_cast<int>(shown * 100 / *total_);
    const int filled = static_cast<int>(shown * width / *total_);
    text = fmt::format("\r{:3}% [{}{}] {:>10} / {:<10} {:>10}/s", percent,
                       std::string(static_cast<std::size_t>(filled), '#'),
                       std::string(static_cast<std::size_t>(width - filled), ' '),
                       format_bytes(done_), format_bytes(*total_), format_bytes(rate));
  } else {
    text = fmt::format("\r{:>10} {:>10}/s", format_bytes(done_), format_bytes(rate));
  }
  return text + "   ";  // covers the tail of a longer previous line
}

}  // namespace l7::http::client
