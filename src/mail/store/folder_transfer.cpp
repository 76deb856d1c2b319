// folder: COPY and MOVE (RFC 9051 §6.4.7, RFC 6851, COPYUID of RFC 4315 §3). No two folder
// locks are ever held at once: rows are read under the source's lock, files are linked or
// renamed with no lock, then each index is updated under its own lock.
#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "app/log.hpp"
#include "mail/store/error.hpp"
#include "mail/store/folder.hpp"
#include "mail/store/index.hpp"
#include "mail/store/maildir.hpp"
#include "mail/store/quota.hpp"

namespace l7::mail {
namespace {

namespace fs = std::filesystem;

// A new file in dest for `r`: a hard link when possible (Maildir files never change), else a
// copy written the durable way. Fills new_base / new_rel.
std::error_code clone_file(const fs::path& src_dir, const detail::index_row& r, const fs::path& dest_dir,
                           std::string& new_base, std::string& new_rel) {
  new_base = detail::unique_name(r.size);
  auto letters = maildir_letters(r.flags);
  new_rel = detail::cur_name(new_base, letters);
  if (::link((src_dir / r.file).c_str(), (dest_dir / new_rel).c_str()) == 0) return {};
  std::string content;
  {
    std::ifstream in(src_dir / r.file, std::ios::binary);
    if (!in) return store_error::no_such_message;
    content.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto internal = time_point(std::chrono::milliseconds(r.internal_ms));
  if (detail::write_message(dest_dir, content, internal, letters, new_base, new_rel))
    return store_error::io;
  return {};
}

}  // namespace

std::error_code folder::collect(const std::vector<std::uint32_t>& uids, std::vector<detail::index_row>& rows) {
  lock lk(mu_);
  if (auto ec = check_open(lk)) return ec;
  for (auto uid : detail::unique_sorted(uids)) {
    std::optional<detail::index_row> r;
    if (auto ec = index_->row(uid, r)) return ec;
    if (r) rows.push_back(std::move(*r));
  }
  return {};
}

std::error_code folder::copy(const std::vector<std::uint32_t>& uids, folder& dest, uid_mapping& out) {
  out = {};
  std::vector<detail::index_row> rows;
  if (auto ec = collect(uids, rows)) return ec;
  auto src_dir = dir();
  auto dest_dir = dest.dir();
  std::uint64_t bytes = 0;
  for (const auto& r : rows) bytes += r.size;
  std::shared_ptr<detail::quota_tracker> quota;
  {
    lock lk(dest.mu_);
    if (auto ec = dest.check_open(lk)) return ec;
    quota = dest.quota_;
  }
  if (quota)
    if (auto ec = quota->reserve(bytes, rows.size())) return ec;
  std::vector<detail::index_row> copies;
  std::error_code ec;
  for (const auto& r : rows) {
    std::string base, rel;
    if ((ec = clone_file(src_dir, r, dest_dir, base, rel))) break;
    auto& c = copies.emplace_back(r);
    c.base = base;
    c.file = rel;
    c.save_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
    out.source.push_back(r.uid);
  }
  if (!ec && detail::fsync_dir(dest_dir / "cur")) ec = store_error::io;
  std::uint64_t modseq = 0;
  auto iec = dest.insert_rows(copies, out.uidvalidity, modseq);
  if (quota) quota->release(bytes, rows.size());
  if (ec || iec) {
    for (const auto& c : copies) ::unlink((dest_dir / c.file).c_str());  // COPY failed as a whole
    out = {};
    return ec ? ec : iec;
  }
  for (const auto& c : copies) out.dest.push_back(c.uid);
  if (modseq) dest.notify(modseq);
  return {};
}

std::error_code folder::move(const std::vector<std::uint32_t>& uids, folder& dest, uid_mapping& out) {
  out = {};
  if (&dest == this) return store_error::invalid_name;
  std::vector<detail::index_row> rows;
  if (auto ec = collect(uids, rows)) return ec;
  auto src_dir = dir();
  auto dest_dir = dest.dir();
  std::vector<detail::index_row> moved;
  for (const auto& r : rows) {
    // A new base name: the source's expunge log keeps the old one (sync deletes such files).
    auto base = detail::unique_name(r.size);
    auto rel = detail::cur_name(base, maildir_letters(r.flags));
    if (::rename((src_dir / r.file).c_str(), (dest_dir / rel).c_str()) != 0) continue;  // vanished
    auto& m = moved.emplace_back(r);
    m.base = base;
    m.file = rel;
    out.source.push_back(r.uid);
  }
  // Durable in dest before it is gone from the source's directory listing for good.
  detail::fsync_dir(dest_dir / "cur");
  detail::fsync_dir(src_dir / "cur");
  detail::fsync_dir(src_dir / "new");
  std::uint64_t dest_modseq = 0, src_modseq = 0;
  auto ec = dest.insert_rows(moved, out.uidvalidity, dest_modseq);
  if (ec) app::logger("mail")->warn("mail store: moved files wait for a sync of {}: {}", dest_dir.string(), ec.message());
  std::vector<std::uint32_t> expunged;
  auto sec = remove_rows(&out.source, false, expunged, src_modseq);
  for (const auto& m : moved) out.dest.push_back(m.uid);
  if (dest_modseq) dest.notify(dest_modseq);
  if (src_modseq) notify(src_modseq);
  return ec ? ec : sec;
}

}  // namespace l7::mail
