// TRANSACTION and UPDATE states (RFC 1939 §5, §6) on a snapshot of the maildrop.
#include <spdlog/spdlog.h>

#include "core/dot_stuffing.hpp"
#include "mail/store/account.hpp"
#include "mail/store/folder.hpp"
#include "mail/store/store.hpp"
#include "pop3/server/session.hpp"

namespace l7::pop3::server {
namespace {

constexpr std::size_t send_piece = 64 * 1024;  // RETR goes out in pieces of this size

// UIDL (§7): the folder's UIDVALIDITY and the message's UID, as Dovecot's default does; stable
// for as long as the index is (a rebuilt index changes UIDVALIDITY, and clients download again).
std::string unique_id(std::uint32_t uidvalidity, std::uint32_t uid) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%08X%08X", uid, uidvalidity);
  return buf;
}

}  // namespace

net::awaitable<std::error_code> session::open_maildrop(const std::string& user) {
  auto& st = *shared_.store;
  const bool capture = shared_.config.capture;
  std::shared_ptr<mail::folder> folder;
  mail::folder_snapshot snap;
  auto ec = co_await shared_.blocking.call([&]() -> std::error_code {
    std::error_code e;
    auto account = capture ? st.open_capture() : st.open_account(user, e);
    if (e) return e;
    folder = account->open_folder("INBOX", e);
    if (e) return e;
    if ((e = folder->sync(false))) return e;
    return folder->snapshot(snap);
  });
  if (ec) co_return ec;
  maildrop_ = std::move(folder);
  uidvalidity_ = snap.uidvalidity;
  messages_.clear();
  for (const auto& m : snap.messages) messages_.push_back({m.uid, m.size});
  user_ = user;
  co_return std::error_code{};
}

session::entry* session::find(std::string_view arg) {
  auto n = message_number(arg);
  if (!n) {
    err("Invalid message number");
    return nullptr;
  }
  if (*n > messages_.size() || messages_[*n - 1].deleted) {
    err("No such message");
    return nullptr;
  }
  return &messages_[*n - 1];
}

void session::on_stat() {
  std::size_t count = 0;
  std::uint64_t octets = 0;
  for (const auto& m : messages_) {
    if (m.deleted) continue;
    ++count;
    octets += m.size;
  }
  ok(std::to_string(count) + " " + std::to_string(octets));
}

void session::on_list(std::string_view arg, bool uidl) {
  auto value = [&](const entry& m) { return uidl ? unique_id(uidvalidity_, m.uid) : std::to_string(m.size); };
  if (!arg.empty()) {
    if (auto* m = find(arg)) ok(std::string(arg) + " " + value(*m));
    return;
  }
  std::string& out = io_.out();
  out += uidl ? "+OK unique-id listing follows\r\n" : "+OK scan listing follows\r\n";
  for (std::size_t i = 0; i < messages_.size(); ++i) {
    if (messages_[i].deleted) continue;
    out += std::to_string(i + 1);
    out += ' ';
    out += value(messages_[i]);
    out += "\r\n";
  }
  out += ".\r\n";
  note("S: ", uidl ? "+OK unique-id listing follows" : "+OK scan listing follows");
}

net::awaitable<session::next> session::on_retr(std::string_view arg, bool top) {
  std::uint32_t number = 0, lines = 0;
  std::string number_text(arg);
  if (top) {
    if (!parse_top(arg, number, lines)) {
      err("Syntax: TOP msg n");
      co_return next::go_on;
    }
    number_text = std::to_string(number);
  }
  entry* m = find(number_text);
  if (!m) co_return next::go_on;
  std::string message;
  const auto uid = m->uid;
  auto folder = maildrop_;
  auto ec = co_await shared_.blocking.call([&] { return folder->read(uid, message); });
  if (ec) {
    err("Message is no longer available", resp_code::sys_temp);
    co_return next::go_on;
  }
  std::string_view body = top ? top_of(message, lines) : std::string_view(message);
  ok(top ? "top of message follows" : std::to_string(m->size) + " octets");
  // In pieces: a large message does not sit twice in memory, stuffed and unstuffed.
  bool line_start = true;
  while (!body.empty()) {
    auto n = std::min(send_piece, body.size());
    if (body[n - 1] == '\r' && n < body.size()) ++n;  // never split a CRLF
    dot_stuff_piece(body.substr(0, n), io_.out(), line_start);
    body.remove_prefix(n);
    if (io_.out().size() >= send_piece) {
      if (co_await io_.flush(shared_.config.idle_timeout)) co_return next::close;
    }
  }
  if (!line_start) io_.out() += "\r\n";
  io_.out() += ".\r\n";
  if (!top) shared_.retrieved->inc();
  co_return next::go_on;
}

void session::on_dele(std::string_view arg) {
  if (auto* m = find(arg)) {
    m->deleted = true;
    ok("Marked to be deleted");
  }
}

void session::on_rset() {
  for (auto& m : messages_) m.deleted = false;
  on_stat();
}

net::awaitable<session::next> session::on_quit() {
  if (user_.empty()) {
    ok("Bye");
  } else {  // UPDATE (§6)
    std::vector<std::uint32_t> uids;
    for (const auto& m : messages_)
      if (m.deleted) uids.push_back(m.uid);
    std::error_code ec;
    std::vector<std::uint32_t> expunged;
    if (!uids.empty()) {
      auto folder = maildrop_;
      ec = co_await shared_.blocking.call([&] { return folder->expunge(&uids, false, expunged); });
    }
    if (ec) {
      shared_.log->warn("{}: UPDATE of {} failed: {}", remote_, user_, ec.message());
      err("Some deleted messages were not removed", resp_code::sys_temp);
    } else {
      shared_.deleted->inc(uids.size());
      ok("Bye, " + std::to_string(uids.size()) + " messages deleted");
    }
  }
  co_await io_.flush_and_close(std::chrono::seconds(10));
  co_return next::close;
}

}  // namespace l7::pop3::server
