// folder: append, flags, expunge, changes (RFC 9051 §6.3.12, §6.4.3, §6.4.6; RFC 4315; RFC 7162).
#include <unistd.h>

#include "app/log.hpp"
#include "mail/store/error.hpp"
#include "mail/store/folder.hpp"
#include "mail/store/index.hpp"
#include "mail/store/maildir.hpp"
#include "mail/store/quota.hpp"

namespace l7::mail {
namespace {

std::int64_t to_ms(time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

flag_set apply_op(const flag_set& current, flag_op op, const flag_set& flags) {
  switch (op) {
    case flag_op::add: return add_flags(current, flags);
    case flag_op::remove: return remove_flags(current, flags);
    case flag_op::replace: break;
  }
  return normalize_flags(flags);
}

}  // namespace

std::error_code folder::append(std::string_view message, const flag_set& flags, time_point internal_date,
                               std::string_view meta, bool into_new, std::uint32_t* uid, std::string* id) {
  std::shared_ptr<detail::quota_tracker> quota;
  std::filesystem::path dir;
  const std::string base = detail::unique_name(message.size());
  {
    lock lk(mu_);
    if (auto ec = check_open(lk)) return ec;
    quota = quota_;
    dir = dir_;
    if (quota)
      if (auto ec = quota->reserve(message.size(), 1)) return ec;
    // Meta first, so that a sync finds it even if we die between the rename and our insert.
    if (!meta.empty()) {
      auto ec = index_->begin();
      if (!ec) ec = index_->put_pending(base, std::string(meta), to_ms(internal_date));
      if (!ec) ec = index_->commit();
      if (ec) index_->rollback();
    }
  }
  auto normalized = into_new ? flag_set{} : normalize_flags(flags);
  std::optional<std::string> letters;
  if (!into_new) letters = maildir_letters(normalized);
  std::string rel;
  auto ec = detail::write_message(dir, message, internal_date, letters, base, rel);
  std::uint32_t new_uid = 0;
  std::uint64_t modseq = 0;
  if (!ec) {
    lock lk(mu_);  // durable now; indexing it at once is an optimization (sync would do it)
    auto iec = check_open(lk);
    if (!iec)
      iec = index_file(base, rel, message.size(), normalized, internal_date, std::string(meta),
                       header_prefix(message), new_uid, modseq);
    if (iec) app::logger("mail")->warn("mail store: {} stored but not indexed yet: {}", base, iec.message());
  } else {
    app::logger("mail")->error("mail store: writing into {} failed: {}", dir.string(), ec.message());
  }
  if (quota) quota->release(message.size(), 1);
  if (ec) return store_error::io;
  if (uid) *uid = new_uid;
  if (id) *id = base;
  if (modseq) notify(modseq);
  return {};
}

std::error_code folder::index_file(const std::string& base, const std::string& rel, std::uint64_t size,
                                   const flag_set& flags, time_point internal, const std::string& meta,
                                   std::string_view header, std::uint32_t& uid, std::uint64_t& modseq) {
  detail::index_row r;
  r.base = base;
  r.file = rel;
  r.size = size;
  r.flags = flags;
  r.internal_ms = to_ms(internal);
  r.save_ms = to_ms(std::chrono::system_clock::now());
  r.meta = meta;
  r.header = header;
  std::vector<detail::index_row> rows{std::move(r)};
  std::uint32_t uidvalidity = 0;
  if (auto ec = insert_rows_locked(rows, uidvalidity, modseq)) return ec;
  uid = rows[0].uid;
  return {};
}

// Gives rows without a UID the next UIDs (a row a concurrent sync already indexed keeps its
// UID), commits, and reports the new HIGHESTMODSEQ (0 when nothing was added).
std::error_code folder::insert_rows_locked(std::vector<detail::index_row>& rows, std::uint32_t& uidvalidity,
                                           std::uint64_t& modseq) {
  if (auto ec = index_->begin()) return ec;
  detail::index_header h;
  std::int64_t d_messages = 0, d_bytes = 0;
  auto ec = index_->header(h);
  for (auto& r : rows) {
    if (!ec) ec = index_->find_base(r.base, r.uid);
    if (ec || r.uid) continue;
    std::string meta;
    std::int64_t internal_ms = 0;
    bool pending = false;
    ec = index_->take_pending(r.base, meta, internal_ms, pending);
    r.uid = h.uidnext++;
    r.modseq = ++h.highestmodseq;
    if (!ec) ec = index_->insert(r);
    d_messages += 1;
    d_bytes += static_cast<std::int64_t>(r.size);
  }
  h.messages += static_cast<std::uint64_t>(d_messages);
  h.bytes += static_cast<std::uint64_t>(d_bytes);
  if (!ec) ec = index_->set_header(h);
  if (!ec) ec = index_->commit();
  if (ec) {
    index_->rollback();
    for (auto& r : rows) r.uid = 0;
    return ec;
  }
  apply_quota(d_messages, d_bytes);
  uidvalidity = h.uidvalidity;
  modseq = d_messages ? h.highestmodseq : 0;
  return {};
}

std::error_code folder::insert_rows(std::vector<detail::index_row>& rows, std::uint32_t& uidvalidity,
                                    std::uint64_t& modseq) {
  lock lk(mu_);
  if (auto ec = check_open(lk)) return ec;
  return insert_rows_locked(rows, uidvalidity, modseq);
}

std::error_code folder::store_flags(const std::vector<std::uint32_t>& uids, flag_op op, const flag_set& flags,
                                    std::optional<std::uint64_t> unchanged_since, store_result& out) {
  {
    lock lk(mu_);
    if (auto ec = check_open(lk)) return ec;
    if (auto ec = index_->begin()) return ec;
    detail::index_header h;
    auto ec = index_->header(h);
    for (auto uid : detail::unique_sorted(uids)) {
      std::optional<detail::index_row> r;
      if (ec || (ec = index_->row(uid, r)) || !r) continue;
      if (unchanged_since && r->modseq > *unchanged_since) {  // RFC 7162 §3.1.3
        out.failed.push_back(uid);
        continue;
      }
      auto next = apply_op(r->flags, op, flags);
      if (next == r->flags) continue;
      auto letters = maildir_letters(next);
      if (letters != detail::letters_of(r->file)) {  // best effort: mutt and Dovecot see it
        auto rel = detail::cur_name(r->base, letters);
        if (::rename((dir_ / r->file).c_str(), (dir_ / rel).c_str()) == 0) r->file = rel;
      }
      r->flags = next;
      r->modseq = ++h.highestmodseq;
      ec = index_->update(r->uid, r->flags, r->file, r->modseq);
      out.changed.push_back(to_record(*r));
    }
    if (!ec) ec = index_->set_header(h);
    if (!ec) ec = index_->commit();
    if (ec) {
      index_->rollback();
      return ec;
    }
    out.highestmodseq = h.highestmodseq;
  }
  if (!out.changed.empty()) notify(out.highestmodseq);
  return {};
}

std::error_code folder::expunge(const std::vector<std::uint32_t>* uids, bool require_deleted,
                                std::vector<std::uint32_t>& expunged) {
  std::uint64_t modseq = 0;
  if (auto ec = remove_rows(uids, require_deleted, expunged, modseq)) return ec;
  if (modseq) notify(modseq);
  return {};
}

// The expunge log and the rows commit first; only then are the files unlinked. A crash in
// between leaves files whose base names are in the log: sync unlinks them.
std::error_code folder::remove_rows(const std::vector<std::uint32_t>* uids, bool require_deleted,
                                    std::vector<std::uint32_t>& expunged, std::uint64_t& modseq) {
  lock lk(mu_);
  if (auto ec = check_open(lk)) return ec;
  if (auto ec = index_->begin()) return ec;
  std::vector<detail::index_row> rows;
  std::error_code ec = uids ? std::error_code{} : index_->rows(rows);
  for (auto uid : uids ? detail::unique_sorted(*uids) : std::vector<std::uint32_t>{}) {
    std::optional<detail::index_row> r;
    if (!ec && !(ec = index_->row(uid, r)) && r) rows.push_back(std::move(*r));
  }
  detail::index_header h;
  if (!ec) ec = index_->header(h);
  std::vector<detail::index_row> gone;
  for (auto& r : rows) {
    if (ec || (require_deleted && !has_flag(r.flags, flag_deleted))) continue;
    ec = index_->expunge(r, ++h.highestmodseq);
    h.messages -= std::min<std::uint64_t>(h.messages, 1);
    h.bytes -= std::min(h.bytes, r.size);
    gone.push_back(std::move(r));
  }
  if (!ec && !gone.empty()) ec = index_->set_header(h);
  if (!ec) ec = index_->commit();
  if (ec) {
    index_->rollback();
    return ec;
  }
  std::int64_t bytes = 0;
  for (const auto& r : gone) {
    ::unlink((dir_ / r.file).c_str());
    expunged.push_back(r.uid);
    bytes += static_cast<std::int64_t>(r.size);
  }
  apply_quota(-static_cast<std::int64_t>(gone.size()), -bytes);
  modseq = gone.empty() ? 0 : h.highestmodseq;
  return {};
}

std::error_code folder::changes_since(std::uint64_t modseq, folder_changes& out, bool with_meta) {
  lock lk(mu_);
  if (auto ec = check_open(lk)) return ec;
  detail::index_header h;
  std::vector<detail::index_row> rows;
  if (auto ec = index_->begin_read()) return ec;
  auto ec = index_->header(h);
  if (!ec) ec = index_->rows(rows, modseq, with_meta);
  if (!ec) ec = index_->vanished_since(modseq, out.vanished);
  index_->commit();
  if (ec) return ec;
  for (const auto& r : rows) out.changed.push_back(to_record(r));
  out.highestmodseq = h.highestmodseq;
  return {};
}

}  // namespace l7::mail
