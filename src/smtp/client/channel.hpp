// The connection of an SMTP client (RFC 5321 §4.1, §4.2): writes command lines and message
// data, reads numeric replies (core/numeric_reply.hpp; multi-line replies repeat the code on
// every line, §4.2.1) each within a time limit. Replies that arrive together (PIPELINING,
// RFC 2920) stay buffered for the next read. The stream may turn into TLS in place (STARTTLS,
// RFC 3207), so a channel never moves once connected.
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

namespace l7::smtp::client {

// Who a traced line comes from: what we sent, what the server answered, or a note of ours
// ("connected to ...", "TLS established").
enum class trace_kind { client, server, note };
using trace_fn = std::function<void(trace_kind, std::string_view)>;

class channel {
 public:
  channel(net::stream stream, trace_fn trace);
  channel(const channel&) = delete;
  channel& operator=(const channel&) = delete;

  net::stream& stream() { return stream_; }
  // Bytes received and not yet parsed (must be none when STARTTLS's 220 arrives, RFC 3207 §5).
  bool has_buffered() const { return in_.size() > 0; }

  // Writes `bytes` as they are (callers trace them first, see trace()).
  net::awaitable<std::error_code> write(std::string bytes, std::chrono::milliseconds timeout);
  // The next reply, whole; traced line by line.
  net::awaitable<std::pair<std::error_code, numeric_reply>> read_reply(std::chrono::milliseconds timeout);
  void trace(trace_kind kind, std::string_view line) const;
  bool tracing() const { return static_cast<bool>(trace_); }
  void close() { stream_.close(); }

 private:
  net::stream stream_;
  trace_fn trace_;
  flat_buffer in_{64 * 1024};
  reply_parser parser_{reply_parser::limits{4096, 1000, true}};
  net::deadline deadline_;
};

}  // namespace l7::smtp::client
