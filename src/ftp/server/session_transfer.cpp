// Transfers (RETR, STOR, APPE, STOU, LIST, NLST, MLSD; RFC 959 §4.1.3, RFC 3659 §7). A transfer checks what it can on the
// command loop (path, permissions, file) and answers errors there; the data connection and
// the bytes are then handled by its own coroutine (see session.hpp).
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <ctime>

#include "core/random.hpp"
#include "ftp/codec/ascii.hpp"
#include "ftp/codec/path.hpp"
#include "ftp/server/fs_facts.hpp"
#include "ftp/server/service.hpp"
#include "ftp/server/session.hpp"

namespace l7::ftp::server {

namespace {

// LIST/NLST arguments may start with ls options ("-la"); 'a' shows dot files.
std::string_view strip_list_options(std::string_view arg, bool& hidden) {
  while (arg.starts_with('-')) {
    auto end = arg.find(' ');
    if (arg.substr(0, end).find('a') != std::string_view::npos) hidden = true;
    if (end == std::string_view::npos) return {};
    arg.remove_prefix(end + 1);
  }
  return arg;
}

bool is_glob(std::string_view s) { return s.find_first_of("*?[") != std::string_view::npos; }

}  // namespace

void session::start_transfer(net::awaitable<void> work) {
  transferring_ = true;
  abort_requested_ = false;
  data_timed_out_ = false;
  transferred_ = 0;
  idle_deadline_.disarm();
  asio::co_spawn(worker_.executor(), std::move(work), [this](std::exception_ptr e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        shared_.log->error("{}: transfer failed: {}", remote_text_, ex.what());
      }
      reply(451, "Local error in processing.");
    }
    data_stream_ = nullptr;
    data_deadline_.disarm();
    transferring_ = false;
    signal_.cancel();  // wakes a command waiting for the transfer
  });
}

net::awaitable<std::unique_ptr<net::stream>> session::open_data(std::string preliminary) {
  auto [ec, socket] = co_await data_.open(remote_.address(), local_.address(), shared_.config.data_timeout);
  if (ec) {
    if (abort_requested_) {
      reply(426, "Connection closed; transfer aborted.");
      reply(226, "ABOR successful.");
    } else {
      reply(425, "Can't open data connection.");
    }
    co_return nullptr;
  }
  auto data = std::make_unique<net::stream>(std::move(socket));
  data_stream_ = data.get();
  reply(150, preliminary);
  if (protect_data_) {
    // The FTP server is the TLS server on data connections too (RFC 4217 §7).
    data_deadline_.expires_after(shared_.config.data_timeout);
    // No session tickets here: the client resumes the control connection's session, and a
    // client that only uploads would never read them (its close would then be a reset).
    auto hec = co_await data->handshake_server(*tls_ctx_, false);
    if (hec || (shared_.config.require_tls_session_reuse && !data->session_reused())) {
      reply(522, hec ? "TLS handshake on the data connection failed."
                     : "Data connection must resume the control connection's TLS session.");
      data_stream_ = nullptr;
      co_return nullptr;
    }
  }
  co_return data;
}

void session::finish_transfer(std::error_code ec, bool local_error) {
  data_deadline_.disarm();
  if (abort_requested_) {
    reply(426, "Connection closed; transfer aborted.");
    reply(226, "ABOR successful.");
  } else if (local_error) {
    if (ec == std::errc::no_space_on_device || ec == std::errc::file_too_large)
      reply(452, "Insufficient storage space: " + ec.message() + ".");
    else
      reply(451, "Local error: " + ec.message() + ".");
  } else if (ec) {
    shared_.log->info("{}: {} failed after {} bytes: {}", remote_text_, transfer_what_, transferred_, ec.message());
    reply(426, data_timed_out_ ? "Data connection timed out; transfer aborted."
                                        : "Connection closed; transfer aborted.");
  } else {
    reply(226, "Transfer complete.");
  }
  if (!idle_ && !closing_) idle_deadline_.expires_after(shared_.config.idle_timeout);
}

net::awaitable<void> session::retr_body(app::unique_fd fd, std::uint64_t offset, std::uint64_t size,
                                        std::string name) {
  transfer_what_ = "RETR " + name;
  // (GCC 12: temporaries inside a co_await expression are miscompiled; name them first.)
  std::string preliminary = "Opening ";
  preliminary += ascii_ ? "ASCII" : "BINARY";
  preliminary += " mode data connection for " + name + " (" + std::to_string(size) + " bytes).";
  auto data = co_await open_data(std::move(preliminary));
  if (!data) co_return;
  std::error_code ec;
  bool local = false;
  if (!ascii_ && !data->is_tls()) {
    ec = co_await send_file(*data, fd.get(), offset, size, local);
  } else {
    // TLS or TYPE A: through user space.
    std::string raw(io_chunk, '\0'), converted;
    std::uint64_t off = offset;
    while (!ec && off < size) {
      auto n = ::pread(fd.get(), raw.data(), std::min<std::uint64_t>(io_chunk, size - off), static_cast<off_t>(off));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (n < 0) ec = last_errno(), local = true;
        break;
      }
      off += static_cast<std::uint64_t>(n);
      std::string_view out(raw.data(), static_cast<std::size_t>(n));
      if (ascii_) {
        converted.clear();
        ascii_to_network(std::as_bytes(std::span(raw.data(), static_cast<std::size_t>(n))), converted);
        out = converted;
      }
      ec = co_await send_bytes(*data, out);
    }
  }
  if (!ec) co_await data->graceful_close();
  data_stream_ = nullptr;
  finish_transfer(ec, local);
}

net::awaitable<void> session::store_body(app::unique_fd fd, std::string name, bool unique) {
  transfer_what_ = "STOR " + name;
  std::string preliminary = unique ? "FILE: " + name : "Ok to send data for " + name + ".";
  auto data = co_await open_data(std::move(preliminary));
  if (!data) co_return;
  bool local = false;
  auto ec = co_await receive_file(*data, fd.get(), local);
  if (!local && ::close(fd.release()) != 0) {  // NFS and quota errors may show up only here
    ec = last_errno();
    local = true;
  }
  if (!ec) co_await data->graceful_close();
  data_stream_ = nullptr;
  if (!ec) shared_.log->info("{}: {} stored {} ({} bytes)", remote_text_, user_, name, transferred_);
  finish_transfer(ec, local);
}

net::awaitable<void> session::list_body(std::string text, std::string what) {
  transfer_what_ = what;
  std::string preliminary = "Here comes the directory listing.";
  auto data = co_await open_data(std::move(preliminary));
  if (!data) co_return;
  auto ec = co_await send_bytes(*data, text);
  if (!ec) co_await data->graceful_close();
  data_stream_ = nullptr;
  finish_transfer(ec, false);
}

net::awaitable<void> session::cmd_retr(std::string_view arg) {
  if (!data_.ready()) {
    reply(425, "Use PORT, EPRT, PASV or EPSV first.");
    co_return;
  }
  auto r = resolve(arg);
  if (!r) co_return;
  auto fd = jail_->open_file(r->client_path, O_RDONLY);
  if (!fd) {
    reply(550, describe_fs_error(fd.error()));
    co_return;
  }
  struct ::stat st {};
  if (::fstat(fd->get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    reply(550, "Not a plain file.");
    co_return;
  }
  const std::uint64_t offset = std::exchange(rest_, 0);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (offset > size) {
    reply(554, "Restart position is past the end of the file.");
    co_return;
  }
  start_transfer(retr_body(std::move(*fd), offset, size, r->client_path));
}

net::awaitable<void> session::cmd_store(std::string_view arg, upload how) {
  if (deny_anonymous()) co_return;
  if (!data_.ready()) {
    reply(425, "Use PORT, EPRT, PASV or EPSV first.");
    co_return;
  }
  const std::uint64_t offset = std::exchange(rest_, 0);
  std::string client_path;
  tl::expected<app::unique_fd, std::error_code> fd = tl::unexpected(std::error_code());
  if (how == upload::unique) {
    // STOU (RFC 959 §4.1.3, RFC 1123 §4.1.2.9): a name that did not exist, made atomically.
    std::string base = arg.empty() ? "upload" : std::string(arg);
    for (int attempt = 0; attempt < 20; ++attempt) {
      std::array<std::byte, 4> rnd;
      random_fill(rnd);
      char suffix[16];
      std::snprintf(suffix, sizeof suffix, ".%02x%02x%02x%02x", unsigned(rnd[0]), unsigned(rnd[1]),
                    unsigned(rnd[2]), unsigned(rnd[3]));
      auto r = resolve(base + suffix, false);
      if (!r) co_return;
      client_path = r->client_path;
      fd = jail_->open_file(client_path, O_WRONLY | O_CREAT | O_EXCL, 0644);
      if (fd || fd.error() != std::errc::file_exists) break;
    }
  } else {
    if (arg.empty()) {
      reply(501, "STOR needs a file name.");
      co_return;
    }
    auto r = resolve(arg, false);
    if (!r) co_return;
    client_path = r->client_path;
    int flags = O_WRONLY | O_CREAT;
    if (how == upload::append) flags |= O_APPEND;
    else if (offset == 0) flags |= O_TRUNC;
    fd = jail_->open_file(client_path, flags, 0644);
  }
  if (!fd) {
    reply(553, "Could not create file: " + describe_fs_error(fd.error()));
    co_return;
  }
  if (how == upload::store && offset > 0) {
    // REST + STOR resumes an upload: what was there past the offset is replaced.
    if (::ftruncate(fd->get(), static_cast<off_t>(offset)) != 0 ||
        ::lseek(fd->get(), static_cast<off_t>(offset), SEEK_SET) < 0) {
      reply(451, "Could not resume at " + std::to_string(offset) + ": " + last_errno().message() + ".");
      co_return;
    }
  }
  start_transfer(store_body(std::move(*fd), client_path, how == upload::unique));
}

net::awaitable<void> session::cmd_list(std::string_view arg, listing how) {
  if (!data_.ready()) {
    reply(425, "Use PORT, EPRT, PASV or EPSV first.");
    co_return;
  }
  bool hidden = how == listing::mlsd;
  if (how != listing::mlsd) arg = strip_list_options(arg, hidden);
  // A glob in the last component ("*.txt") filters the listing of its directory.
  std::string pattern;
  std::string_view dir_arg = arg;
  if (how != listing::mlsd && is_glob(arg)) {
    const auto slash = arg.rfind('/');
    pattern = std::string(slash == std::string_view::npos ? arg : arg.substr(slash + 1));
    dir_arg = slash == std::string_view::npos ? std::string_view{} : arg.substr(0, slash + 1);
  }
  auto r = resolve(dir_arg.empty() ? "." : dir_arg);
  if (!r) co_return;
  std::error_code ec;
  std::vector<file_facts> entries;
  const bool is_dir = std::filesystem::is_directory(r->fs_path, ec);
  if (is_dir) {
    entries = list_directory(r->fs_path, hidden || !pattern.empty(), ec);
    if (ec) {
      reply(550, describe_fs_error(ec));
      co_return;
    }
  } else if (how == listing::mlsd) {
    reply(501, "MLSD needs a directory; use MLST for a file.");
    co_return;
  } else if (auto f = facts_of(r->fs_path, std::string(arg), ec)) {
    entries.push_back(std::move(*f));
  }
  std::string text;
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  // NLST of a named directory gives "dir/name", so that the names work as arguments.
  std::string prefix;
  if (how == listing::nlst && is_dir && !dir_arg.empty()) {
    prefix = std::string(dir_arg);
    if (!prefix.ends_with('/')) prefix += '/';
  }
  for (auto& e : entries) {
    if (!pattern.empty() && ::fnmatch(pattern.c_str(), e.name.c_str(), FNM_PERIOD) != 0) continue;
    if (unsafe_pathname(e.name)) continue;  // a name with CR/LF would corrupt the listing
    switch (how) {
      case listing::list: text += format_list_line(e, now); break;
      case listing::nlst: text += prefix + e.name; break;
      case listing::mlsd:
        e.perm = perm_for(e.type);
        text += format_mlsx_line(e, mlst_);
        break;
    }
    text += "\r\n";
  }
  const char* verb = how == listing::list ? "LIST " : how == listing::nlst ? "NLST " : "MLSD ";
  start_transfer(list_body(std::move(text), verb + r->client_path));
}

}  // namespace l7::ftp::server
