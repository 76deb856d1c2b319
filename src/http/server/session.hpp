// One burst of HTTP/1.1 on a connection: reads requests with the shared codec, routes them,
// writes responses, for as long as the client has something to say. States, one function
// each: handshake (TLS, first burst only) -> read_head -> serve (route + handler) ->
// finish_request -> read_head ... When a response is out and nothing more is waiting, the
// connection is parked (net/parking.hpp) and the session ends: between requests a keep-alive
// connection holds no session, parser, buffer or coroutine (RFC 9112 §9.3; the next request
// starts a new session on the same connection).
//
// Timeouts (settings.hpp): idle between requests (the parking's), header (first byte to end
// of head, against slowloris; also the TLS handshake), io (each body read and response write,
// and a handler's whole run). On expiry the connection is closed.
// Parse errors are answered with the status the codec names (400/413/414/431/501/505) and
// the connection closes. A graceful stop closes parked connections at once and lets a request
// in progress finish with "Connection: close".
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/buffer.hpp"
#include "http/codec/parser.hpp"
#include "http/server/exchange.hpp"
#include "net/connection.hpp"
#include "net/io_waiter.hpp"
#include "net/runtime.hpp"

namespace l7::http::server {

struct listener_context;
struct fixed_response;
class listener_worker;

class session {
 public:
  // Sessions are pooled by their listener (listener.hpp): one is set up once, then serves
  // burst after burst of different connections.
  explicit session(listener_worker& home);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  // Where a burst stands: how far try_read_head() (or run_instant()) got with the next request.
  enum class head_step {
    none,       // nothing done yet: read the next head
    handshake,  // the TLS handshake is not done
    ready,      // a head is parsed: serve it
    idle,       // nothing to read: the connection is parked
    wait,       // part of a head: read the rest
    failed,     // the head failed (the error code says how)
    writing,    // a response is out in part: pending_a_, pending_b_ remain
    answered,   // a response is out and the connection is to close
  };
  struct start {
    head_step next;
    std::error_code ec;
  };

  // The start of a burst on `c`, before any coroutine: requests whose head arrives whole and
  // whose answer is known at once (route::fixed) are served here, one after another, until
  // the connection is quiet (parked: returns idle) or a request needs more (the coroutine,
  // serve_burst(), goes on from there).
  void begin_burst(std::unique_ptr<net::connection> c);
  start run_instant();
  void end_burst();
  // The rest of a burst that run_instant() could not finish. At the end the connection is
  // parked, closed or handed to another protocol; `self` goes back to its listener's pool
  // (if the coroutine is destroyed instead, both go with it).
  static net::awaitable<void> serve_burst(std::unique_ptr<session> self, start from);

 private:
  friend class exchange;
  // Reads for bodies and long heads take up to read_chunk. The first read of a request goes
  // into the worker's shared scratch buffer: a request whose head arrives whole (nearly all
  // of them) never needs a buffer of the session's own.
  static constexpr std::size_t read_chunk = 16 * 1024;

  net::awaitable<void> run(start from);
  net::awaitable<bool> handshake();
  // The common case without suspending: the head is buffered, or one read brings all of it.
  head_step try_read_head(std::error_code& ec);
  // The rest of a head that arrives in pieces (within the header timeout).
  net::awaitable<std::error_code> read_head_rest();
  std::error_code head_complete();
  // The fixed response that can answer the parsed request without a coroutine, or null.
  const fixed_response* instant_route();
  void trace_request();
  net::awaitable<void> serve();
  // Whether to read the next request, when that is known without reading: nullopt when the
  // handler left body bytes to skip first (finish_request()).
  std::optional<bool> finish_fast() const;
  net::awaitable<bool> finish_request();
  // Ends the connection: close_notify and FIN, then, with `linger`, reads what the peer still
  // sends for a moment so that the close does not reset what is in flight.
  net::awaitable<void> close(bool linger);
  net::awaitable<void> send_error(int status, std::string_view detail);

  // Next parser event, reading from the socket as needed.
  net::awaitable<std::error_code> pull(event& ev);
  // Reads once more into buffer_ (waiting for readability as needed).
  net::awaitable<std::error_code> read_more(std::size_t want);
  net::awaitable<std::error_code> wait(unsigned what);

  // Output. send_now() writes what the socket takes at once and advances `a`, `b`; true when
  // it is all out (or failed: `ec`). write_rest() waits for the socket to take the rest.
  // `more`: more bytes follow right away (MSG_MORE: the head goes out with the body).
  bool send_now(std::span<const std::byte>& a, std::span<const std::byte>& b, std::error_code& ec,
                bool more = false);
  net::awaitable<std::error_code> write_rest(std::span<const std::byte> a, std::span<const std::byte> b,
                                             bool more);
  net::awaitable<std::error_code> write(std::string_view head, std::span<const std::byte> body,
                                        bool more = false);
  // A whole response from memory, with the session's reusable head: true when it is all out
  // (or failed: `ec`); else pending_a_ and pending_b_ hold what write_rest() must still send.
  bool reply_now(int status, std::string_view content_type, std::string_view body, std::error_code& ec);
  // A head prepared by exchange::begin() waits in out_ for the first body bytes (one write
  // instead of two, and no lone head segment); this sends it alone.
  net::awaitable<std::error_code> flush_head(bool more);
  net::awaitable<std::error_code> send_file(int fd, std::uint64_t offset, std::uint64_t length);
  net::awaitable<std::error_code> read_body(std::string& out, std::uint64_t max);

  // Completes `head` (Date, Server, framing, Connection) and serializes it into out_.
  void prepare_head(response_head& head, std::optional<std::uint64_t> length, bool chunked);
  void reset_request();
  bool decode_target();  // path_ and query_ from the target; false when malformed
  void log_exchange();
  const std::string& remote_text();
  bool stopping() const { return worker_.stopping(); }

  listener_worker& home_;
  net::worker& worker_;
  const listener_context& listener_;
  net::io_waiter waiter_;                  // conn_'s owner while the session runs
  std::unique_ptr<net::connection> conn_;  // null once parked or handed to another protocol
  std::optional<net::worker::session_token> token_;  // during a burst
  net::tcp::endpoint remote_;
  bool secure_;
  flat_buffer buffer_;  // only what a read left over: a partial head, a body, pipelining
  parser parser_;
  response_head reply_;  // reused by reply_now()
  std::string out_;
  std::span<const std::byte> pending_a_, pending_b_;  // reply_now() could not send it all
  std::string remote_text_;  // formatted on first use

  // Per request.
  std::string path_;
  std::string_view query_;
  bool head_only_ = false;
  bool responded_ = false;
  bool response_done_ = false;
  bool head_pending_ = false;
  bool chunked_out_ = false;
  bool close_after_ = false;
  bool continue_sent_ = false;
  bool upgraded_ = false;
  bool traced_ = false;  // the request was printed (--trace)
  int status_ = 0;
  std::uint64_t bytes_sent_ = 0;
};

}  // namespace l7::http::server
