// Paths, directories and file information: CWD, PWD, MKD, RMD, DELE, RNFR/RNTO (RFC 959
// §4.1), SIZE, MDTM, MLST (RFC 3659), STAT, SITE, TYPE.
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cstdio>
#include <ctime>

#include "core/text.hpp"
#include "ftp/codec/ascii.hpp"
#include "ftp/codec/path.hpp"
#include "ftp/server/fs_facts.hpp"
#include "ftp/server/service.hpp"
#include "ftp/server/session.hpp"

namespace l7::ftp::server {

namespace {
// SIZE in TYPE A counts the CR LF conversion (RFC 3659 §4), which means reading the file; that
// is done up to this size and refused beyond it.
constexpr std::uint64_t max_ascii_size_scan = 64ull << 20;
}  // namespace

std::optional<app::resolved_path> session::resolve(std::string_view arg, bool must_exist) {
  if (unsafe_pathname(arg)) {
    reply(553, "File name not allowed.");
    return std::nullopt;
  }
  auto r = jail_->resolve(join_path(cwd_, arg));
  if (!r) {
    reply(550, describe_fs_error(r.error()));
    return std::nullopt;
  }
  if (must_exist) {
    struct ::stat st {};
    if (::lstat(r->fs_path.c_str(), &st) != 0) {
      reply(550, describe_fs_error(last_errno()));
      return std::nullopt;
    }
  }
  return std::move(*r);
}

bool session::deny_anonymous() {
  if (writable()) return false;
  reply(550, "Permission denied: anonymous access is read-only.");
  return true;
}

std::string session::perm_for(file_facts::kind k) const {
  const bool dir = k == file_facts::kind::dir || k == file_facts::kind::cdir || k == file_facts::kind::pdir;
  if (!writable()) return dir ? "el" : "r";
  return dir ? "cdeflmp" : "adfrw";
}

void session::cmd_cwd(std::string_view arg) {
  auto r = resolve(arg.empty() ? "/" : arg);
  if (!r) return;
  std::error_code ec;
  if (!std::filesystem::is_directory(r->fs_path, ec)) return reply(550, "Not a directory.");
  cwd_ = r->client_path;
  reply(250, "Directory successfully changed.");
}

void session::cmd_pwd() { reply(257, quote_pathname(cwd_) + " is the current directory."); }

void session::cmd_mkd(std::string_view arg) {
  if (deny_anonymous()) return;
  if (arg.empty()) return reply(501, "MKD needs a name.");
  auto r = resolve(arg, false);
  if (!r) return;
  if (::mkdir(r->fs_path.c_str(), 0755) != 0)
    return reply(550, describe_fs_error(last_errno()));
  reply(257, quote_pathname(r->client_path) + " created.");
}

void session::cmd_rmd(std::string_view arg) {
  if (deny_anonymous()) return;
  auto r = resolve(arg);
  if (!r) return;
  if (r->client_path == "/") return reply(550, "Permission denied: that is your root.");
  if (::rmdir(r->fs_path.c_str()) != 0)
    return reply(550, describe_fs_error(last_errno()));
  reply(250, "Directory removed.");
}

void session::cmd_dele(std::string_view arg) {
  if (deny_anonymous()) return;
  auto r = resolve(arg);
  if (!r) return;
  struct ::stat st {};
  if (::lstat(r->fs_path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return reply(550, "Is a directory: use RMD.");
  if (::unlink(r->fs_path.c_str()) != 0)
    return reply(550, describe_fs_error(last_errno()));
  reply(250, "File deleted.");
}

void session::cmd_rnfr(std::string_view arg) {
  if (deny_anonymous()) return;
  auto r = resolve(arg);
  if (!r) return;
  if (r->client_path == "/") return reply(550, "Permission denied: that is your root.");
  rename_from_ = r->client_path;
  reply(350, "Ready for RNTO.");
}

void session::cmd_rnto(std::string_view arg) {
  if (deny_anonymous()) return;
  if (!rename_from_) return reply(503, "RNFR first.");
  const std::string from_path = *rename_from_;
  rename_from_.reset();
  auto from = resolve(from_path);
  if (!from) return;
  auto to = resolve(arg, false);
  if (!to) return;
  if (std::rename(from->fs_path.c_str(), to->fs_path.c_str()) != 0)
    return reply(550, describe_fs_error(last_errno()));
  reply(250, "Rename successful.");
}

void session::cmd_size(std::string_view arg) {
  auto r = resolve(arg);
  if (!r) return;
  struct ::stat st {};
  if (::stat(r->fs_path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return reply(550, "Not a plain file.");
  std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
  if (ascii_) {
    if (size > max_ascii_size_scan) return reply(550, "SIZE not available in ASCII mode for files this large.");
    auto fd = jail_->open_file(r->client_path, O_RDONLY);
    if (!fd) return reply(550, describe_fs_error(fd.error()));
    std::array<std::byte, 65536> buf;
    for (;;) {
      auto n = ::read(fd->get(), buf.data(), buf.size());
      if (n <= 0) break;
      size += ascii_extra(std::span(buf.data(), static_cast<std::size_t>(n)));
    }
  }
  reply(213, std::to_string(size));
}

void session::cmd_mdtm(std::string_view arg) {
  auto r = resolve(arg);
  if (!r) return;
  struct ::stat st {};
  if (::stat(r->fs_path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return reply(550, "Not a plain file.");
  reply(213, format_time_val(st.st_mtim.tv_sec));
}

void session::cmd_mlst(std::string_view arg) {
  auto r = resolve(arg.empty() ? "." : arg);
  if (!r) return;
  std::error_code ec;
  auto f = facts_of(r->fs_path, r->client_path, ec);
  if (!f) return reply(550, describe_fs_error(ec));
  f->perm = perm_for(f->type);
  reply_lines(250, {"Listing " + r->client_path, " " + format_mlsx_line(*f, mlst_), "End"});
}

void session::cmd_stat(std::string_view arg) {
  if (arg.empty()) {
    reply_lines(211, {"FTP server status:",
                      " Connected from " + remote_text_,
                      logged_in_ ? " Logged in as " + (anonymous_ ? std::string("anonymous") : user_)
                                 : std::string(" Not logged in"),
                      std::string(" TYPE: ") + (ascii_ ? "ASCII" : "BINARY") + ", STRUcture: File, MODE: Stream",
                      std::string(" Control connection: ") + (stream_.is_tls() ? "TLS" : "plain") +
                          ", data connections: " + (protect_data_ ? "TLS" : "plain"),
                      "End of status"});
    return;
  }
  if (!logged_in_) return reply(530, "Please login with USER and PASS.");
  // STAT path: the listing comes on the control connection (RFC 959 §4.1.3).
  auto r = resolve(arg);
  if (!r) return;
  std::error_code ec;
  std::vector<file_facts> entries;
  if (std::filesystem::is_directory(r->fs_path, ec)) entries = list_directory(r->fs_path, true, ec);
  else if (auto f = facts_of(r->fs_path, r->client_path, ec)) entries.push_back(std::move(*f));
  std::vector<std::string> lines{"Status of " + r->client_path + ":"};
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  for (const auto& e : entries) lines.push_back(format_list_line(e, now));
  lines.emplace_back("End of status");
  reply_lines(213, lines);
}

void session::cmd_site(std::string_view arg) {
  const auto space = arg.find(' ');
  const std::string what = to_upper(arg.substr(0, space));
  if (what == "HELP") return reply(214, "SITE commands: CHMOD HELP");
  if (what != "CHMOD") return reply(500, "Unknown SITE command.");
  if (deny_anonymous()) return;
  auto rest = space == std::string_view::npos ? std::string_view{} : arg.substr(space + 1);
  const auto sp = rest.find(' ');
  if (sp == std::string_view::npos) return reply(501, "SITE CHMOD needs a mode and a path.");
  unsigned mode = 0;
  for (char c : rest.substr(0, sp)) {
    if (c < '0' || c > '7' || mode > 0777) return reply(501, "Mode must be octal, 0..777.");
    mode = mode * 8 + static_cast<unsigned>(c - '0');
  }
  if (mode > 0777) return reply(501, "Mode must be octal, 0..777.");
  auto r = resolve(rest.substr(sp + 1));
  if (!r) return;
  if (::chmod(r->fs_path.c_str(), mode) != 0)
    return reply(550, describe_fs_error(last_errno()));
  reply(200, "SITE CHMOD command ok.");
}

void session::cmd_type(std::string_view arg) {
  const std::string t = to_upper(arg);
  if (t == "A" || t == "A N") {
    ascii_ = true;
    reply(200, "Switching to ASCII mode.");
  } else if (t == "I" || t == "L 8") {
    ascii_ = false;
    reply(200, "Switching to Binary mode.");
  } else {
    reply(504, "TYPE not supported: use A, A N, I or L 8.");
  }
}

}  // namespace l7::ftp::server
