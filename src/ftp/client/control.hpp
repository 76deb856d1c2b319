// The control connection of an FTP client (RFC 959 §5.3-§5.4): sends command lines and reads
// numeric replies (core/numeric_reply.hpp) with a time limit per reply. The stream may turn
// into TLS in place (AUTH TLS, RFC 4217 §4), so a control never moves once connected.
// Errors are values: I/O codes, error::timed_out, error::connection_closed, reply_error.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "core/buffer.hpp"
#include "core/numeric_reply.hpp"
#include "net/asio.hpp"
#include "net/deadline.hpp"
#include "net/stream.hpp"

namespace l7::ftp::client {

// "> USER x", "< 220 ready", "* note": one line of the dialogue, for -v.
using trace_fn = std::function<void(std::string_view)>;

class control {
 public:
  control(net::stream stream, trace_fn trace);
  control(const control&) = delete;
  control& operator=(const control&) = delete;

  net::stream& stream() { return stream_; }

  // Sends "command CRLF" (the argument of PASS is masked in the trace). A command holding CR,
  // LF or NUL is refused with error::unsafe_argument before anything is sent.
  net::awaitable<std::error_code> send(std::string command, std::chrono::milliseconds timeout);
  // The next reply, whole (multi-line replies joined), within `timeout`.
  net::awaitable<std::pair<std::error_code, numeric_reply>> read_reply(std::chrono::milliseconds timeout);
  // send() then read_reply().
  net::awaitable<std::pair<std::error_code, numeric_reply>> command(std::string command,
                                                                    std::chrono::milliseconds timeout);
  void note(std::string_view text) const;
  void close() { stream_.close(); }

 private:
  void trace_reply(const numeric_reply& r) const;

  net::stream stream_;
  trace_fn trace_;
  flat_buffer in_{64 * 1024};
  reply_parser parser_;
  net::deadline deadline_;
};

}  // namespace l7::ftp::client
