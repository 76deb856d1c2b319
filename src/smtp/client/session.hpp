// SMTP client session (RFC 5321) with the extensions a submission client needs: STARTTLS
// (RFC 3207) or implicit TLS (RFC 8314 §3.3), AUTH SCRAM-SHA-256, PLAIN and LOGIN (RFC 4954,
// RFC 5802, RFC 7677, RFC 4616),
// SIZE (RFC 1870), 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531), PIPELINING (RFC 2920) and
// CHUNKING/BDAT (RFC 3030).
//
// One connection; one transaction at a time. Use from one executor; a session never moves
// (its stream may turn into TLS in place), so hold it in place or by pointer. While connected
// it keeps a watchdog timer pending on the executor: stop the io_context or destroy the session.
// Every call returns a status: ok, error::rejected with the server's 4xx/5xx reply, or a
// connection-level error (then the session is unusable); `where` names the stage.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/numeric_reply.hpp"
#include "net/asio.hpp"
#include "smtp/client/capabilities.hpp"
#include "smtp/client/channel.hpp"

namespace l7::smtp::client {

enum class tls_mode {
  off,
  starttls_optional,  // STARTTLS when offered, else stay plain (opportunistic)
  starttls_required,  // fail with error::starttls_unavailable when not offered or refused
  implicit,           // TLS from the first byte (smtps / submissions, RFC 8314)
};

// Time limits of RFC 5321 §4.5.3.2 (defaults are the RFC's minimums); `command` covers EHLO,
// STARTTLS, AUTH, RSET and QUIT, `connect` resolution, TCP and the TLS handshake.
struct timeouts {
  std::chrono::milliseconds connect{30'000};
  std::chrono::milliseconds greeting{5 * 60'000};
  std::chrono::milliseconds command{5 * 60'000};
  std::chrono::milliseconds mail{5 * 60'000};
  std::chrono::milliseconds rcpt{5 * 60'000};
  std::chrono::milliseconds data_init{2 * 60'000};
  std::chrono::milliseconds data_block{3 * 60'000};
  std::chrono::milliseconds data_term{10 * 60'000};
  // Every limit set to `d` (the CLI's --timeout).
  static timeouts all(std::chrono::milliseconds d) { return {d, d, d, d, d, d, d, d}; }
};

struct options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 25;
  tls_mode tls = tls_mode::off;
  bool insecure = false;               // TLS: skip certificate verification
  std::optional<std::string> ca_file;  // TLS: trust only this PEM bundle
  std::string helo_name = "localhost"; // the EHLO/HELO domain (§4.1.1.1)
  std::string auth_user, auth_password;  // AUTH when auth_user is set
  std::string auth_mechanism;          // SCRAM-SHA-256, PLAIN or LOGIN; empty picks them in that order
  bool pipelining = true;              // pipeline MAIL/RCPT/DATA when offered (RFC 2920)
  bool bdat = false;                   // BDAT instead of DATA when CHUNKING is offered
  std::size_t chunk_size = 64 * 1024;  // BDAT chunk size
  timeouts limits;
  trace_fn trace;                      // -v: every line both ways, credentials masked
};

struct status {
  std::error_code ec;
  numeric_reply reply;  // the server's reply (the refusal when ec == error::rejected)
  std::string where;    // the stage: "connect to h:25", "STARTTLS", "MAIL FROM", "DATA", ...
  bool ok() const { return !ec; }
  bool rejected() const;
  // "RCPT TO <b@x>: 550 5.1.1 No such user" or "connect to h:25: Connection refused".
  std::string message() const;
};

struct envelope {
  std::string from;             // reverse-path without angle brackets; may be empty (bounce)
  std::vector<std::string> to;  // forward-paths without angle brackets
  // Extra parameters the caller has checked the server offers, e.g. DSN's "RET=HDRS
  // ENVID=x" (RFC 3461 §4.3-4.4) and, one per `to` or none, "NOTIFY=FAILURE ORCPT=rfc822;a@b"
  // (§4.1-4.2). Printable ASCII only (error::unsafe_argument otherwise).
  std::string mail_params;
  std::vector<std::string> rcpt_params;
};

struct recipient_result {
  std::string address;
  numeric_reply reply;
  bool accepted() const { return reply.code / 100 == 2; }
};

struct send_result {
  status st;                              // ok when the message was accepted (250)
  std::vector<recipient_result> recipients;
  numeric_reply final_reply;              // the reply to the end of data
  std::string queue_id;                   // from "queued as X" / "id=X" in the final reply
};

// The queue id a server names in its 250 reply, or "" (heuristic: "queued as X", "id=X").
std::string queue_id_of(const numeric_reply& reply);
// "250 2.0.0 Ok: queued as X" from a reply (lines joined with spaces).
std::string reply_text(const numeric_reply& reply);

class session {
 public:
  session(asio::any_io_executor ex, options opt);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  // TCP, implicit TLS, greeting (§4.3.1), EHLO (HELO after 500/502), STARTTLS and EHLO again,
  // AUTH when credentials are set.
  net::awaitable<status> connect();
  const capabilities& server_capabilities() const { return caps_; }
  bool tls() const;
  bool authenticated() const { return authenticated_; }

  // One mail transaction: MAIL FROM, RCPT TO for each recipient (refusals collected, the
  // transaction goes on while one is accepted), then DATA (dot-stuffed, §4.5.2) or BDAT.
  // `message` is RFC 5322 text; line ends are sent as CRLF. On a refusal the transaction is
  // reset (RSET) so the session stays usable. Precondition: connect() succeeded.
  net::awaitable<send_result> send(const envelope& env, std::string message);
  // QUIT and close (the reply is waited for briefly; errors are ignored).
  net::awaitable<void> quit();

 private:
  struct transaction;

  net::awaitable<status> command(std::string line, std::chrono::milliseconds timeout,
                                 std::string where, bool mask = false);
  net::awaitable<status> open();
  net::awaitable<status> greeting();
  net::awaitable<status> hello();
  net::awaitable<status> start_tls();
  net::awaitable<status> handshake();
  net::awaitable<status> authenticate();
  net::awaitable<status> auth_plain();
  net::awaitable<status> auth_login();
  net::awaitable<status> auth_scram();
  bool use_bdat() const;
  status check_envelope(transaction& t) const;
  void take_rcpt_reply(transaction& t, const std::string& rcpt, numeric_reply reply);
  status no_recipients(const transaction& t) const;
  net::awaitable<status> send_envelope(transaction& t);
  net::awaitable<status> send_pipelined(transaction& t);
  net::awaitable<status> pipelined_data(transaction& t);
  net::awaitable<status> send_data(transaction& t);
  net::awaitable<status> send_content(transaction& t);
  net::awaitable<status> send_bdat(transaction& t);
  net::awaitable<status> final_reply(transaction& t, std::chrono::milliseconds timeout, std::string where);
  void trace_message(std::string_view message) const;
  net::awaitable<status> finish(status st);
  std::string endpoint_text() const;

  asio::any_io_executor ex_;
  options opt_;
  std::shared_ptr<asio::ssl::context> tls_ctx_;
  std::unique_ptr<channel> ch_;
  capabilities caps_;
  bool authenticated_ = false;
  bool usable_ = false;  // greeted, and no connection-level error since: QUIT may be sent
};

}  // namespace l7::smtp::client
