// folder::sync: the index follows the files (RFC 9051 §2.3.1.1 for UIDs, RFC 7162 for MODSEQ).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>

#include "mail/store/error.hpp"
#include "mail/store/folder.hpp"
#include "mail/store/index.hpp"
#include "mail/store/maildir.hpp"

namespace l7::mail {
namespace {

namespace fs = std::filesystem;

// One reconciliation inside an index transaction. Renames happen before the commit: if the
// commit is lost, the next sync adopts the renamed files, which is the state we meant.
struct sync_pass {
  detail::index& idx;
  const fs::path& dir;
  bool move_new;
  std::map<std::string, std::string> on_disk;  // base -> relative path
  detail::index_header h;
  std::vector<std::string> leftovers;           // files of expunged messages, to unlink
  std::int64_t d_messages = 0, d_bytes = 0;
  bool changed = false;  // HIGHESTMODSEQ moved: watchers are told

  std::error_code run();
  std::error_code reconcile_row(detail::index_row& r);
  std::error_code move_to_cur(detail::index_row& r);
  std::error_code add_new(const std::vector<std::string>& bases);
  std::error_code add_file(const std::string& base, const std::string& rel);
};

std::error_code sync_pass::move_to_cur(detail::index_row& r) {
  if (!move_new || !r.file.starts_with("new/")) return {};
  auto rel = detail::cur_name(r.base, maildir_letters(r.flags));
  if (::rename((dir / r.file).c_str(), (dir / rel).c_str()) != 0) return {};  // someone else moved it
  r.file = rel;
  return idx.update(r.uid, r.flags, r.file, r.modseq);
}

std::error_code sync_pass::reconcile_row(detail::index_row& r) {
  auto it = on_disk.find(r.base);
  if (it == on_disk.end()) {  // deleted behind our back
    d_messages -= 1;
    d_bytes -= static_cast<std::int64_t>(r.size);
    return idx.expunge(r, ++h.highestmodseq);
  }
  auto rel = it->second;
  on_disk.erase(it);
  if (rel != r.file) {  // renamed by another program: adopt the flags its name carries
    auto flags = rel.starts_with("cur/") ? merge_letters(r.flags, detail::letters_of(rel)) : r.flags;
    if (flags != r.flags) r.modseq = ++h.highestmodseq;
    r.flags = flags;
    r.file = rel;
    if (auto ec = idx.update(r.uid, r.flags, r.file, r.modseq)) return ec;
  }
  return move_to_cur(r);
}

std::error_code sync_pass::add_file(const std::string& base, const std::string& rel) {
  struct ::stat st {};
  if (::stat((dir / rel).c_str(), &st) != 0) return {};  // vanished meanwhile
  detail::index_row r;
  r.base = base;
  r.file = rel;
  // RFC822.SIZE is the size with CRLF line ends: a file another program wrote with bare LFs is
  // larger on the wire than on disk (Dovecot names that size W=; else count it).
  if (auto w = detail::wire_size_from_name(base)) r.size = *w;
  else r.size = detail::wire_size_of_file(dir / rel, static_cast<std::uint64_t>(st.st_size));
  r.internal_ms = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
  r.save_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch()).count();
  bool pending = false;
  if (auto ec = idx.take_pending(base, r.meta, r.internal_ms, pending)) return ec;
  if (rel.starts_with("cur/")) r.flags = flags_from_letters(detail::letters_of(rel));
  r.uid = h.uidnext++;
  r.modseq = ++h.highestmodseq;
  d_messages += 1;
  d_bytes += static_cast<std::int64_t>(r.size);
  if (auto ec = idx.insert(r)) return ec;
  return move_to_cur(r);
}

std::error_code sync_pass::add_new(const std::vector<std::string>& bases) {
  std::vector<std::pair<detail::order_key, std::string>> order;
  for (const auto& b : bases) order.emplace_back(detail::order_of(b), b);
  std::sort(order.begin(), order.end());
  for (const auto& [key, base] : order)
    if (auto ec = add_file(base, on_disk[base])) return ec;
  return {};
}

std::error_code sync_pass::run() {
  if (auto ec = idx.header(h)) return ec;
  auto before = h;
  std::vector<detail::index_row> rows;
  std::set<std::string> expunged;
  if (auto ec = idx.rows(rows)) return ec;
  if (auto ec = idx.expunged_bases(expunged)) return ec;
  for (auto& r : rows)
    if (auto ec = reconcile_row(r)) return ec;
  std::vector<std::string> fresh;
  for (const auto& [base, rel] : on_disk) {
    if (expunged.count(base)) leftovers.push_back(rel);  // expunge committed, unlink lost
    else fresh.push_back(base);
  }
  if (auto ec = add_new(fresh)) return ec;
  h.messages = static_cast<std::uint64_t>(static_cast<std::int64_t>(h.messages) + d_messages);
  h.bytes = static_cast<std::uint64_t>(static_cast<std::int64_t>(h.bytes) + d_bytes);
  changed = h.highestmodseq != before.highestmodseq;
  if (!changed && h.uidnext == before.uidnext) return {};
  return idx.set_header(h);
}

// Lists the files into `on_disk` (base -> relative path). When a file is seen in both new/
// and cur/ (moved while we read), cur/ wins.
std::error_code list_files(const fs::path& dir, std::map<std::string, std::string>& on_disk) {
  std::vector<detail::found_file> files;
  if (auto ec = detail::scan(dir, files))
    return ec == std::errc::no_such_file_or_directory ? store_error::no_such_folder : store_error::io;
  for (auto& f : files) {
    auto [it, inserted] = on_disk.emplace(f.base, f.rel);
    if (!inserted && f.rel.starts_with("cur/")) it->second = f.rel;
  }
  return {};
}

}  // namespace

// The directories are read only once the index's write lock is held: a message indexed by
// another connection was durable before its row committed, so it is seen. A row without a
// file is checked against a second listing (readdir may miss a file another program renames
// while we read) before it is logged as expunged.
std::error_code folder::sync_locked(bool move_new, std::uint64_t& notify_modseq) {
  if (auto ec = index_->begin()) return ec;
  sync_pass pass{*index_, dir_, move_new, {}, {}, {}};
  auto ec = list_files(dir_, pass.on_disk);
  if (!ec) {
    std::vector<detail::index_row> rows;
    ec = index_->rows(rows);
    bool missing = std::any_of(rows.begin(), rows.end(), [&](const auto& r) { return !pass.on_disk.count(r.base); });
    std::map<std::string, std::string> again;
    if (!ec && missing && !(ec = list_files(dir_, again)))
      for (auto& [base, rel] : again) pass.on_disk[base] = std::move(rel);  // the newer listing wins
  }
  if (!ec) ec = pass.run();
  if (!ec) ec = index_->commit();
  if (ec) {
    index_->rollback();
    return ec;
  }
  for (const auto& rel : pass.leftovers) ::unlink((dir_ / rel).c_str());
  apply_quota(pass.d_messages, pass.d_bytes);
  notify_modseq = pass.changed ? pass.h.highestmodseq : 0;
  return {};
}

}  // namespace l7::mail
