// One SMTP connection (RFC 5321 §3, §4): greeting, then commands and replies until QUIT, an
// error limit, a timeout or a graceful stop. One function per command; replies are queued and
// flushed when the client has nothing more buffered, so pipelined command groups (RFC 2920)
// get their replies in one write.
//
// Transaction rules enforced here: HELO/EHLO before MAIL (§4.1.4), MAIL -> RCPT... -> DATA or
// BDAT (§3.3, RFC 3030), STARTTLS forgets everything said before it (RFC 3207 §4.2) and drops
// input sent ahead of the handshake, AUTH only once and not in a transaction (RFC 4954 §4),
// submission listeners want AUTH before MAIL (RFC 6409 §4.3).
// Goodbyes: 421 on timeout (§4.5.3.2), on too many errors and on a graceful stop; the message
// being transferred when the stop begins is still received and answered.
// A message is answered 250 only after every copy of it is durable in the store.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net/line_channel.hpp"
#include "smtp/codec/command.hpp"
#include "smtp/server/shared_state.hpp"

namespace l7::smtp::server {

class session {
 public:
  session(net::worker& w, std::unique_ptr<net::connection> c, shared_state& shared, const net::line_listener& l,
          bool submission);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  net::awaitable<void> run();

 private:
  enum class next { go_on, close };
  struct recipient {
    mailbox address;
    std::string account;  // the local account, or empty (capture, relayed)
    bool relayed = false; // another domain's: into the outbound queue
    std::uint8_t notify = 0;
    std::string orcpt;
  };

  net::awaitable<next> command(std::string_view line);
  void on_hello(std::string_view arg, verb v);
  void on_mail(std::string_view arg);
  void on_rcpt(std::string_view arg);
  net::awaitable<next> on_data(std::string_view arg);
  net::awaitable<next> on_bdat(std::string_view arg);
  net::awaitable<next> on_starttls(std::string_view arg);
  net::awaitable<next> on_auth(std::string_view arg);
  void on_vrfy(std::string_view arg);
  void on_help();

  // Authentication (session_auth.cpp).
  net::awaitable<std::error_code> sasl_response(std::string_view challenge, std::string& response);
  net::awaitable<bool> check_password(const std::string& user, const std::string& password);
  net::awaitable<next> auth_scram(std::optional<std::string> initial);
  // 235 when `ok`; else the delay, the failure count, and 535 (or 421 at the limit).
  net::awaitable<next> auth_outcome(const std::string& user, bool ok, std::string_view detail = {});
  bool auth_allowed() const;

  // Mail (session_mail.cpp).
  std::error_code route(const rcpt_to& r, recipient& out, int& code, std::string_view& enhanced,
                        std::string& text) const;
  bool relay_allowed() const;
  // Reads a BDAT chunk's bytes (kept when `keep`); false when the connection failed.
  net::awaitable<bool> read_chunk(std::uint64_t size, bool keep);
  // Stores message_ for every recipient and queues the final reply.
  net::awaitable<void> finish_message();
  std::string received_header(const std::string& id) const;
  std::string capture_meta() const;

  void reply(int code, std::string_view enhanced, std::string_view text);
  void reply_lines(int code, const std::vector<std::string>& lines);
  // A reply to a bad command; counts towards max_errors.
  void error_reply(int code, std::string_view enhanced, std::string_view text);
  void reset_transaction();
  void note(std::string_view who, std::string_view line);  // transcript and --trace
  net::awaitable<void> goodbye(std::string_view text);

  net::worker& worker_;
  net::worker::session_token token_;  // the runtime waits for it when stopping
  shared_state& shared_;
  const net::line_listener& listener_;
  const bool submission_;  // AUTH before MAIL (RFC 6409 §4.3)
  net::line_channel io_;
  std::string remote_;  // RFC 5952 address
  bool loopback_ = false;
  bool counted_ = false;  // holds a per_address slot

  std::string helo_;
  bool esmtp_ = false;
  std::string user_;  // authenticated account (or the name given, with auth_accept_any)
  unsigned errors_ = 0;
  unsigned auth_failures_ = 0;

  // The transaction.
  bool in_mail_ = false;
  mail_from from_;
  std::vector<recipient> rcpts_;
  std::string message_;
  bool bdat_ = false;         // BDAT chunks are being received
  bool bdat_failed_ = false;  // a chunk was refused: the rest is read and dropped
  std::string transcript_;    // the dialogue since the last message (capture keeps it)
};

}  // namespace l7::smtp::server
