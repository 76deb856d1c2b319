// Reporting accept(2) failures that are retried (EMFILE, ENFILE, ENOBUFS, ENOMEM): the accept
// loops back off 50 ms and try again, so while the condition lasts they would log 20 lines a
// second per listener and worker. The first failure is logged, then at most one line every
// 10 s with how many failures it stands for.
#pragma once

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <string_view>

namespace l7::net {

class accept_error_log {
 public:
  void failed(std::string_view service, std::string_view why) {
    const auto now = std::chrono::steady_clock::now();
    ++unreported_;
    if (logged_once_ && now - last_ < every) return;
    if (unreported_ == 1)
      spdlog::warn("{}: accept failed: {} (retrying)", service, why);
    else
      spdlog::warn("{}: accept failed {} times in {} s, last: {} (retrying)", service, unreported_,
                   std::chrono::duration_cast<std::chrono::seconds>(now - last_).count(), why);
    logged_once_ = true;
    last_ = now;
    unreported_ = 0;
  }

 private:
  static constexpr std::chrono::seconds every{10};
  std::chrono::steady_clock::time_point last_{};
  std::uint64_t unreported_ = 0;
  bool logged_once_ = false;
};

}  // namespace l7::net
