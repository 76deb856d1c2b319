#include "mail/web/inbox.hpp"

#include <algorithm>

#include "mail/store/error.hpp"

namespace l7::mail::web {

inbox::inbox(std::shared_ptr<mail::store> store, settings s)
    : store_(std::move(store)), settings_(std::move(s)) {}

inbox::~inbox() {
  // Work in flight refers to the members: finish it before they go.
  pool_.join();
  watch_.reset();
}

std::error_code inbox::open_locked() {
  if (folder_) return {};
  std::error_code ec;
  auto f = store_->open_capture()->open_folder("INBOX", ec);
  if (ec) return ec;
  // The store calls this on the thread that made the change: only ring (it posts).
  watch_ = f->watch([weak = weak_from_this()](const std::string&, std::uint64_t) {
    if (auto self = weak.lock()) self->ring_all();
  });
  folder_ = std::move(f);
  return {};
}

std::error_code inbox::list(std::vector<message_summary>& out, std::uint32_t* uidnext) {
  std::lock_guard lk(mu_);
  if (auto ec = open_locked()) return ec;
  if (auto ec = folder_->sync()) return ec;
  folder_snapshot snap;
  if (auto ec = folder_->snapshot(snap)) return ec;
  if (snap.uidvalidity != uidvalidity_) {
    cache_.clear();
    uidvalidity_ = snap.uidvalidity;
  }
  std::map<std::uint32_t, message_summary> next;
  for (const auto& rec : snap.messages) {
    if (auto it = cache_.find(rec.uid); it != cache_.end()) {
      next.emplace(rec.uid, std::move(it->second));
      continue;
    }
    std::string raw;
    if (folder_->read(rec.uid, raw)) continue;  // expunged meanwhile (or unreadable): skip it
    next.emplace(rec.uid, summarize(rec, raw));
  }
  cache_.swap(next);
  out.clear();
  out.reserve(cache_.size());
  for (auto it = cache_.rbegin(); it != cache_.rend(); ++it) out.push_back(it->second);
  if (uidnext) *uidnext = snap.uidnext;
  return {};
}

std::error_code inbox::read(std::uint32_t uid, message_record& record, std::string& raw) {
  std::lock_guard lk(mu_);
  if (auto ec = open_locked()) return ec;
  if (uid == 0) {
    if (auto ec = folder_->sync()) return ec;
    folder_snapshot snap;
    if (auto ec = folder_->snapshot(snap)) return ec;
    if (snap.messages.empty()) return store_error::no_such_message;
    uid = snap.messages.back().uid;
  }
  if (auto ec = folder_->message(uid, record)) return ec;
  return folder_->read(uid, raw);
}

std::error_code inbox::remove(std::uint32_t uid) {
  std::lock_guard lk(mu_);
  if (auto ec = open_locked()) return ec;
  const std::vector<std::uint32_t> uids{uid};
  std::vector<std::uint32_t> expunged;
  if (auto ec = folder_->expunge(&uids, false, expunged)) return ec;
  if (expunged.empty()) return store_error::no_such_message;
  cache_.erase(uid);
  return {};
}

std::error_code inbox::purge(std::size_t& removed) {
  std::lock_guard lk(mu_);
  removed = 0;
  if (auto ec = open_locked()) return ec;
  if (auto ec = folder_->sync()) return ec;
  folder_snapshot snap;
  if (auto ec = folder_->snapshot(snap)) return ec;
  std::vector<std::uint32_t> uids;
  for (const auto& m : snap.messages) uids.push_back(m.uid);
  if (uids.empty()) return {};
  std::vector<std::uint32_t> expunged;
  if (auto ec = folder_->expunge(&uids, false, expunged)) return ec;
  for (auto uid : expunged) cache_.erase(uid);
  removed = expunged.size();
  return {};
}

std::shared_ptr<wake_signal> inbox::subscribe(asio::any_io_executor ex) {
  auto s = std::make_shared<wake_signal>(std::move(ex));
  std::lock_guard lk(signals_mu_);
  std::erase_if(signals_, [](const auto& w) { return w.expired(); });
  signals_.push_back(s);
  if (stopping_) s->ring();
  return s;
}

void inbox::ring_all() {
  std::lock_guard lk(signals_mu_);
  for (const auto& w : signals_)
    if (auto s = w.lock()) s->ring();
}

void inbox::begin_stop() {
  stopping_ = true;
  ring_all();
}

void inbox::watch_stops(net::runtime& rt) {
  stop_hooks_.resize(rt.size());
  for (unsigned i = 0; i < rt.size(); ++i) {
    auto& w = rt.at(i);
    asio::post(w.executor(), [weak = weak_from_this(), &w, i] {
      if (auto self = weak.lock())
        self->stop_hooks_[i] = w.on_stop([raw = self.get()] { raw->begin_stop(); });
    });
  }
}

}  // namespace l7::mail::web
