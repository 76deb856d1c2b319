// Selected state (RFC 9051 §6.3.2, §6.4): SELECT / EXAMINE (CONDSTORE / QRESYNC, RFC 7162),
// CLOSE, UNSELECT (RFC 3691), EXPUNGE and UID EXPUNGE (RFC 4315), STORE (UNCHANGEDSINCE),
// COPY / MOVE (RFC 6851, COPYUID), IDLE (RFC 2177), and the untagged updates that keep a
// client's view in step with the store (§7.4.1 EXPUNGE, §7.3.1 EXISTS, FETCH FLAGS, RFC 7162
// VANISHED).
#include <algorithm>

#include <spdlog/spdlog.h>

#include "core/text.hpp"
#include "imap/server/session.hpp"
#include "mail/store/account.hpp"
#include "mail/store/error.hpp"
#include "mail/store/flags.hpp"

namespace l7::imap::server {
namespace {

constexpr std::string_view system_flags = "\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded";

bool is_system_flag(std::string_view f) {
  return f == "\\Answered" || f == "\\Flagged" || f == "\\Deleted" || f == "\\Seen" || f == "\\Draft" ||
         f == "$Forwarded";
}

}  // namespace

bool session::resolve(const command& cmd, const sequence_set& set, std::vector<std::uint32_t>& uids) {
  if (set.saved) {  // "$" (RFC 5182 §2): the saved result, minus what has been expunged since
    uids.clear();
    for (auto u : saved_)
      if (view_.seq_of(u)) uids.push_back(u);
    return true;
  }
  bool out_of_range = false;
  uids = view_.resolve(set, cmd.uid, &out_of_range);
  if (out_of_range) {
    bad(cmd, "Invalid message sequence number");  // RFC 9051 §9 / Dovecot: BAD
    return false;
  }
  return true;
}

void session::write_flags_fetch(std::string& out, std::uint32_t seq, const mail::message_record& m, bool uid) {
  learn_keywords(m.flags);
  out += "* " + std::to_string(seq) + " FETCH (";
  if (uid || qresync_) out += "UID " + std::to_string(m.uid) + " ";  // RFC 7162 §3.2.4
  out += "FLAGS ";
  append_flag_list(out, m.flags);
  if (condstore_) out += " MODSEQ (" + std::to_string(m.modseq) + ")";
  out += ")\r\n";
}

void session::write_flags_responses() {
  std::string& out = io_.out();
  std::string list(system_flags);
  for (const auto& k : keywords_) list += " " + k;
  out += "* FLAGS (" + list + ")\r\n";
  untagged_ok(read_only_ ? "PERMANENTFLAGS ()" : "PERMANENTFLAGS (" + list + " \\*)",
              read_only_ ? "No permanent flags permitted" : "Flags permitted");
}

void session::learn_keywords(const mail::flag_set& flags) {
  bool added = false;
  for (const auto& f : flags) {
    if (is_system_flag(f)) continue;
    auto same = [&](const std::string& k) { return iequals(k, f); };
    if (std::find_if(keywords_.begin(), keywords_.end(), same) != keywords_.end()) continue;
    keywords_.push_back(f);
    added = true;
  }
  if (added) write_flags_responses();
}

net::awaitable<void> session::on_select(const command& cmd) {
  const auto& args = std::get<select_mailbox>(cmd.args);
  if (args.qresync && !qresync_) {
    bad(cmd, "QRESYNC is not enabled");  // RFC 7162 §3.2.5: ENABLE QRESYNC first
    co_return;
  }
  if (state_ == state::selected) {
    deselect();
    untagged_ok("CLOSED", "Previous mailbox closed");  // RFC 7162 §3.2.11, RFC 9051 §6.3.2
  }
  if (args.condstore) condstore_ = true;
  auto account = account_;
  std::shared_ptr<mail::folder> folder;
  mail::folder_snapshot snap;
  mail::folder_changes since;
  const bool want_changes = args.qresync.has_value();
  std::uint32_t client_validity = want_changes ? args.qresync->uid_validity : 0;
  std::uint64_t client_modseq = want_changes ? args.qresync->modseq : 0;
  auto ec = co_await shared_.blocking.call([&]() -> std::error_code {
    std::error_code e;
    folder = account->open_folder(args.mailbox, e);
    if (e) return e;
    if ((e = folder->sync(!args.read_only))) return e;  // new/ -> cur/ (Maildir: the mail was seen)
    if ((e = folder->snapshot(snap, false))) return e;
    if (want_changes && client_validity == snap.uidvalidity) e = folder->changes_since(client_modseq, since, false);
    return e;
  });
  if (ec) {
    store_failed(cmd, ec, "SELECT");
    co_return;
  }
  folder_ = std::move(folder);
  read_only_ = args.read_only;
  uidvalidity_ = snap.uidvalidity;
  known_modseq_ = snap.highestmodseq;
  view_.clear();
  std::vector<std::string> keywords;
  std::uint32_t first_unseen = 0;
  for (const auto& m : snap.messages) {
    view_.push_back(m.uid);
    if (!first_unseen && !mail::has_flag(m.flags, mail::flag_seen)) first_unseen = view_.size();
    for (const auto& f : m.flags)
      if (!is_system_flag(f) && std::find(keywords.begin(), keywords.end(), f) == keywords.end()) keywords.push_back(f);
  }
  state_ = state::selected;
  if (!wake_) {
    wake_ = std::make_shared<wake_box>();
    wake_->owner = this;
  }
  // Anyone's change to the folder marks this session dirty, on its own worker.
  watch_ = folder_->watch([box = wake_, ex = worker_.executor()](const std::string&, std::uint64_t) {
    asio::post(ex, [box] {
      session* s = box->owner;
      if (!s) return;
      s->dirty_ = true;
      if (s->idling_) s->io_.interrupt();
    });
  });

  keywords_ = std::move(keywords);
  write_flags_responses();
  std::string& out = io_.out();
  out += "* " + std::to_string(view_.size()) + " EXISTS\r\n";
  if (!rev2_) {
    out += "* 0 RECENT\r\n";  // \Recent is not kept (RFC 9051 removed it)
    if (first_unseen) untagged_ok("UNSEEN " + std::to_string(first_unseen), "First unseen");
  }
  untagged_ok("UIDVALIDITY " + std::to_string(uidvalidity_), "UIDs valid");
  untagged_ok("UIDNEXT " + std::to_string(snap.uidnext), "Predicted next UID");
  untagged_ok("HIGHESTMODSEQ " + std::to_string(snap.highestmodseq), "Highest");
  if (rev2_) {  // RFC 9051 §6.3.2: the mailbox name as the server knows it
    out += "* LIST () \".\" ";
    append_mailbox(out, folder_->name(), utf8_);
    out += "\r\n";
  }
  // QRESYNC (RFC 7162 §3.2.5.1): what was expunged and what changed since the client's state.
  if (want_changes && client_validity == uidvalidity_) {
    std::vector<std::uint32_t> vanished;
    for (auto u : since.vanished) {
      if (args.qresync->known_uids && !args.qresync->known_uids->contains(u, view_.last_uid())) continue;
      vanished.push_back(u);
    }
    if (!vanished.empty()) out += "* VANISHED (EARLIER) " + format_sequence_set(vanished) + "\r\n";
    for (const auto& m : since.changed) {
      if (auto seq = view_.seq_of(m.uid)) write_flags_fetch(out, seq, m, true);
    }
  }
  ok(cmd, args.read_only ? "EXAMINE completed" : "SELECT completed", read_only_ ? "READ-ONLY" : "READ-WRITE");
}

net::awaitable<void> session::on_close(const command& cmd, bool expunge) {
  if (expunge && !read_only_) {  // CLOSE expunges silently (RFC 9051 §6.4.1)
    auto folder = folder_;
    std::vector<std::uint32_t> expunged;
    auto ec = co_await shared_.blocking.call([&] { return folder->expunge(nullptr, true, expunged); });
    if (ec && ec != mail::store_error::no_such_folder)
      shared_.log->warn("{}: CLOSE could not expunge for {}: {}", remote_, user_, ec.message());
  }
  deselect();
  ok(cmd, expunge ? "CLOSE completed" : "UNSELECT completed");
}

net::awaitable<void> session::on_expunge(const command& cmd) {
  if (read_only_) {
    no(cmd, "Mailbox is read-only", "READ-ONLY");
    co_return;
  }
  std::vector<std::uint32_t> only;
  if (cmd.uid) {  // UID EXPUNGE (RFC 4315 §2.1)
    if (!resolve(cmd, std::get<uid_expunge>(cmd.args).uids, only)) co_return;
    if (only.empty()) {
      ok(cmd, "No messages in the set");
      co_return;
    }
  }
  auto folder = folder_;
  std::vector<std::uint32_t> expunged;
  const bool by_uid = cmd.uid;
  auto ec = co_await shared_.blocking.call([&] { return folder->expunge(by_uid ? &only : nullptr, true, expunged); });
  if (ec) {
    store_failed(cmd, ec, "EXPUNGE");
    co_return;
  }
  // The EXPUNGE responses come from the store's log, like everyone else's changes.
  dirty_ = true;
  co_await report_changes(true);
  // RFC 7162 §3.2.10: HIGHESTMODSEQ after an expunge when CONDSTORE is on.
  ok(cmd, "EXPUNGE completed", condstore_ ? "HIGHESTMODSEQ " + std::to_string(known_modseq_) : "");
}

net::awaitable<void> session::on_store(const command& cmd) {
  const auto& args = std::get<imap::store>(cmd.args);
  if (read_only_) {
    no(cmd, "Mailbox is read-only", "READ-ONLY");
    co_return;
  }
  std::vector<std::uint32_t> uids;
  if (!resolve(cmd, args.set, uids)) co_return;
  if (args.unchanged_since) condstore_ = true;  // RFC 7162 §3.1: a CONDSTORE-enabling command
  const auto op = args.how == store::mode::add      ? mail::flag_op::add
                  : args.how == store::mode::remove ? mail::flag_op::remove
                                                    : mail::flag_op::replace;
  auto folder = folder_;
  mail::store_result result;
  std::vector<mail::message_record> now;
  const bool report_all = !args.silent;
  auto ec = co_await shared_.blocking.call([&]() -> std::error_code {
    if (uids.empty()) return {};
    if (auto e = folder->store_flags(uids, op, mail::normalize_flags(args.flags), args.unchanged_since, result))
      return e;
    // Unchanged messages are reported with their flags as they are (RFC 9051 §6.4.6).
    if (report_all) return folder->messages(uids.front(), uids.back(), now, false);
    return {};
  });
  if (ec) {
    store_failed(cmd, ec, "STORE");
    co_return;
  }
  std::string& out = io_.out();
  for (const auto& m : result.changed) own_.emplace_back(m.uid, m.modseq);  // not reported twice
  auto failed = [&](std::uint32_t uid) {
    return std::find(result.failed.begin(), result.failed.end(), uid) != result.failed.end();
  };
  if (report_all) {
    for (const auto& m : now) {
      if (!std::binary_search(uids.begin(), uids.end(), m.uid) || failed(m.uid)) continue;
      if (auto seq = view_.seq_of(m.uid)) write_flags_fetch(out, seq, m, cmd.uid);
    }
  } else if (condstore_) {  // RFC 7162 §3.1.3: .SILENT still reports the new MODSEQ
    for (const auto& m : result.changed) {
      auto seq = view_.seq_of(m.uid);
      if (!seq) continue;
      out += "* " + std::to_string(seq) + " FETCH (";
      if (cmd.uid || qresync_) out += "UID " + std::to_string(m.uid) + " ";
      out += "MODSEQ (" + std::to_string(m.modseq) + "))\r\n";
    }
  }
  if (!result.failed.empty()) {  // RFC 7162 §3.1.3: MODIFIED lists what failed the test
    std::vector<std::uint32_t> numbers;
    for (auto u : result.failed) numbers.push_back(cmd.uid ? u : view_.seq_of(u));
    ok(cmd, "Conditional STORE failed", "MODIFIED " + format_sequence_set(numbers));
    co_return;
  }
  ok(cmd, "STORE completed");
}

net::awaitable<void> session::on_copy(const command& cmd) {
  const auto& args = std::get<imap::copy>(cmd.args);
  const bool move = args.move;
  if (move && read_only_) {
    no(cmd, "Mailbox is read-only", "READ-ONLY");
    co_return;
  }
  std::vector<std::uint32_t> uids;
  if (!resolve(cmd, args.set, uids)) co_return;
  if (uids.empty()) {
    ok(cmd, move ? "No messages to move" : "No messages to copy");
    co_return;
  }
  auto account = account_;
  auto folder = folder_;
  mail::uid_mapping mapping;
  auto ec = co_await shared_.blocking.call([&]() -> std::error_code {
    std::error_code e;
    auto dest = account->open_folder(args.mailbox, e);
    if (e) return e;
    return move ? folder->move(uids, *dest, mapping) : folder->copy(uids, *dest, mapping);
  });
  if (ec == mail::store_error::no_such_folder) {
    no(cmd, "Mailbox does not exist", "TRYCREATE");  // RFC 9051 §6.4.7
    co_return;
  }
  if (ec == mail::store_error::invalid_name && move) {
    no(cmd, "Cannot move messages into the mailbox they are in", "CANNOT");
    co_return;
  }
  if (ec) {
    store_failed(cmd, ec, move ? "MOVE" : "COPY");
    co_return;
  }
  std::string code;
  if (!mapping.source.empty())
    code = "COPYUID " + std::to_string(mapping.uidvalidity) + " " + format_sequence_set(mapping.source) + " " +
           format_sequence_set(mapping.dest);
  if (move) {
    // RFC 6851 §4.3: COPYUID in an untagged OK before the expunges.
    if (!code.empty()) untagged_ok(code, "Moved UIDs");
    dirty_ = true;
    ok(cmd, "MOVE completed");
  } else {
    ok(cmd, "COPY completed", code);
  }
}

net::awaitable<void> session::report_changes(bool expunges) {
  if (!folder_) co_return;
  if (!dirty_ && (gone_.empty() || !expunges)) co_return;
  std::string& out = io_.out();
  if (dirty_) {
    dirty_ = false;
    auto folder = folder_;
    mail::folder_changes ch;
    const auto since = known_modseq_;
    auto ec = co_await shared_.blocking.call([&] { return folder->changes_since(since, ch, false); });
    if (ec == mail::store_error::no_such_folder) {
      folder_gone_ = true;
      co_return;
    }
    if (ec) {
      shared_.log->warn("{}: cannot read changes of {} for {}: {}", remote_, folder_->name(), user_, ec.message());
      co_return;
    }
    known_modseq_ = std::max(known_modseq_, ch.highestmodseq);
    for (auto u : ch.vanished)
      if (view_.seq_of(u)) gone_.push_back(u);
    std::sort(gone_.begin(), gone_.end());
    gone_.erase(std::unique(gone_.begin(), gone_.end()), gone_.end());
    std::sort(own_.begin(), own_.end());
    // New messages: UIDs above the view's last, in order (the store never reuses UIDs).
    const std::uint32_t last = view_.last_uid();
    bool added = false;
    std::vector<const mail::message_record*> updated;
    for (const auto& m : ch.changed) {
      learn_keywords(m.flags);
      if (m.uid > last) {
        if (!std::binary_search(ch.vanished.begin(), ch.vanished.end(), m.uid)) {
          view_.push_back(m.uid);
          added = true;
        }
        continue;
      }
      const bool own = std::binary_search(own_.begin(), own_.end(), std::make_pair(m.uid, m.modseq));
      if (!own) updated.push_back(&m);
    }
    own_.clear();
    // Expunges first, while the numbers the client knows are still valid; then EXISTS.
    if (expunges) flush_expunges();
    if (added) out += "* " + std::to_string(view_.size()) + " EXISTS\r\n";
    for (const auto* m : updated) {
      if (std::binary_search(gone_.begin(), gone_.end(), m->uid)) continue;
      if (auto seq = view_.seq_of(m->uid)) write_flags_fetch(out, seq, *m, false);
    }
    co_return;
  }
  flush_expunges();
}

void session::flush_expunges() {
  if (gone_.empty()) return;
  std::string& out = io_.out();
  std::sort(gone_.begin(), gone_.end());
  if (qresync_) {  // RFC 7162 §3.2.10: VANISHED instead of EXPUNGE
    out += "* VANISHED " + format_sequence_set(gone_) + "\r\n";
  } else {
    // Highest first: each number is then the same in the view before any removal.
    for (auto it = gone_.rbegin(); it != gone_.rend(); ++it) {
      if (const auto seq = view_.seq_of(*it)) out += "* " + std::to_string(seq) + " EXPUNGE\r\n";
    }
  }
  view_.erase_uids(gone_);
  if (!saved_.empty()) {
    std::erase_if(saved_, [&](std::uint32_t u) { return std::binary_search(gone_.begin(), gone_.end(), u); });
  }
  gone_.clear();
  gone_.shrink_to_fit();
}

net::awaitable<session::next> session::on_idle(const command& cmd) {  // RFC 2177, RFC 9051 §6.3.13
  io_.out() += "+ idling\r\n";
  idling_ = true;
  shared_.idling->inc();
  struct leave {
    session* s;
    ~leave() {
      if (s->idling_) {
        s->idling_ = false;
        s->shared_.idling->dec();
      }
    }
  } guard{this};
  reader_.read_line();
  for (;;) {
    if (state_ == state::selected) co_await report_changes(true);
    if (folder_gone_) {
      co_await goodbye("The selected mailbox was deleted or renamed by another session");
      co_return next::close;
    }
    command_reader::event ev{};
    auto ec = co_await next_event(ev, shared_.config.idle_timeout, true);
    if (ec == asio::error::interrupted) continue;
    if (ec == asio::error::timed_out) {
      co_await goodbye("Autologout; idle for too long");
      co_return next::close;
    }
    if (ec == asio::error::shut_down) {
      co_await goodbye("Server shutting down");
      co_return next::close;
    }
    if (ec) {
      io_.close();
      co_return next::close;
    }
    if (ev == command_reader::event::line) {
      std::string_view line = reader_.raw();
      if (iequals(line, "DONE")) break;
    }
    // Anything else ends IDLE with an error (RFC 2177: the client must send DONE).
    bad(cmd, "Expected DONE");
    co_return next::go_on;
  }
  ok(cmd, "IDLE terminated");
  co_return next::go_on;
}

}  // namespace l7::imap::server
