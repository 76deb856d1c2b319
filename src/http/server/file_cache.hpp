// An open-file cache for the static-file handler, like nginx's open_file_cache: per client
// path, an open descriptor, its fstat(2) snapshot and the response strings derived from it
// (ETag, Last-Modified, Content-Type), so that a hot file costs no open/fstat/close.
//
// Staleness (time is an input: lookup(path, now)): an entry validated less than `valid` ago
// is returned without any system call. Later, the next lookup opens the path again through
// the opener (the file jail, so its rules hold at every revalidation) and fstat()s it:
//   - same (st_dev, st_ino, st_size, st_mtim): the entry stays and the new descriptor is
//     closed (the held one is open on that very inode, which cannot be reused while open);
//   - anything else (modified in place, replaced by rename, became a directory): rebuilt;
//   - an open or fstat error: the entry is dropped and the error returned.
// So a change is seen at most `valid` after it happens. Misses are never cached (a 404
// always asks the filesystem), and only regular files are kept: other file types come back
// uncached for the caller to handle.
//
// Ownership: handles are shared_ptr<const cached_file>. A response holds its handle while it
// streams, so eviction (least recently used, beyond `capacity` entries) or revalidation
// never closes a descriptor in use: it closes when the last holder lets go.
// capacity 0 disables caching: every lookup opens and fstat()s, nothing is kept.
//
// Thread-safety: a file_cache belongs to one thread and takes no locks. file_cache_per_thread
// gives each worker thread its own (one mutex acquisition per thread, on its first call).
// Errors: the opener's codes (jail_errc, errno values) and fstat's errno, as values.
#pragma once

#include <sys/stat.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_map>

#include <tl/expected.hpp>

#include "app/unique_fd.hpp"

namespace l7::http::server {

struct cached_file {
  app::unique_fd fd;
  struct stat st {};
  // Set for regular files only.
  std::string etag;                // make_etag(size, mtime, inode)
  std::string last_modified;       // IMF-fixdate of st_mtim
  std::string_view content_type;   // app::mime_type_for(path): lives as long as the process
};

class file_cache {
 public:
  using clock = std::chrono::steady_clock;
  using handle = std::shared_ptr<const cached_file>;
  // Opens a client path read-only (O_CLOEXEC), e.g. through app::jail::open_file.
  using opener = std::function<tl::expected<app::unique_fd, std::error_code>(const std::string&)>;

  file_cache(std::size_t capacity, clock::duration valid, opener open);
  file_cache(const file_cache&) = delete;
  file_cache& operator=(const file_cache&) = delete;

  // The file at `path` (any type), or why it could not be opened.
  tl::expected<handle, std::error_code> lookup(const std::string& path, clock::time_point now);

  std::size_t size() const { return index_.size(); }

 private:
  struct entry {
    std::string path;
    handle file;
    clock::time_point validated_at;
  };
  using entry_list = std::list<entry>;

  tl::expected<handle, std::error_code> open_and_stat(const std::string& path) const;
  tl::expected<handle, std::error_code> revalidate(entry_list::iterator e, clock::time_point now);
  void insert(const std::string& path, handle file, clock::time_point now);
  void erase(entry_list::iterator e);

  std::size_t capacity_;
  clock::duration valid_;
  opener open_;
  entry_list lru_;  // most recently used first
  std::unordered_map<std::string_view, entry_list::iterator> index_;  // keys view entry::path
};

// One file_cache per calling thread, all built with the same arguments and owned here (their
// descriptors close when this is destroyed). Safe to share between threads.
class file_cache_per_thread {
 public:
  file_cache_per_thread(std::size_t capacity, file_cache::clock::duration valid,
                        file_cache::opener open);
  file_cache_per_thread(const file_cache_per_thread&) = delete;
  file_cache_per_thread& operator=(const file_cache_per_thread&) = delete;

  // The calling thread's cache, created on first use. Without locking when the thread's
  // previous call was on this same instance (the usual case: one per process).
  file_cache& local();

 private:
  const std::uint64_t id_;  // unique per instance, so a thread-local shortcut cannot dangle
  std::size_t capacity_;
  file_cache::clock::duration valid_;
  file_cache::opener open_;
  std::mutex mutex_;
  std::unordered_map<std::thread::id, std::unique_ptr<file_cache>> caches_;
};

}  // namespace l7::http::server
