// POP3 client session (RFC 1939) with CAPA (RFC 2449), STLS (RFC 2595) or implicit TLS
// (RFC 8314), USER/PASS, AUTH SCRAM-SHA-256 (RFC 5802, RFC 7677: the server must prove it knows
// the keys) and AUTH PLAIN (RFC 4616), both with the initial response (RFC 5034).
//
// One connection, one command at a time (no pipelining). Use from one executor; a session
// never moves (its stream may turn into TLS in place). Responses are read by response.hpp's
// parser under a time limit each; multi-line bodies come back dot-unstuffed.
// Every call returns a status: ok, error::rejected with the server's -ERR line, or a
// connection-level error (then the session is unusable); `where` names the command.
// Deletions (dele) take effect only when quit() is answered +OK (RFC 1939 §6).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/buffer.hpp"
#include "net/asio.hpp"
#include "net/deadline.hpp"
#include "net/stream.hpp"
#include "pop3/client/response.hpp"

namespace l7::pop3::client {

enum class trace_kind { client, server, note };
using trace_fn = std::function<void(trace_kind, std::string_view)>;

enum class tls_mode {
  off,
  stls,      // STLS required (RFC 2595 §4): error::stls_unavailable when not offered or refused
  implicit,  // TLS from the first byte (pop3s, RFC 8314 §3.3)
};

enum class auth_mode {
  automatic,  // the first of SASL SCRAM-SHA-256, PLAIN that CAPA lists, else USER/PASS
  user,       // USER/PASS (RFC 1939 §7)
  plain,      // AUTH PLAIN (RFC 5034)
  scram,      // AUTH SCRAM-SHA-256 (RFC 5034)
};

struct timeouts {
  std::chrono::milliseconds connect{30'000};  // resolution, TCP and the TLS handshake
  std::chrono::milliseconds command{120'000}; // each single-line response, CAPA, LIST, UIDL
  std::chrono::milliseconds transfer{600'000};  // a whole RETR or TOP response
  static timeouts all(std::chrono::milliseconds d) { return {d, d, d}; }
};

struct options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 110;
  tls_mode tls = tls_mode::off;
  bool insecure = false;               // TLS: skip certificate verification
  std::optional<std::string> ca_file;  // TLS: trust only this PEM bundle
  std::string user, password;          // required: login is part of connect()
  auth_mode auth = auth_mode::automatic;
  client::limits response_limits;
  timeouts limits;
  trace_fn trace;                      // -v: every line both ways, credentials masked
};

struct status {
  std::error_code ec;
  status_line reply;  // the server's line (the -ERR when ec == error::rejected)
  std::string where;  // "connect to h:110", "STLS", "PASS", "RETR 3", ...
  bool ok() const { return !ec; }
  bool rejected() const;
  // "RETR 9: -ERR [SYS/TEMP] no such message" or "connect to h:110: Connection refused".
  std::string message() const;
};

class session {
 public:
  session(asio::any_io_executor ex, options opt);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  // TCP, implicit TLS, greeting, CAPA, STLS and CAPA again, then login.
  net::awaitable<status> connect();
  const capabilities& server_capabilities() const { return caps_; }
  bool tls() const { return stream_ && stream_->is_tls(); }

  net::awaitable<std::pair<status, drop_stat>> stat();
  net::awaitable<std::pair<status, std::vector<scan_listing>>> list();
  // Needs UIDL (optional in RFC 1939 §7): a server without it answers -ERR.
  net::awaitable<std::pair<status, std::vector<unique_id_listing>>> uidl();
  // The message as stored (dot-unstuffed, line ends as received).
  net::awaitable<std::pair<status, std::string>> retr(std::uint32_t number);
  // The header section, the blank line and `lines` body lines (RFC 1939 §7).
  net::awaitable<std::pair<status, std::string>> top(std::uint32_t number, std::uint32_t lines);
  net::awaitable<status> dele(std::uint32_t number);
  // QUIT: the server applies the deletions (UPDATE state) and answers; then closes. A -ERR
  // here means the deletions were not made.
  net::awaitable<status> quit();
  // Closes without QUIT: nothing marked is deleted.
  void abort();

 private:
  net::awaitable<status> open();
  net::awaitable<status> handshake();
  net::awaitable<status> capa();
  net::awaitable<status> start_tls();
  net::awaitable<status> login();
  net::awaitable<status> auth_plain();
  net::awaitable<status> auth_scram();
  // One SASL step of AUTH: sends `line` (traced as `shown`) and reads a "+ " challenge
  // (reply.continuation), +OK or -ERR (error::rejected).
  net::awaitable<status> sasl_step(std::string line, std::string_view shown, const std::string& where);
  // Sends `line` (traced, its argument masked when `mask`) and reads the response; a -ERR is
  // error::rejected.
  net::awaitable<status> command(std::string line, std::string where, bool multiline,
                                 std::chrono::milliseconds timeout, bool mask = false);
  net::awaitable<std::error_code> write(std::string bytes, std::chrono::milliseconds timeout);
  net::awaitable<std::error_code> read_response(bool multiline, std::chrono::milliseconds timeout,
                                                bool challenge = false);
  void trace(trace_kind kind, std::string_view line) const;
  std::string endpoint_text() const;

  asio::any_io_executor ex_;
  options opt_;
  std::shared_ptr<asio::ssl::context> tls_ctx_;
  std::unique_ptr<net::stream> stream_;
  std::unique_ptr<net::deadline> deadline_;
  flat_buffer in_{4 * 1024 * 1024};  // partial lines only: the parser takes whole ones
  response_parser parser_;
  std::string body_;  // the last multi-line response's body
  capabilities caps_;
  bool usable_ = false;  // greeted, and no connection-level error since: QUIT may be sent
};

}  // namespace l7::pop3::client
