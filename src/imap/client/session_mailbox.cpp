// The IMAP client session in the selected state: SELECT/EXAMINE, UID SEARCH, UID FETCH,
// deletion (UID STORE + UID EXPUNGE / EXPUNGE), IDLE, and LOGOUT.
#include <fmt/format.h>

#include "core/text.hpp"
#include "imap/client/error.hpp"
#include "imap/client/session.hpp"
#include "imap/codec/encode.hpp"

namespace l7::imap::client {

// RFC 9051 §6.3.2 / §6.3.3: the untagged EXISTS and OK [UIDVALIDITY] / [UIDNEXT] come before
// the tagged OK, whose code says READ-ONLY or READ-WRITE.
net::awaitable<std::pair<status, mailbox_info>> session::select(std::string name, bool read_only) {
  box_ = {};
  std::vector<std::string> parts{read_only ? "EXAMINE " : "SELECT "};
  std::string encoded;
  imap::append_mailbox(encoded, name, caps_.has("IMAP4rev2"));
  if (encoded.starts_with('{')) co_return std::pair{status{make_error_code(error::unsafe_argument), {}, "SELECT"}, box_};
  parts.back() += encoded;
  auto where = fmt::format("{} {}", read_only ? "EXAMINE" : "SELECT", name);
  auto st = co_await run(std::move(parts), where, opt_.limits.command);
  if (st.ok()) box_.read_only = read_only || iequals(st.reply.code, "READ-ONLY");
  idle_ = {};
  co_return std::pair{st, box_};
}

net::awaitable<std::pair<status, std::vector<std::uint32_t>>> session::uid_search(std::string criteria) {
  searched_.clear();
  std::vector<std::string> parts{"UID SEARCH " + criteria};
  auto where = parts.front();
  auto st = co_await run(std::move(parts), where, opt_.limits.command);
  auto found = std::move(searched_);
  searched_.clear();
  co_return std::pair{st, found};
}

net::awaitable<std::pair<status, std::vector<fetch_data>>> session::uid_fetch(std::string set, std::string items,
                                                                               bool bodies) {
  fetched_.clear();
  std::vector<std::string> parts{fmt::format("UID FETCH {} {}", set, items)};
  auto where = fmt::format("UID FETCH {}", set);
  auto st = co_await run(std::move(parts), where, bodies ? opt_.limits.transfer : opt_.limits.command);
  auto got = std::move(fetched_);
  fetched_.clear();
  co_return std::pair{st, got};
}

net::awaitable<status> session::delete_messages(std::string set) {
  std::vector<std::string> store{fmt::format("UID STORE {} +FLAGS.SILENT (\\Deleted)", set)};
  auto st = co_await run(std::move(store), "UID STORE " + set, opt_.limits.command);
  if (!st.ok()) co_return st;
  // RFC 4315 §2.1: UID EXPUNGE removes only these; plain EXPUNGE every \Deleted message.
  const bool uidplus = caps_.has("UIDPLUS") || caps_.has("IMAP4rev2");
  std::vector<std::string> expunge{uidplus ? "UID EXPUNGE " + set : std::string("EXPUNGE")};
  if (!uidplus) trace(trace_kind::note, "no UIDPLUS: EXPUNGE removes every message flagged \\Deleted");
  auto where = expunge.front();
  co_return co_await run(std::move(expunge), where, opt_.limits.command);
}

// RFC 2177: IDLE, "+", then untagged responses until the client sends DONE, which the server
// answers with the tagged OK. DONE goes out when the mailbox changed, on stop_idle(), or after
// timeouts.idle (servers may drop a client idle for 30 minutes, §3).
net::awaitable<std::pair<status, idle_result>> session::idle() {
  idle_ = {};
  const auto tag = next_tag();
  trace(trace_kind::client, tag + " IDLE");
  auto wec = co_await write(tag + " IDLE\r\n", opt_.limits.command);
  if (wec) {
    usable_ = false;
    co_return std::pair{status{wec, {}, "IDLE"}, idle_};
  }
  asio::steady_timer renew(ex_);
  bool started = false;
  for (;;) {
    // Waiting for changes has no time limit; the answer to IDLE and DONE has.
    const bool waiting = started && !done_sent_;
    auto [ec, c] = co_await read(waiting ? std::chrono::milliseconds(0) : opt_.limits.command);
    if (ec) {
      idling_ = false;
      renew.cancel();
      co_return std::pair{status{ec, bye_.value_or(imap::response{}), "IDLE"}, idle_};
    }
    if (c.r.type == imap::response::kind::continuation && !started) {
      started = idling_ = true;
      done_sent_ = false;
      renew.expires_after(opt_.limits.idle);
      renew.async_wait([this](std::error_code e) {
        if (!e) send_done();  // renewal: the caller sees no change and idles again
      });
      if (idle_.stopped) send_done();  // asked before the "+" came
    } else if (c.r.tag == tag) {
      idling_ = false;
      renew.cancel();
      status st{{}, std::move(c.r), "IDLE"};
      if (st.reply.type != imap::response::kind::status) st.ec = make_error_code(error::bad_response);
      else if (st.reply.status != imap::status_kind::ok) st.ec = make_error_code(error::rejected);
      co_return std::pair{st, idle_};
    }
    if (started && (idle_.exists_grew || idle_.expunged)) send_done();
  }
}

void session::stop_idle() {
  idle_.stopped = true;  // before the server's "+", idle() sends DONE when it comes
  send_done();
}

void session::send_done() {
  if (!idling_ || done_sent_) return;
  done_sent_ = true;
  trace(trace_kind::client, "DONE");
  // The read in idle() stays pending; an SSL stream allows one write beside it. The answer
  // is read under the command time limit.
  deadline_->expires_after(opt_.limits.command);
  asio::co_spawn(
      ex_,
      [this]() -> net::awaitable<void> {
        auto [ec, n] = co_await asio::async_write(*stream_, asio::buffer(std::string_view("DONE\r\n")), net::use_tuple);
        if (ec) stream_->close();
      },
      asio::detached);
}

net::awaitable<void> session::logout() {
  if (!stream_) co_return;
  if (usable_) {
    auto brief = std::min(opt_.limits.command, std::chrono::milliseconds(5'000));
    std::vector<std::string> parts{"LOGOUT"};
    (void)co_await run(std::move(parts), "LOGOUT", brief);
    if (stream_->is_tls()) co_await stream_->graceful_close();
  }
  usable_ = false;
  stream_->close();
}

}  // namespace l7::imap::client
