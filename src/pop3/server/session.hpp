// One POP3 connection (RFC 1939 §3-§6): AUTHORIZATION (USER/PASS, AUTH, STLS, CAPA), then
// TRANSACTION on a snapshot of the maildrop taken at login, then UPDATE on QUIT: messages
// marked with DELE are removed only then (§6); a session that ends any other way (timeout,
// reset, graceful stop) removes nothing. Replies are flushed when no pipelined command is
// waiting (RFC 2449 §6.6 PIPELINING).
// Another session (or IMAP) may remove a message meanwhile: RETR/TOP of it then say -ERR.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/line_channel.hpp"
#include "net/line_service.hpp"
#include "pop3/codec/command.hpp"
#include "pop3/server/shared_state.hpp"

namespace l7::mail {
class folder;
}

namespace l7::pop3::server {

class session {
 public:
  session(net::worker& w, std::unique_ptr<net::connection> c, shared_state& shared, const net::line_listener& l);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  net::awaitable<void> run();

 private:
  enum class next { go_on, close };
  struct entry {
    std::uint32_t uid;
    std::uint64_t size;
    bool deleted = false;
  };

  net::awaitable<next> command(std::string_view line);
  // AUTHORIZATION state (session_login.cpp).
  net::awaitable<next> on_user(std::string_view arg);
  net::awaitable<next> on_pass(std::string_view arg);
  net::awaitable<next> on_auth(std::string_view arg);
  net::awaitable<next> on_stls(std::string_view arg);
  net::awaitable<next> login(const std::string& user, const std::string& password);
  // The maildrop and +OK when `ok`; else the delay, the failure count and -ERR [AUTH].
  net::awaitable<next> login_outcome(const std::string& user, bool ok, std::string_view detail = {});
  net::awaitable<next> auth_scram(std::optional<std::string> initial);
  net::awaitable<std::error_code> sasl_response(std::string_view challenge, std::string& response);
  bool auth_allowed() const;
  void on_capa();
  // TRANSACTION state (session_maildrop.cpp).
  net::awaitable<std::error_code> open_maildrop(const std::string& user);
  void on_stat();
  void on_list(std::string_view arg, bool uidl);
  net::awaitable<next> on_retr(std::string_view arg, bool top);
  void on_dele(std::string_view arg);
  void on_rset();
  net::awaitable<next> on_quit();
  // The entry for a message-number argument, or null after an -ERR reply.
  entry* find(std::string_view arg);

  void ok(std::string_view text);
  void err(std::string_view text, resp_code code = resp_code::none);
  void note(std::string_view who, std::string_view line);
  net::awaitable<void> goodbye(std::string_view text);

  net::worker& worker_;
  net::worker::session_token token_;
  shared_state& shared_;
  const net::line_listener& listener_;
  net::line_channel io_;
  std::string remote_;
  bool loopback_ = false;
  bool counted_ = false;

  std::string pending_user_;  // after USER
  std::string user_;          // logged in (TRANSACTION state)
  unsigned failures_ = 0;
  std::shared_ptr<mail::folder> maildrop_;
  std::vector<entry> messages_;
  std::uint32_t uidvalidity_ = 0;
};

}  // namespace l7::pop3::server
