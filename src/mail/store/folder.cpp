// folder: opening, reading and bookkeeping. Writes are in folder_write.cpp, copy/move in
// folder_transfer.cpp, the reconciliation with the files in folder_sync.cpp.
#include "mail/store/folder.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>

#include "app/log.hpp"
#include "app/unique_fd.hpp"
#include "core/text.hpp"
#include "mail/store/error.hpp"
#include "mail/store/index.hpp"
#include "mail/store/maildir.hpp"
#include "mail/store/quota.hpp"
#include "mail/store/watch.hpp"

namespace l7::mail {
namespace {

constexpr const char* index_name = "l7-index.sqlite";
constexpr const char* uidvalidity_name = "l7-uidvalidity";

std::atomic<std::uint32_t> last_uidvalidity{0};

// RFC 9051 §2.3.1.1: a rebuilt index must not reuse a UIDVALIDITY. The last value given to
// this folder is kept in a file beside the index, so it survives the index's loss.
std::uint32_t next_uidvalidity(const std::filesystem::path& dir) {
  std::uint32_t last = 0;
  if (std::ifstream in(dir / uidvalidity_name); in) {
    std::string text;
    std::getline(in, text);
    last = static_cast<std::uint32_t>(parse_uint(text).value_or(0));
  }
  auto now = static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  std::uint32_t v = std::max(now, last + 1);
  std::uint32_t prev = last_uidvalidity.load();
  do {
    v = std::max(v, prev + 1);
  } while (!last_uidvalidity.compare_exchange_weak(prev, v));
  auto tmp = dir / "tmp" / uidvalidity_name;
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << v << '\n';
  }
  std::error_code ec;
  std::filesystem::rename(tmp, dir / uidvalidity_name, ec);
  return v;
}

time_point from_ms(std::int64_t ms) { return time_point(std::chrono::milliseconds(ms)); }

}  // namespace

folder::folder(std::string name, std::filesystem::path dir)
    : name_(std::move(name)), dir_(std::move(dir)), watchers_(std::make_shared<detail::watch_list>()) {}

folder::~folder() = default;

std::shared_ptr<folder> folder::open(std::string name, std::filesystem::path dir, std::error_code& ec) {
  if (!detail::is_maildir(dir)) {
    ec = store_error::no_such_folder;
    return nullptr;
  }
  std::shared_ptr<folder> f(new folder(std::move(name), std::move(dir)));
  bool created = false;
  std::uint32_t uidvalidity = 0;
  auto make_uidvalidity = [&] { return uidvalidity = next_uidvalidity(f->dir_); };
  f->index_ = detail::index::open(f->dir_ / index_name, make_uidvalidity, created, ec);
  if (!f->index_) return nullptr;
  detail::clean_tmp(f->dir_);
  std::uint64_t modseq = 0;
  lock lk(f->mu_);
  if (!f->index_->begin()) {  // the cached totals (STATUS, quota) follow the rows
    if (f->index_->recount() || f->index_->commit()) f->index_->rollback();
  }
  if ((ec = f->sync_locked(false, modseq))) return nullptr;
  detail::index_header h;
  if (created && !f->index_->header(h) && h.messages > 0)  // RFC 9051 §2.3.1.1
    app::logger("mail")->warn("mail store: index of {} rebuilt from {} files with the new UIDVALIDITY {}",
                              f->dir_.string(), h.messages, uidvalidity);
  return f;
}

std::string folder::name() const {
  lock lk(mu_);
  return name_;
}

std::filesystem::path folder::dir() const {
  lock lk(mu_);
  return dir_;
}

std::error_code folder::check_open(const lock&) const {
  return index_ ? std::error_code{} : store_error::no_such_folder;
}

namespace {

// The mtime of a directory in ns, or 0 when it cannot be read.
std::int64_t mtime_ns(const std::filesystem::path& dir) {
  struct ::stat st {};
  if (::stat(dir.c_str(), &st) != 0) return 0;
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

}  // namespace

std::error_code folder::sync(bool move_new) {
  std::uint64_t modseq = 0;
  {
    lock lk(mu_);
    if (auto ec = check_open(lk)) return ec;
    // The scan reads every file name and index row (0.2-0.6 s for 50,000 messages): skip it
    // while neither directory changed. A directory's mtime moves with every file added,
    // removed or renamed in it; it is only trusted once it is 2 s old, because file systems
    // keep coarse timestamps and a change in the same tick would not move it.
    const auto new_ns = mtime_ns(dir_ / "new"), cur_ns = mtime_ns(dir_ / "cur");
    if (new_ns != 0 && new_ns == synced_new_ns_ && cur_ns == synced_cur_ns_ && (synced_moved_new_ || !move_new))
      return {};
    if (auto ec = sync_locked(move_new, modseq)) return ec;
    const auto after_new = mtime_ns(dir_ / "new"), after_cur = mtime_ns(dir_ / "cur");
    const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
    constexpr std::int64_t settled = 2'000'000'000;
    const bool quiet = after_new != 0 && now - after_new > settled && now - after_cur > settled;
    synced_new_ns_ = quiet ? after_new : 0;
    synced_cur_ns_ = quiet ? after_cur : 0;
    synced_moved_new_ = move_new;
  }
  if (modseq) notify(modseq);
  return {};
}

std::error_code folder::snapshot(folder_snapshot& out, bool with_meta) {
  lock lk(mu_);
  if (auto ec = check_open(lk)) return ec;
  detail::index_header h;
  std::vector<detail::index_row> rows;
  if (auto ec = index_->begin_read()) return ec;
  auto ec = index_->header(h);
  if (!ec) ec = index_->rows(rows, 0, with_meta);
  index_->commit();
  if (ec) return ec;
  out.uidvalidity = h.uidvalidity;
  out.uidnext = h.uidnext;
  out.highestmodseq = h.highestmodseq;
  out.messages.clear();
  out.messages.reserve(rows.size());
  for (const auto& r : rows) out.messages.push_back(to_record(r));
  return {};
}

std::error_code folder::status(folder_status& out) {
  lock lk(mu_);
  if (auto ec = check_open(lk)) return ec;
  detail::index_header h;
  std::uint64_t unseen = 0;
  if (auto ec = index_->header(h)) return ec;
  if (auto ec = index_->counts(unseen)) return ec;
  out = {};
  out.messages = static_cast<std::uint32_t>(h.messages);
  out.unseen = static_cast<std::uint32_t>(unseen);
  out.uidnext = h.uidnext;
  out.uidvalidity = h.uidvalidity;
  out.size = h.bytes;
  out.highestmodseq = h.highestmodseq;
  return {};
}

std::error_code folder::message(std::uint32_t uid, message_record& out) {
  lock lk(mu_);
  if (auto ec = check_open(lk)) return ec;
  std::optional<detail::index_row> row;
  if (auto ec = index_->row(uid, row)) return ec;
  if (!row) return store_error::no_such_message;
  out = to_record(*row);
  return {};
}

std::error_code folder::messages(std::uint32_t first, std::uint32_t last, std::vector<message_record>& out,
                                 bool with_meta) {
  lock lk(mu_);
  if (auto ec = check_open(lk)) return ec;
  std::vector<detail::index_row> rows;
  if (auto ec = index_->rows_between(first, last, rows, with_meta)) return ec;
  out.reserve(out.size() + rows.size());
  for (const auto& r : rows) out.push_back(to_record(r));
  return {};
}

std::error_code folder::headers(std::uint32_t first, std::uint32_t last,
                                std::vector<std::pair<std::uint32_t, std::string>>& out) {
  lock lk(mu_);
  if (auto ec = check_open(lk)) return ec;
  return index_->headers_between(first, last, out);
}

std::error_code folder::remember_headers(const std::vector<std::pair<std::string, std::string>>& by_id) {
  lock lk(mu_);
  if (auto ec = check_open(lk)) return ec;
  if (auto ec = index_->begin()) return ec;
  std::error_code ec;
  for (const auto& [id, header] : by_id) {
    std::uint32_t uid = 0;
    if (!ec) ec = index_->find_base(id, uid);
    if (!ec && uid != 0 && !header.empty()) ec = index_->put_header(id, header);
  }
  if (!ec) ec = index_->commit();
  if (ec) index_->rollback();
  return ec;
}

std::string_view header_prefix(std::string_view m, std::size_t limit) {
  std::size_t end = m.size();
  if (m.starts_with("\r\n")) end = 2;
  else if (m.starts_with("\n")) end = 1;
  else {
    for (std::size_t i = m.find('\n'); i != std::string_view::npos; i = m.find('\n', i + 1)) {
      const auto rest = m.substr(i + 1);
      if (rest.starts_with("\r\n")) {
        end = i + 3;
        break;
      }
      if (rest.starts_with("\n")) {
        end = i + 2;
        break;
      }
    }
  }
  if (end > limit) return {};
  return m.substr(0, end);
}

namespace {

// Reads the file at `path` into `out` (all of it, or up to the end of its header section).
// io when it cannot be opened or read; `missing` says it does not exist (renamed or gone).
std::error_code read_file(const std::filesystem::path& path, std::uint64_t size, std::string& out,
                          bool header_only, bool& missing) {
  missing = false;
  app::unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    missing = errno == ENOENT;
    return store_error::io;
  }
  out.clear();
  if (!header_only) out.reserve(size);
  char buf[65536];
  const std::size_t chunk = header_only ? 8192 : sizeof buf;
  for (ssize_t n; (n = ::read(fd.get(), buf, chunk)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return store_error::io;
    const std::size_t searched = out.size() >= 3 ? out.size() - 3 : 0;
    out.append(buf, static_cast<std::size_t>(n));
    if (header_only) {
      std::string_view text(out);
      if (text.substr(0, 2) == "\r\n" || text.substr(0, 1) == "\n") break;
      if (text.find("\n\r\n", searched) != std::string_view::npos ||
          text.find("\n\n", searched) != std::string_view::npos)
        break;
    }
  }
  return {};
}

}  // namespace

std::error_code folder::read(std::uint32_t uid, std::string& out) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    message_record m;
    if (auto ec = message(uid, m)) return ec;
    bool missing = false;
    auto ec = read_file(m.path, m.size, out, false, missing);
    if (!missing) return ec;
    if (auto e = sync(false)) return e;  // renamed or deleted by another program
  }
  return store_error::no_such_message;
}

std::error_code folder::read(const message_record& m, std::string& out, bool header_only) {
  bool missing = false;
  auto ec = read_file(m.path, m.size, out, header_only, missing);
  if (!missing) return ec;
  message_record now;  // the file moved (a flag change renamed it): look it up again
  if ((ec = sync(false))) return ec;
  if ((ec = message(m.uid, now))) return ec;
  ec = read_file(now.path, now.size, out, header_only, missing);
  return missing ? make_error_code(store_error::no_such_message) : ec;
}

watch_handle folder::watch(change_callback cb) {
  return watch_handle(watchers_, watchers_->add(std::move(cb)));
}

void folder::attach_quota(std::shared_ptr<detail::quota_tracker> q) {
  lock lk(mu_);
  detail::index_header h;
  if (index_ && !index_->header(h))
    q->apply(static_cast<std::int64_t>(h.bytes), static_cast<std::int64_t>(h.messages));
  quota_ = std::move(q);
}

void folder::retire() {
  std::uint64_t modseq = 0;
  {
    lock lk(mu_);
    detail::index_header h;
    if (index_ && !index_->header(h)) {
      apply_quota(-static_cast<std::int64_t>(h.messages), -static_cast<std::int64_t>(h.bytes));
      modseq = h.highestmodseq;
    }
    index_.reset();
    quota_.reset();
  }
  notify(modseq);  // watchers learn at once (their next call says no_such_folder)
}

message_record folder::to_record(const detail::index_row& r) const {
  message_record m;
  m.uid = r.uid;
  m.id = r.base;
  m.path = dir_ / r.file;
  m.flags = r.flags;
  m.modseq = r.modseq;
  m.size = r.size;
  m.internal_date = from_ms(r.internal_ms);
  m.save_date = from_ms(r.save_ms);
  m.meta = r.meta;
  return m;
}

void folder::apply_quota(std::int64_t messages, std::int64_t bytes) {
  if (quota_) quota_->apply(bytes, messages);
}

void folder::notify(std::uint64_t modseq) { watchers_->notify(name(), modseq); }

}  // namespace l7::mail
