// `l7 ftp URL [COMMAND ARGS...]`: an FTP client on src/ftp/client with RFC 1738 URLs.
// The URL's path is where the commands run (each segment a CWD, §3.2.2); without a command a
// URL ending in '/' is listed and any other is downloaded to stdout (or -o FILE).
// Exit codes: 0 ok, 1 the server refused (its reply is printed), 2 connection, local file or
// usage error.
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/config.hpp"
#include "cli/commands.hpp"
#include "core/bytes.hpp"
#include "ftp/client/mirror.hpp"
#include "ftp/client/session.hpp"
#include "ftp/codec/url.hpp"
#include "cli/transfer_io.hpp"

namespace l7::cli {
namespace {

namespace fc = l7::ftp::client;
using fc::status;

enum exit_code { ok = 0, refused = 1, failed = 2 };

struct ftp_args {
  std::string url;
  std::vector<std::string> words;  // COMMAND ARGS...
  std::string output, user, cacert;
  std::string timeout = "30s";
  bool active = false, tls = false, insecure = false, resume = false, ascii = false;
  bool verbose = false;
};

struct usage_error {
  std::string message;
};

// Commands and how many arguments each takes (min, max).
struct command_spec {
  const char* name;
  std::size_t min, max;
};
constexpr command_spec commands[] = {{"ls", 0, 1},    {"get", 1, 2}, {"put", 1, 2}, {"mkdir", 1, 1},
                                     {"rm", 1, 1},    {"rmdir", 1, 1}, {"mv", 2, 2}, {"mirror", 2, 2}};

void check_command(const std::vector<std::string>& words) {
  if (words.empty()) return;
  for (const auto& c : commands) {
    if (words[0] != c.name) continue;
    const auto n = words.size() - 1;
    if (n < c.min || n > c.max) throw usage_error{fmt::format("{}: wrong number of arguments", c.name)};
    return;
  }
  throw usage_error{fmt::format("unknown command '{}' (ls, get, put, mkdir, rm, rmdir, mv, mirror)", words[0])};
}

std::string base_name(std::string_view path) { return std::string(path.substr(path.rfind('/') + 1)); }

fc::options session_options(const ftp_args& a, const ftp::url& u) {
  fc::options o;
  o.host = u.host;
  o.port = u.port;
  o.tls = u.implicit_tls ? fc::security::implicit_tls : a.tls ? fc::security::explicit_tls : fc::security::none;
  o.active = a.active;
  if (u.has_user) o.user = u.user;
  if (u.has_password) o.password = u.password;
  if (!a.user.empty()) {  // -u wins over the URL
    const auto colon = a.user.find(':');
    o.user = a.user.substr(0, colon);
    o.password = colon == std::string::npos ? "" : a.user.substr(colon + 1);
  }
  o.insecure = a.insecure;
  if (!a.cacert.empty()) o.ca_file = a.cacert;
  const auto timeout = app::parse_duration(a.timeout);
  if (!timeout) throw usage_error{"--timeout: expected a duration like 500ms, 10s or 2m"};
  o.timeout = *timeout;
  if (a.verbose) o.trace = [](std::string_view line) { fmt::print(stderr, "{}\n", line); };
  return o;
}

class ftp_run {
 public:
  ftp_run(const ftp_args& a, ftp::url u, asio::io_context& io)
      : a_(a), url_(std::move(u)), session_(io.get_executor(), session_options(a, url_)),
        progress_(::isatty(STDERR_FILENO) && !a.verbose) {}

  net::awaitable<int> run() {
    auto connected = co_await session_.connect();
    if (!connected.ok()) co_return report(connected);
    auto st = co_await work();
    const int code = report(st);
    if (st.ok() || st.rejected()) co_await session_.quit();
    co_return code;
  }

 private:
  fc::transfer_type type() const {
    return a_.ascii || url_.type == 'a' ? fc::transfer_type::ascii : fc::transfer_type::binary;
  }

  // RFC 1738 §3.2.2: one CWD per segment. An empty first segment ("ftp://h//etc") is taken as
  // the root, as most clients do; other empty segments are skipped ("CWD" without an
  // argument is refused by most servers).
  net::awaitable<status> enter(const std::vector<std::string>& dirs) {
    for (std::size_t i = 0; i < dirs.size(); ++i) {
      if (dirs[i].empty() && i > 0) continue;
      const std::string dir = dirs[i].empty() ? std::string("/") : dirs[i];
      auto st = co_await session_.cwd(dir);
      if (!st.ok()) co_return st;
    }
    co_return status{};
  }

  net::awaitable<status> work() {
    const auto& w = a_.words;
    if (w.empty()) {
      auto in = co_await enter(url_.directories());
      if (!in.ok()) co_return in;
      if (!url_.is_directory()) {
        const std::string name = url_.name(), target = a_.output.empty() ? std::string("-") : a_.output;
        auto got = co_await get(name, target);
        co_return got;
      }
      const std::string name = url_.name();
      auto listed = co_await ls(name, url_.type == 'd');
      co_return listed;
    }
    auto in = co_await enter(url_.segments);
    if (!in.ok()) co_return in;
    const std::string arg1 = w.size() > 1 ? w[1] : "", arg2 = w.size() > 2 ? w[2] : "";
    auto st = co_await command(w[0], arg1, arg2);
    co_return st;
  }

  // One command; check_command() vouched for its name and arguments.
  net::awaitable<status> command(std::string name, std::string arg1, std::string arg2) {
    if (name == "ls") {
      auto st = co_await ls(arg1, url_.type == 'd');
      co_return st;
    }
    if (name == "get") {
      const auto target = download_target(arg1, arg2);
      auto st = co_await get(arg1, target);
      co_return st;
    }
    if (name == "put") {
      const auto target = arg2.empty() ? base_name(arg1) : arg2;
      auto st = co_await put(arg1, target);
      co_return st;
    }
    if (name == "mirror") {
      auto st = co_await mirror(arg1, arg2);
      co_return st;
    }
    if (name == "mv") {
      auto st = co_await session_.rename(arg1, arg2);
      co_return st;
    }
    std::string line = (name == "mkdir" ? "MKD " : name == "rmdir" ? "RMD " : "DELE ") + arg1;
    auto st = co_await session_.simple(std::move(line));  // one reply (RFC 959 §4.1.3)
    co_return st;
  }

  // get REMOTE [LOCAL]: LOCAL, else -o, else the remote name here; a directory gets the name.
  std::string download_target(const std::string& remote, const std::string& local) const {
    std::string target = !local.empty() ? local : !a_.output.empty() ? a_.output : base_name(remote);
    std::error_code ec;
    if (target != "-" && std::filesystem::is_directory(target, ec))
      target = (std::filesystem::path(target) / base_name(remote)).string();
    return target;
  }

  net::awaitable<status> ls(std::string path, bool names_only) {
    const fc::line_sink print = [](std::string_view line) -> std::error_code {
      fmt::print("{}\n", line);
      return std::ferror(stdout) ? errno_code() : std::error_code{};
    };
    const auto kind = names_only ? fc::listing::nlst : fc::listing::list;
    auto st = co_await session_.list(kind, path, print);
    std::fflush(stdout);
    co_return st;
  }

  net::awaitable<status> get(std::string remote, std::string local) {
    const auto t = type();
    std::optional<std::uint64_t> total;
    if (t == fc::transfer_type::binary) {
      auto [sst, n] = co_await session_.size(remote);
      if (sst.ok()) total = n;
      else if (!sst.rejected()) co_return sst;
    }
    std::uint64_t offset = 0;
    struct stat info {};
    if (a_.resume && local != "-" && ::stat(local.c_str(), &info) == 0 && info.st_size > 0) {
      offset = static_cast<std::uint64_t>(info.st_size);
      if (total && offset == *total) co_return status{};  // already complete
      if (total && offset > *total)
        co_return status{std::make_error_code(std::errc::file_too_large), {},
                         fmt::format("resume {}: the local file is larger than the remote one", local)};
    }
    local_output out(local, offset > 0);
    progress_.start(total ? std::optional<std::uint64_t>(*total - offset) : std::nullopt);
    const fc::data_sink sink = [&](std::span<const std::byte> bytes) {
      progress_.add(bytes.size());
      return out.write(bytes);
    };
    const fc::transfer_options how{t, offset};
    auto st = co_await session_.retrieve(remote, sink, how);
    progress_.finish();
    if (st.ok()) {
      if (auto ec = out.finish()) st = status{ec, {}, "write " + out.name()};
    }
    co_return st;
  }

  net::awaitable<status> put(std::string local, std::string remote) {
    const bool from_stdin = local == "-";
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(from_stdin ? nullptr : std::fopen(local.c_str(), "rb"),
                                                          &std::fclose);
    if (!from_stdin && !file) co_return status{errno_code(), {}, "open " + local};
    std::FILE* in = from_stdin ? stdin : file.get();
    struct stat info {};
    std::optional<std::uint64_t> total;
    if (::fstat(::fileno(in), &info) == 0 && S_ISREG(info.st_mode)) total = static_cast<std::uint64_t>(info.st_size);
    std::uint64_t offset = 0;
    if (a_.resume) {  // APPE the rest (RFC 959 §4.1.3) after what the server already has
      auto [sst, n] = co_await session_.size(remote);
      if (!sst.ok() && !sst.rejected()) co_return sst;
      offset = sst.ok() ? n : 0;
      if (!total) co_return status{std::make_error_code(std::errc::invalid_seek), {}, "resume " + local};
      if (offset == *total) co_return status{};
      if (offset > *total)
        co_return status{std::make_error_code(std::errc::file_too_large), {},
                         fmt::format("resume {}: the remote file is larger than the local one", remote)};
      if (::fseeko(in, static_cast<off_t>(offset), SEEK_SET) != 0) co_return status{errno_code(), {}, "seek " + local};
    }
    progress_.start(total ? std::optional<std::uint64_t>(*total - offset) : std::nullopt);
    const fc::data_source source = [&](std::span<std::byte> buf) -> std::pair<std::error_code, std::size_t> {
      const auto n = std::fread(buf.data(), 1, buf.size(), in);
      if (n == 0 && std::ferror(in)) return {errno_code(), 0};
      progress_.add(n);
      return {std::error_code{}, n};
    };
    const fc::transfer_options how{type(), 0};
    const bool append = offset > 0;
    auto st = co_await session_.store(remote, source, how, append);
    progress_.finish();
    co_return st;
  }

  net::awaitable<status> mirror(std::string remote, std::string local) {
    fc::mirror_options o;
    if (a_.verbose) o.note = [](std::string_view line) { fmt::print(stderr, "* {}\n", line); };
    o.on_file_start = [this](std::string_view, std::uint64_t size) {
      progress_.start(size ? std::optional<std::uint64_t>(size) : std::nullopt);
    };
    o.on_progress = [this](std::uint64_t n) { progress_.add(n); };
    o.on_file_end = [this] { progress_.finish(); };
    fc::mirror_stats stats;
    const std::filesystem::path local_dir(local);
    auto st = co_await fc::mirror(session_, remote, local_dir, o, stats);
    if (a_.verbose)
      fmt::print(stderr, "* mirror: {} files ({} bytes) fetched, {} unchanged, {} skipped, {} refused, "
                 "{} directories\n", stats.files, stats.bytes, stats.unchanged, stats.skipped, stats.failed, stats.dirs);
    co_return st;
  }

  int report(const status& st) const {
    if (st.ok()) return ok;
    fmt::print(stderr, "l7 ftp: {}\n", st.message());
    return st.rejected() ? refused : failed;
  }

  const ftp_args& a_;
  ftp::url url_;
  fc::session session_;
  progress_bar progress_;
};

int run(const ftp_args& a) {
  check_command(a.words);
  if (a.resume && a.ascii) throw usage_error{"--continue needs binary transfers (not --ascii)"};
  std::string text = a.url.find("://") == std::string::npos ? "ftp://" + a.url : a.url;
  std::error_code ec;
  auto u = ftp::parse_url(text, ec);
  if (!u) throw usage_error{fmt::format("{}: {}", a.url, ec.message())};
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout or data connection is an error value
  asio::io_context io;
  int code = ok;
  {
    ftp_run r(a, std::move(*u), io);
    asio::co_spawn(io, r.run(), [&code, &io](std::exception_ptr e, int c) {
      if (e) std::rethrow_exception(e);
      code = c;
      io.stop();  // the session's watchdog timer stays pending until it is destroyed
    });
    io.run();
  }
  return code;
}

}  // namespace

void add_ftp_command(CLI::App& app) {
  auto a = std::make_shared<ftp_args>();
  auto* cmd = app.add_subcommand("ftp", "FTP client: list, get, put, mkdir, rm, rmdir, mv, mirror "
                                        "(RFC 1738 URLs, passive/active, FTPS)");
  cmd->footer(
      "Commands (paths are relative to the URL's directory):\n"
      "  ls [PATH]               list (LIST; NLST with ;type=d)\n"
      "  get REMOTE [LOCAL]      download (LOCAL '-' is stdout)\n"
      "  put LOCAL [REMOTE]      upload (LOCAL '-' is stdin)\n"
      "  mkdir DIR | rm FILE | rmdir DIR | mv FROM TO\n"
      "  mirror REMOTE_DIR LOCAL_DIR   recursive download (MLSD, or LIST when the server has none)\n"
      "Without a command, a URL ending in '/' is listed and any other is downloaded.\n"
      "Exit codes: 0 ok, 1 the server refused (reply printed), 2 connection, file or usage error.");
  cmd->add_option("URL", a->url, "ftp://[user[:password]@]host[:port]/path or ftps://... (implicit TLS)")
      ->required();
  cmd->add_option("COMMAND", a->words, "Command and its arguments");
  cmd->add_option("-o,--output", a->output, "Write the download to FILE");
  cmd->add_option("-u,--user", a->user, "USER[:PASSWORD] (default: the URL's, else anonymous)");
  cmd->add_flag("--active", a->active, "Active mode: the server connects to us (EPRT/PORT)");
  cmd->add_flag("--tls", a->tls, "Explicit FTPS: AUTH TLS, then PBSZ 0 / PROT P (RFC 4217)");
  cmd->add_flag("-k,--insecure", a->insecure, "TLS: do not verify the server certificate");
  cmd->add_option("--cacert", a->cacert, "TLS: trust the CA certificates in this PEM file");
  cmd->add_flag("-c,--continue", a->resume, "Resume: get with REST from the local size, put with APPE");
  cmd->add_flag("--ascii", a->ascii, "TYPE A: convert line ends (default binary, TYPE I)");
  cmd->add_option("--timeout", a->timeout, "Time limit for connecting, each reply and data stalls (default 30s)");
  cmd->add_flag("-v,--verbose", a->verbose, "Show the control-connection dialogue on stderr (PASS masked)");
  cmd->callback([a] {
    int code = ok;
    try {
      code = run(*a);
    } catch (const usage_error& e) {
      fmt::print(stderr, "l7 ftp: {}\n", e.message);
      code = failed;
    }
    std::fflush(stdout);
    if (code != ok) throw CLI::RuntimeError(code);
  });
}

}  // namespace l7::cli
