// A one-line transfer progress meter for a terminal, redrawn in place with '\r':
//   " 42% [########            ]  1.2 MiB / 2.9 MiB  3.1 MiB/s"
// or, when the total is unknown, "  1.2 MiB  3.1 MiB/s". Pure formatting: time comes in as
// an argument and the caller writes the lines, so it is testable with a fake clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace l7::http::client {

class progress_meter {
 public:
  using clock = std::chrono::steady_clock;

  // At most one redraw per `interval`.
  explicit progress_meter(clock::duration interval = std::chrono::milliseconds(100))
      : interval_(interval) {}

  // A new transfer of `total` bytes (nullopt: unknown) starting at `now`.
  void start(std::optional<std::uint64_t> total, clock::time_point now);
  // `n` more bytes arrived. Returns the line to write when a redraw is due.
  std::optional<std::string> advance(std::uint64_t n, clock::time_point now);
  // The last line, with the average rate, ending in a newline; empty when nothing was drawn
  // and nothing arrived.
  std::string finish(clock::time_point now);

 private:
  std::string line(clock::time_point now) const;

  clock::duration interval_;
  std::optional<std::uint64_t> total_;
  std::uint64_t done_ = 0;
  clock::time_point started_{};
  std::optional<clock::time_point> drawn_;  // last redraw
};

}  // namespace l7::http::client
