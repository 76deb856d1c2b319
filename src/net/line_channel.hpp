// A command-and-reply connection for the line protocols on net::connection (SMTP now; POP3
// and IMAP next): lines in (CRLF, or a bare LF), raw byte runs in (BDAT chunks, literals),
// replies queued and flushed when the client has nothing more buffered (pipelining, RFC 2920
// §3.1), STARTTLS in place, and the one deadline of each wait. Used by one coroutine at a time.
//
// Waits are polite (io_waiter): a timeout or a graceful stop comes back as an error
// (asio::error::timed_out, asio::error::shut_down) with the connection still open, so the
// protocol can say goodbye (421, "* BYE") before close().
// Input is buffered up to max_line + read_chunk bytes; a longer line is reported once as
// line_status::too_long and the rest of it skipped (core/command_line.hpp).
// Memory: reads go into the worker's shared scratch buffer and are parsed there; only a
// pipelined or partial rest is copied into the channel's own buffer, which is freed again
// when it is empty and large. A session waiting for its next command holds no read buffer.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/buffer.hpp"
#include "core/command_line.hpp"
#include "net/asio.hpp"
#include "net/connection.hpp"
#include "net/io_waiter.hpp"
#include "net/runtime.hpp"

namespace l7::net {

class line_channel {
 public:
  using duration = connection::clock::duration;
  static constexpr std::size_t read_chunk = 16 * 1024;

  line_channel(worker& w, std::unique_ptr<connection> c, std::size_t max_line);
  ~line_channel();
  line_channel(const line_channel&) = delete;
  line_channel& operator=(const line_channel&) = delete;

  connection& conn() { return *conn_; }
  bool is_tls() const { return conn_->is_tls(); }

  // The next line, without its terminator, into `line`. `too_long` is set (and `line` empty)
  // for a line over max_line. Errors: asio::error::eof (the peer closed), timed_out,
  // shut_down (graceful stop), or the socket's.
  awaitable<std::error_code> read_line(std::string& line, bool& too_long, duration timeout);
  // Buffered bytes, or at least one byte read now; the caller consumes what it used with
  // consume() before it suspends (the bytes may lie in the worker's shared scratch buffer).
  // Errors as read_line(), but unless `stoppable` a graceful stop does not interrupt it (a
  // message or literal in transfer is finished, within the timeout).
  awaitable<std::error_code> read_some(std::string_view& bytes, duration timeout, bool stoppable = false);
  // Wakes a read_line()/read_some() waiting for bytes with asio::error::interrupted (the
  // input read so far stays buffered); nothing happens if none is waiting.
  void interrupt() { waiter_.interrupt(); }
  void consume(std::size_t n);
  // Bytes the client sent that no read has taken yet (pipelined commands).
  bool has_input() const { return !in_.empty(); }
  // Drops buffered input (what a client sent after STARTTLS and before the handshake must
  // not be read as coming over TLS: RFC 3207 §6, RFC 2595 §3.1).
  void discard_input() { consume(in_.size()); }

  // Replies are appended here and sent by flush().
  std::string& out() { return out_; }
  // Sends out() whole. Errors: timed_out, or the socket's.
  awaitable<std::error_code> flush(duration timeout);

  // TLS as the server from here (implicit TLS, or after "220 Ready to start TLS" was flushed).
  awaitable<std::error_code> start_tls(ssl_ctx_st* ctx, duration timeout);
  // close_notify and FIN, then the socket is closed.
  void close();
  // The last words of a session (a goodbye, a refusal): sends out(), waiting at most
  // `timeout` for a client that does not read, then close().
  awaitable<void> flush_and_close(duration timeout = std::chrono::seconds(5));

 private:
  static constexpr std::size_t keep_buffer = 4096;  // larger idle buffers are freed

  awaitable<std::error_code> read_more(duration timeout, bool stoppable);
  // Copies input that still lies in the scratch buffer into the channel's own.
  void keep_input();
  awaitable<std::error_code> wait(unsigned what, duration timeout);

  worker& worker_;
  io_waiter waiter_;
  std::unique_ptr<connection> conn_;
  command_framer framer_;
  flat_buffer in_;
  std::string out_;
};

}  // namespace l7::net
