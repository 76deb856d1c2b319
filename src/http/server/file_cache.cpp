#include "http/server/file_cache.hpp"

#include <atomic>
#include <cerrno>

#include "app/mime.hpp"
#include "http/codec/conditional.hpp"
#include "http/codec/date.hpp"

namespace l7::http::server {
namespace {

bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino && a.st_size == b.st_size &&
         a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}

file_cache::handle make_entry(const std::string& path, app::unique_fd fd, const struct stat& st) {
  auto f = std::make_shared<cached_file>();
  f->fd = std::move(fd);
  f->st = st;
  if (S_ISREG(st.st_mode)) {
    f->etag = make_etag(static_cast<std::uint64_t>(st.st_size),
                        st.st_mtim.tv_sec * 1'000'000'000ll + st.st_mtim.tv_nsec, st.st_ino);
    f->last_modified = format_http_date(st.st_mtim.tv_sec);
    f->content_type = app::mime_type_for(path);
  }
  return f;
}

}  // namespace

file_cache::file_cache(std::size_t capacity, clock::duration valid, opener open)
    : capacity_(capacity), valid_(valid), open_(std::move(open)) {}

tl::expected<file_cache::handle, std::error_code> file_cache::lookup(const std::string& path,
                                                                     clock::time_point now) {
  if (auto it = index_.find(path); it != index_.end()) {
    auto e = it->second;
    lru_.splice(lru_.begin(), lru_, e);
    if (now - e->validated_at < valid_) return e->file;
    return revalidate(e, now);
  }
  auto file = open_and_stat(path);
  if (file && capacity_ > 0 && S_ISREG((*file)->st.st_mode)) insert(path, *file, now);
  return file;
}

tl::expected<file_cache::handle, std::error_code> file_cache::open_and_stat(
    const std::string& path) const {
  auto fd = open_(path);
  if (!fd) return tl::make_unexpected(fd.error());
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0)
    return tl::make_unexpected(std::error_code(errno, std::generic_category()));
  return make_entry(path, std::move(*fd), st);
}

tl::expected<file_cache::handle, std::error_code> file_cache::revalidate(entry_list::iterator e,
                                                                         clock::time_point now) {
  auto fd = open_(e->path);
  struct stat st {};
  if (!fd || ::fstat(fd->get(), &st) != 0) {
    std::error_code ec = fd ? std::error_code(errno, std::generic_category()) : fd.error();
    erase(e);
    return tl::make_unexpected(ec);
  }
  if (!S_ISREG(st.st_mode)) {  // no longer a regular file: not ours to keep
    auto file = make_entry(e->path, std::move(*fd), st);
    erase(e);
    return file;
  }
  // Unchanged: keep the entry; `fd` (the same inode) closes on return.
  if (!same_file(e->file->st, st)) e->file = make_entry(e->path, std::move(*fd), st);
  e->validated_at = now;
  return e->file;
}

void file_cache::insert(const std::string& path, handle file, clock::time_point now) {
  if (index_.size() >= capacity_) erase(std::prev(lru_.end()));
  lru_.push_front(entry{path, std::move(file), now});
  index_.emplace(lru_.front().path, lru_.begin());
}

void file_cache::erase(entry_list::iterator e) {
  index_.erase(e->path);  // before the string it views goes away
  lru_.erase(e);          // the descriptor closes unless a response still holds the handle
}

file_cache_per_thread::file_cache_per_thread(std::size_t capacity,
                                             file_cache::clock::duration valid,
                                             file_cache::opener open)
    : id_([] {
        static std::atomic<std::uint64_t> next{1};
        return next.fetch_add(1, std::memory_order_relaxed);
      }()),
      capacity_(capacity),
      valid_(valid),
      open_(std::move(open)) {}

file_cache& file_cache_per_thread::local() {
  thread_local std::uint64_t last_id = 0;
  thread_local file_cache* last = nullptr;
  if (last_id == id_) return *last;
  std::lock_guard lock(mutex_);
  auto& cache = caches_[std::this_thread::get_id()];
  if (!cache) cache = std::make_unique<file_cache>(capacity_, valid_, open_);
  last_id = id_;
  last = cache.get();
  return *cache;
}

}  // namespace l7::http::server
