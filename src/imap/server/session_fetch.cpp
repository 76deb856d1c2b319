// FETCH and UID FETCH (RFC 9051 §6.4.5, §6.4.9; CHANGEDSINCE and VANISHED, RFC 7162 §3.1.4.1,
// §3.2.6). Messages are answered in batches: each batch's records and files are read and its
// responses built on the thread pool, then sent, so that FETCH 1:* of a large mailbox never
// holds more than a batch in memory. Items that need only the header section (ENVELOPE,
// BODY[HEADER.FIELDS ...], RFC822.HEADER) are answered from the store's header cache; a
// message without a cached header is read from its file and its header cached for next time.
#include <algorithm>

#include <spdlog/spdlog.h>

#include "imap/server/message_data.hpp"
#include "imap/server/session.hpp"
#include "mail/store/error.hpp"
#include "mail/store/flags.hpp"

namespace l7::imap::server {
namespace {

constexpr std::size_t batch_plain = 1000;  // messages per batch without file reads
constexpr std::size_t batch_files = 200;   // with file reads
constexpr std::size_t flush_at = 256 * 1024;

}  // namespace

net::awaitable<void> session::on_fetch(const command& cmd) {
  const auto& args = std::get<fetch>(cmd.args);
  if (args.vanished && !(cmd.uid && qresync_ && args.changed_since)) {
    bad(cmd, "VANISHED needs UID FETCH, QRESYNC and CHANGEDSINCE");  // RFC 7162 §3.2.6
    co_return;
  }
  std::vector<std::uint32_t> uids;
  if (!resolve(cmd, args.set, uids)) co_return;
  if (args.changed_since) condstore_ = true;
  const bool modseq_item = std::any_of(args.items.begin(), args.items.end(),
                                       [](const fetch_att& a) { return a.type == fetch_att::kind::modseq; });
  if (modseq_item) condstore_ = true;  // RFC 7162 §3.1: FETCH MODSEQ enables CONDSTORE
  const content_need need = fetch_need(args.items);
  const bool set_seen = fetch_sets_seen(args.items) && !read_only_;
  fetch_options opts;
  opts.utf8 = utf8_;
  opts.add_uid = cmd.uid || qresync_;
  opts.add_modseq = args.changed_since.has_value();
  std::string& out = io_.out();
  auto folder = folder_;

  // VANISHED (EARLIER): UIDs of the set expunged since CHANGEDSINCE (RFC 7162 §3.2.6).
  if (args.vanished) {
    mail::folder_changes ch;
    const auto since = *args.changed_since;
    auto ec = co_await shared_.blocking.call([&] { return folder->changes_since(since, ch, false); });
    if (ec) {
      store_failed(cmd, ec, "FETCH");
      co_return;
    }
    std::vector<std::uint32_t> vanished;
    const auto largest = std::max(view_.last_uid(), ch.vanished.empty() ? 0u : ch.vanished.back());
    for (auto u : ch.vanished)
      if (args.set.contains(u, largest)) vanished.push_back(u);
    if (!vanished.empty()) out += "* VANISHED (EARLIER) " + format_sequence_set(vanished) + "\r\n";
  }

  const std::size_t batch = need == content_need::none ? batch_plain : batch_files;
  std::vector<mail::message_record> records;
  std::vector<std::pair<std::uint32_t, std::uint64_t>> seen_set;  // \Seen set here: told already
  std::string chunk;
  std::size_t missing = 0;  // asked for, but expunged by another session meanwhile
  const bool header_cache = need == content_need::header;
  std::vector<std::pair<std::uint32_t, std::string>> cached;  // (uid, header section)
  std::vector<std::pair<std::string, std::string>> learned;   // (message id, header section)
  for (std::size_t start = 0; start < uids.size(); start += batch) {
    const std::size_t end = std::min(uids.size(), start + batch);
    records.clear();
    chunk.clear();
    auto ec = co_await shared_.blocking.call([&]() -> std::error_code {
      if (auto e = folder->messages(uids[start], uids[end - 1], records, false)) return e;
      // Only the UIDs asked for (the range may hold others).
      std::erase_if(records, [&](const mail::message_record& m) {
        return !std::binary_search(uids.begin() + static_cast<std::ptrdiff_t>(start),
                                   uids.begin() + static_cast<std::ptrdiff_t>(end), m.uid);
      });
      std::vector<std::uint32_t> unseen;
      if (set_seen) {
        for (const auto& m : records)
          if (!mail::has_flag(m.flags, mail::flag_seen)) unseen.push_back(m.uid);
      }
      if (!unseen.empty()) {
        mail::store_result res;
        if (auto e = folder->store_flags(unseen, mail::flag_op::add, {std::string(mail::flag_seen)}, std::nullopt, res))
          return e;
        for (const auto& c : res.changed) {
          seen_set.emplace_back(c.uid, c.modseq);
          auto it = std::lower_bound(records.begin(), records.end(), c.uid,
                                     [](const mail::message_record& m, std::uint32_t u) { return m.uid < u; });
          if (it != records.end() && it->uid == c.uid) {
            it->flags = c.flags;
            it->modseq = c.modseq;
            it->path = c.path;
          }
        }
      }
      cached.clear();
      learned.clear();
      // A failed cache read is not an error: the files answer instead.
      if (header_cache && !records.empty() && folder->headers(records.front().uid, records.back().uid, cached))
        cached.clear();
      std::size_t next_cached = 0;
      for (const auto& m : records) {
        if (args.changed_since && m.modseq <= *args.changed_since) continue;
        message_data d;
        d.record = &m;
        d.seq = view_.seq_of(m.uid);
        if (!d.seq) continue;
        if (need != content_need::none) {
          while (next_cached < cached.size() && cached[next_cached].first < m.uid) ++next_cached;
          if (next_cached < cached.size() && cached[next_cached].first == m.uid) {
            d.content = std::move(cached[next_cached].second);
          } else {
            auto e = folder->read(m, d.content, need == content_need::header);
            if (e == mail::store_error::no_such_message) continue;  // expunged meanwhile
            if (e) return e;
            if (header_cache) {
              const auto h = mail::header_prefix(d.content);
              if (!h.empty()) learned.emplace_back(m.id, std::string(h));
            }
          }
          d.parse();
        }
        fetch_options o = opts;
        o.add_flags = std::binary_search(unseen.begin(), unseen.end(), m.uid);
        write_fetch(chunk, d, args.items, o);
      }
      if (!learned.empty()) {
        if (auto e = folder->remember_headers(learned))  // only an optimization: FETCH goes on
          shared_.log->warn("header cache of {} not updated: {}", folder->name(), e.message());
      }
      return {};
    });
    if (ec) {
      store_failed(cmd, ec, "FETCH");
      co_return;
    }
    for (const auto& m : records) learn_keywords(m.flags);  // FLAGS announced before they are used
    missing += (end - start) - records.size();
    out += chunk;
    if (out.size() >= flush_at) {
      if (co_await io_.flush(shared_.config.idle_timeout)) {
        no(cmd, "Connection failed");
        co_return;
      }
    }
    // The flags just set are this session's own change: the responses above told them.
    own_.insert(own_.end(), seen_set.begin(), seen_set.end());
    seen_set.clear();
  }
  if (missing > 0) {
    // RFC 9051 §7.4.1 / RFC 5530: what still exists was sent; the client learns of the
    // expunge at its next command that allows EXPUNGE.
    no(cmd, "Some of the requested messages no longer exist", "EXPUNGEISSUED");
    co_return;
  }
  ok(cmd, cmd.uid ? "UID FETCH completed" : "FETCH completed");
}

}  // namespace l7::imap::server
