// IMAP client session (RFC 9051, RFC 3501): STARTTLS or implicit TLS (RFC 8314), CAPABILITY,
// AUTHENTICATE SCRAM-SHA-256 (RFC 5802, RFC 7677: the server must prove it knows the keys) or
// PLAIN (RFC 4616), with SASL-IR (RFC 4959) when offered, or LOGIN (never when LOGINDISABLED), SELECT/EXAMINE, UID SEARCH, UID FETCH, UID STORE, UID EXPUNGE (RFC 4315
// UIDPLUS) or EXPUNGE, IDLE (RFC 2177), LOGOUT.
//
// One connection, one command at a time. Use from one executor; a session never moves (its
// stream may turn into TLS in place). Responses are read by response_reader (sans-I/O):
// untagged data may come at any time and updates what the session knows (capabilities,
// EXISTS, UIDVALIDITY, UIDNEXT), FETCH and SEARCH data are collected for the command that
// asked. Every call returns a status: ok, error::rejected with the tagged NO/BAD, or a
// connection-level error (then the session is unusable); `where` names the command.
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
#include "imap/client/response_reader.hpp"
#include "net/asio.hpp"
#include "net/deadline.hpp"
#include "net/stream.hpp"

namespace l7::imap::client {

enum class trace_kind { client, server, note };
using trace_fn = std::function<void(trace_kind, std::string_view)>;

enum class tls_mode {
  off,
  starttls,  // required: error::starttls_unavailable when not offered or refused
  implicit,  // TLS from the first byte (imaps, RFC 8314 §3.3)
};

enum class auth_mode {
  automatic,  // the first of AUTH=SCRAM-SHA-256, AUTH=PLAIN the server offers, else LOGIN
  login,      // LOGIN (RFC 9051 §6.2.3)
  plain,      // AUTHENTICATE PLAIN
  scram,      // AUTHENTICATE SCRAM-SHA-256
};

struct timeouts {
  std::chrono::milliseconds connect{30'000};     // resolution, TCP and the TLS handshake
  std::chrono::milliseconds command{120'000};    // each command's whole answer
  std::chrono::milliseconds transfer{600'000};   // a FETCH of message bodies
  std::chrono::milliseconds idle{29 * 60'000};   // IDLE is renewed this often (RFC 2177 §3)
  static timeouts all(std::chrono::milliseconds d) { return {d, d, d, timeouts{}.idle}; }
};

struct options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 143;
  tls_mode tls = tls_mode::off;
  bool insecure = false;
  std::optional<std::string> ca_file;
  std::string user, password;  // required: login is part of connect()
  auth_mode auth = auth_mode::automatic;
  std::uint64_t max_literal = 512ull * 1024 * 1024;
  timeouts limits;
  trace_fn trace;  // -v: every line both ways (credentials masked, literals summarized)
};

struct status {
  std::error_code ec;
  imap::response reply;  // the tagged response (or the BYE)
  std::string where;     // "connect to h:143", "LOGIN", "SELECT INBOX", ...
  bool ok() const { return !ec; }
  bool rejected() const;
  // "SELECT Nope: NO [NONEXISTENT] Unknown Mailbox" or "connect to h:143: Connection refused".
  std::string message() const;
};

struct mailbox_info {
  std::uint32_t exists = 0;
  std::uint32_t uid_validity = 0;
  std::optional<std::uint32_t> uid_next;
  bool read_only = false;
};

// What an IDLE ended with.
struct idle_result {
  bool exists_grew = false;  // "* n EXISTS" with more messages than before
  bool expunged = false;     // EXPUNGE / VANISHED, or EXISTS shrank
  bool stopped = false;      // stop_idle() was called
};

class session {
 public:
  session(asio::any_io_executor ex, options opt);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  // TCP, implicit TLS, greeting, CAPABILITY, STARTTLS and CAPABILITY again, login.
  net::awaitable<status> connect();
  const capabilities& server_capabilities() const { return caps_; }
  bool tls() const { return stream_ && stream_->is_tls(); }

  // SELECT (read_only false) or EXAMINE.
  net::awaitable<std::pair<status, mailbox_info>> select(std::string mailbox, bool read_only);
  const mailbox_info& mailbox() const { return box_; }
  // UID SEARCH with `criteria` as they are sent ("ALL", "UID 5:*").
  net::awaitable<std::pair<status, std::vector<std::uint32_t>>> uid_search(std::string criteria);
  // UID FETCH `set` (items): the FETCH responses that carry a UID.
  net::awaitable<std::pair<status, std::vector<fetch_data>>> uid_fetch(std::string set, std::string items,
                                                                        bool bodies = false);
  // UID STORE set +FLAGS.SILENT (\Deleted), then UID EXPUNGE set with UIDPLUS, else EXPUNGE
  // (which also removes other messages already flagged \Deleted: RFC 9051 §6.4.3).
  net::awaitable<status> delete_messages(std::string set);
  // IDLE until the mailbox changes, stop_idle() or `timeouts.idle` (then DONE ends it; the
  // result shows no change and no stop, and the caller idles again).
  net::awaitable<std::pair<status, idle_result>> idle();
  // Ends a running idle() (sends DONE); safe to call at any time from the session's executor.
  void stop_idle();
  // LOGOUT (the BYE and tagged OK are waited for briefly) and close.
  net::awaitable<void> logout();

 private:
  net::awaitable<status> open();
  net::awaitable<status> handshake();
  net::awaitable<status> start_tls();
  net::awaitable<status> login();
  net::awaitable<status> authenticate_plain();
  net::awaitable<status> authenticate_scram();
  // One SASL step of the AUTHENTICATE tagged `tag`: sends `line` (traced as `shown`), then
  // returns the next continuation request or the command's tagged response.
  net::awaitable<std::pair<std::error_code, imap::response>> sasl_step(const std::string& tag, std::string line,
                                                                      std::string_view shown);
  net::awaitable<status> capability();
  // Runs one command: `parts` are sent in turn, each but the last ending in a synchronizing
  // literal's "{n}\r\n" and followed after the server's "+"; `shown` is what -v prints.
  net::awaitable<status> run(std::vector<std::string> parts, std::string where, std::chrono::milliseconds timeout,
                             std::string shown = {});
  net::awaitable<std::error_code> write(std::string bytes, std::chrono::milliseconds timeout);
  net::awaitable<std::pair<std::error_code, client_response>> read(std::chrono::milliseconds timeout);
  void send_done();  // ends the running IDLE once
  void untagged(const imap::response& r);
  void trace_response() const;
  void trace(trace_kind kind, std::string_view line) const;
  void add_astring(std::vector<std::string>& parts, std::string_view value) const;
  std::string next_tag();
  std::string endpoint_text() const;

  asio::any_io_executor ex_;
  options opt_;
  std::shared_ptr<asio::ssl::context> tls_ctx_;
  std::unique_ptr<net::stream> stream_;
  std::unique_ptr<net::deadline> deadline_;
  flat_buffer in_{4 * 1024 * 1024};  // partial responses only: the reader keeps whole ones
  response_reader reader_;
  capabilities caps_;
  mailbox_info box_;
  std::vector<fetch_data> fetched_;
  std::vector<std::uint32_t> searched_;
  std::optional<imap::response> bye_;
  idle_result idle_;
  unsigned tag_counter_ = 0;
  bool idling_ = false, done_sent_ = false;
  bool usable_ = false;
};

}  // namespace l7::imap::client
