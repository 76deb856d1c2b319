#include "ftp/client/mirror.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "ftp/client/error.hpp"

namespace l7::ftp::client {
namespace {

namespace fs = std::filesystem;
using kind = file_facts::kind;

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A name that stays inside the local directory it is written to.
bool safe_name(std::string_view name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find_first_of(std::string_view("/\\\0", 3)) == std::string_view::npos;
}

std::string remote_join(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (out.empty() || out.back() != '/') out += '/';
  out += name;
  return out;
}

std::error_code errno_code() { return {errno, std::generic_category()}; }

struct file_closer {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

// The local copy is current: same size, and the same time when the remote time is exact
// (a LIST time is to the minute at best, so there size alone decides).
bool unchanged(const fs::path& p, const listed_entry& e, std::int64_t mtime, bool exact) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  if (e.has_size && static_cast<std::uint64_t>(st.st_size) != e.facts.size) return false;
  return !exact || st.st_mtime == mtime;
}

void set_mtime(const fs::path& p, std::int64_t mtime) {
  const struct timespec times[2] = {{mtime, 0}, {mtime, 0}};
  ::utimensat(AT_FDCWD, p.c_str(), times, 0);
}

class walker {
 public:
  walker(session& s, const mirror_options& opt, mirror_stats& stats) : s_(s), opt_(opt), stats_(stats) {}

  net::awaitable<status> walk(std::string remote, fs::path local, int depth) {
    if (depth > opt_.max_depth)
      co_return status{std::make_error_code(std::errc::too_many_links), {}, "mirror " + remote + ": too deep"};
    std::error_code ec;
    fs::create_directories(local, ec);
    if (ec) co_return status{ec, {}, "create " + local.string()};
    ++stats_.dirs;
    auto cd = co_await s_.cwd(remote);
    if (!cd.ok()) co_return refused(cd, remote);
    const std::string here;
    auto [st, entries] = co_await list_directory(s_, here);
    if (!st.ok()) co_return refused(st, remote);
    std::vector<std::string> dirs;
    for (const auto& e : entries) {
      const auto& name = e.facts.name;
      if (e.facts.type == kind::cdir || e.facts.type == kind::pdir || name == "." || name == "..") continue;
      if (!safe_name(name)) {
        skip("unsafe name", remote_join(remote, name));
        continue;
      }
      if (e.facts.type == kind::dir) {
        dirs.push_back(name);
      } else if (e.facts.type == kind::file) {
        const auto target = local / name;
        auto got = co_await fetch(e, remote, target);
        if (!got.ok()) co_return got;
      } else {
        skip(e.facts.type == kind::link ? "symlink" : "not a regular file", remote_join(remote, name));
      }
    }
    for (const auto& d : dirs) {
      const auto remote_sub = remote_join(remote, d);
      const auto local_sub = local / d;
      auto sub = co_await walk(remote_sub, local_sub, depth + 1);
      if (!sub.ok()) co_return sub;
    }
    co_return status{};
  }

  status last_refusal() const { return last_refusal_; }

 private:
  void skip(std::string_view why, std::string_view path) {
    ++stats_.skipped;
    if (opt_.note) opt_.note(fmt::format("skipped {} ({})", path, why));
  }

  // A refusal is counted and the mirror goes on; anything else ends it.
  status refused(const status& st, std::string_view path) {
    if (!st.rejected()) return st;
    ++stats_.failed;
    last_refusal_ = st;
    if (opt_.note) opt_.note(fmt::format("{}: {}", path, st.message()));
    return status{};
  }

  net::awaitable<status> fetch(const listed_entry& e, const std::string& remote, fs::path local) {
    const auto& name = e.facts.name;
    std::int64_t mtime = e.facts.mtime;
    bool exact = e.mtime_exact, known = e.has_mtime;
    if (!exact) {
      auto [mst, t] = co_await s_.mdtm(name);
      if (mst.ok()) {
        mtime = t;
        exact = known = true;
      } else if (!mst.rejected()) {
        co_return mst;
      }
    }
    if (unchanged(local, e, mtime, exact)) {
      ++stats_.unchanged;
      co_return status{};
    }
    // Opened at the first byte, so that a refused RETR leaves an older copy alone.
    std::unique_ptr<std::FILE, file_closer> file;
    auto open = [&]() -> std::error_code {
      if (!file) file.reset(std::fopen(local.c_str(), "wb"));
      return file ? std::error_code{} : errno_code();
    };
    if (opt_.on_file_start) opt_.on_file_start(remote_join(remote, name), e.has_size ? e.facts.size : 0);
    const data_sink sink = [&](std::span<const std::byte> bytes) -> std::error_code {
      if (auto ec = open()) return ec;
      if (std::fwrite(bytes.data(), 1, bytes.size(), file.get()) != bytes.size()) return errno_code();
      stats_.bytes += bytes.size();
      if (opt_.on_progress) opt_.on_progress(bytes.size());
      return {};
    };
    const transfer_options binary;
    auto st = co_await s_.retrieve(name, sink, binary);
    if (opt_.on_file_end) opt_.on_file_end();
    if (st.ok()) {
      if (auto ec = open()) st = status{ec, {}, "create " + local.string()};
      else if (std::fflush(file.get()) != 0) st = status{errno_code(), {}, "write " + local.string()};
    }
    const bool wrote = file != nullptr;
    file.reset();
    if (!st.ok()) {
      std::error_code ignored;
      if (wrote) fs::remove(local, ignored);  // no partial file that looks complete
      co_return refused(st, remote_join(remote, name));
    }
    if (known) set_mtime(local, mtime);
    ++stats_.files;
    if (opt_.note) opt_.note(fmt::format("got {}", remote_join(remote, name)));
    co_return status{};
  }

  session& s_;
  const mirror_options& opt_;
  mirror_stats& stats_;
  status last_refusal_;
};

}  // namespace

net::awaitable<with_status<std::vector<listed_entry>>> list_directory(session& s, std::string path) {
  using result = with_status<std::vector<listed_entry>>;
  result out;
  const auto& feats = s.server_features();
  if (!feats.answered || feats.has("MLST")) {
    const line_sink take = [&](std::string_view line) -> std::error_code {
      if (auto e = parse_mlsx_line(line)) out.value.push_back(std::move(*e));
      return {};
    };
    auto st = co_await s.list(listing::mlsd, path, take);
    const bool unknown = st.rejected() && (st.reply.code == 500 || st.reply.code == 502);
    if (!unknown) {
      out.st = st;
      co_return out;
    }
    out.value.clear();
  }
  const auto now = now_seconds();
  const line_sink take = [&](std::string_view line) -> std::error_code {
    if (auto e = parse_list_line(line, now)) out.value.push_back(std::move(*e));
    return {};
  };
  auto st = co_await s.list(listing::list, path, take);
  out.st = st;
  co_return out;
}

net::awaitable<status> mirror(session& s, std::string remote_dir, fs::path local_dir,
                              const mirror_options& opt, mirror_stats& stats) {
  if (!remote_dir.empty()) {
    auto cd = co_await s.cwd(remote_dir);
    if (!cd.ok()) co_return cd;
  }
  auto [st, root] = co_await s.pwd();
  if (!st.ok()) co_return st;
  walker w(s, opt, stats);
  auto done = co_await w.walk(root, local_dir, 0);
  if (!done.ok()) co_return done;
  co_return w.last_refusal();
}

}  // namespace l7::ftp::client
