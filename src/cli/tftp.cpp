// `l7 tftp get|put HOST[:PORT] FILE [LOCAL]`: the TFTP client on src/tftp/client.
//   get: reads FILE from the server into LOCAL (default: FILE's last path segment; "-" is
//        stdout). A failed get removes what it wrote.
//   put: sends LOCAL (default: FILE; "-" is stdin) to the server as FILE.
// Options are asked for with RFC 2347 (blksize, windowsize, timeout, tsize); a server that
// ignores them gets a plain RFC 1350 transfer. -v prints every packet on stderr.
// Exit codes: 0 done, 1 the server answered with an ERROR (or broke the protocol), 2 no
// answer, a usage error or a local file error.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/unique_fd.hpp"
#include "cli/commands.hpp"
#include "core/ip_address.hpp"
#include "tftp/client/client.hpp"
#include "tftp/codec/error.hpp"

namespace l7::cli {
namespace {

namespace tc = l7::tftp::client;

enum exit_code { ok = 0, peer_failed = 1, no_answer = 2 };

struct tftp_args {
  std::string host;
  std::string file;
  std::string local;
  std::optional<std::uint16_t> port;
  std::optional<std::uint16_t> blksize;
  std::optional<std::uint16_t> windowsize;
  std::optional<unsigned> timeout;
  bool tsize = false;
  std::string mode = "octet";
  int retries = 5;
  bool verbose = false;
};

struct usage_error {
  std::string message;
};

tc::options make_options(const tftp_args& a) {
  auto hp = parse_host_port(a.host, 69);
  if (!hp) throw usage_error{fmt::format("'{}': expected HOST, HOST:PORT or [IPv6]:PORT", a.host)};
  tc::options o;
  o.host = hp->host;
  o.port = a.port.value_or(hp->port);
  auto mode = tftp::parse_mode(a.mode);
  if (!mode) throw usage_error{fmt::format("--mode {}: expected octet or netascii", a.mode)};
  o.mode = *mode;
  if (a.blksize && (*a.blksize < tftp::min_blksize || *a.blksize > tftp::max_blksize))
    throw usage_error{"--blksize: expected 8..65464 (RFC 2348)"};
  if (a.windowsize && *a.windowsize == 0)
    throw usage_error{"--windowsize: expected 1..65535 (RFC 7440)"};
  if (a.timeout && (*a.timeout < 1 || *a.timeout > 255))
    throw usage_error{"--timeout: expected 1..255 seconds (RFC 2349)"};
  if (a.retries < 0) throw usage_error{"--retries: expected 0 or more"};
  // A put keeps one window in memory: windowsize x blksize.
  if (std::uint64_t(a.windowsize.value_or(1)) * a.blksize.value_or(512) > (256u << 20))
    throw usage_error{"--windowsize x --blksize: at most 256 MiB"};
  o.ask.blksize = a.blksize;
  o.ask.windowsize = a.windowsize;
  o.ask.timeout_s = a.timeout;
  if (a.timeout) o.timeout = std::chrono::seconds(*a.timeout);
  o.retries = a.retries;
  if (a.verbose)
    o.on_packet = [](bool sent, std::span<const std::byte> d) {
      fmt::print(stderr, "{} {}\n", sent ? ">" : "<", tftp::describe(d));
    };
  return o;
}

int report(const tc::result& r, const char* verb, const tftp_args& a) {
  if (!r.ec) {
    if (a.verbose) {
      const double s = std::chrono::duration<double>(r.elapsed).count();
      fmt::print(stderr, "* {} {} bytes in {:.3f} s ({:.1f} MiB/s), blksize {}, windowsize {}\n",
                 verb, r.bytes, s, s > 0 ? r.bytes / s / (1 << 20) : 0.0, r.params.blksize,
                 r.params.windowsize);
    }
    return ok;
  }
  if (r.peer_error) {
    fmt::print(stderr, "l7 tftp: server error {}: {}\n", r.peer_error->code,
               tftp::printable(r.peer_error->message));
    return peer_failed;
  }
  fmt::print(stderr, "l7 tftp: {}\n", r.ec.message());
  if (r.ec == tftp::error::timed_out || r.ec.category() != tftp::category()) return no_answer;
  return peer_failed;
}

template <typename Fn>
tc::result run_io(Fn fn) {
  asio::io_context io;
  tc::result res;
  asio::co_spawn(io, fn(), [&res](std::exception_ptr e, tc::result r) {
    if (e) std::rethrow_exception(e);
    res = std::move(r);
  });
  io.run();
  return res;
}

int do_get(const tftp_args& a) {
  auto o = make_options(a);
  if (a.tsize) o.ask.tsize = 0;
  std::string local = a.local;
  if (local.empty()) {
    local = a.file.substr(a.file.find_last_of("/\\") + 1);
    if (local.empty()) throw usage_error{"no local file name: give LOCAL"};
  }
  const bool to_stdout = local == "-";
  app::unique_fd fd(to_stdout ? ::dup(STDOUT_FILENO)
                              : ::open(local.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) throw usage_error{fmt::format("{}: {}", local, std::strerror(errno))};
  // Blocks are gathered and written 64 KiB at a time (stdout as they come, for pipes).
  std::vector<std::byte> pending;
  auto sink = [&](std::span<const std::byte> d, bool last, std::error_code& ec) {
    pending.insert(pending.end(), d.begin(), d.end());
    if (!last && !to_stdout && pending.size() < (64u << 10)) return;
    std::span<const std::byte> out(pending);
    while (!out.empty()) {
      const ssize_t n = ::write(fd.get(), out.data(), out.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return void(ec = std::error_code(errno, std::generic_category()));
      out = out.subspan(static_cast<std::size_t>(n));
    }
    pending.clear();
  };
  auto r = run_io([&] { return tc::get(o, a.file, sink); });
  fd.reset();
  if (r.ec && !to_stdout) ::unlink(local.c_str());
  return report(r, "received", a);
}

int do_put(const tftp_args& a) {
  auto o = make_options(a);
  const std::string local = a.local.empty() ? a.file : a.local;
  const bool from_stdin = local == "-";
  app::unique_fd fd(from_stdin ? ::dup(STDIN_FILENO) : ::open(local.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw usage_error{fmt::format("{}: {}", local, std::strerror(errno))};
  struct stat st {};
  if (a.tsize) {
    // RFC 2349 §3: a write request announces the size (octet only: netascii grows).
    if (::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode) && o.mode == tftp::transfer_mode::octet)
      o.ask.tsize = static_cast<std::uint64_t>(st.st_size);
  }
  auto source = [&fd](std::span<std::byte> out, std::error_code& ec) {
    std::size_t got = 0;
    while (got < out.size()) {
      const ssize_t n = ::read(fd.get(), out.data() + got, out.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        ec = std::error_code(errno, std::generic_category());
        break;
      }
      if (n == 0) break;
      got += static_cast<std::size_t>(n);
    }
    return got;
  };
  auto r = run_io([&] { return tc::put(o, a.file, source); });
  return report(r, "sent", a);
}

void add_transfer(CLI::App& parent, const char* name, const char* help, bool get) {
  auto a = std::make_shared<tftp_args>();
  auto* cmd = parent.add_subcommand(name, help);
  cmd->add_option("HOST", a->host, "Server: HOST, HOST:PORT or [IPv6]:PORT (port 69 by default)")
      ->required();
  cmd->add_option("FILE", a->file, "File name on the server")->required();
  cmd->add_option("LOCAL", a->local, get ? "Local file to write (default: FILE's name; - for stdout)"
                                         : "Local file to send (default: FILE; - for stdin)");
  cmd->add_option("--port", a->port, "Server port (overrides HOST:PORT)");
  cmd->add_option("--blksize", a->blksize, "Ask for this block size, 8..65464 (RFC 2348)");
  cmd->add_option("--windowsize", a->windowsize, "Ask for this window, in blocks (RFC 7440)");
  cmd->add_option("--timeout", a->timeout,
                  "Retransmission timeout in seconds, 1..255, asked for with RFC 2349");
  cmd->add_flag("--tsize", a->tsize,
                get ? "Ask for the file size (RFC 2349)" : "Announce the file size (RFC 2349)");
  cmd->add_option("--mode", a->mode, "octet (default) or netascii");
  cmd->add_option("--retries", a->retries, "Timeouts without progress before giving up (default 5)");
  cmd->add_flag("-v,--verbose", a->verbose, "Show every packet and a summary on stderr");
  cmd->callback([a, get] {
    int code = ok;
    try {
      code = get ? do_get(*a) : do_put(*a);
    } catch (const usage_error& e) {
      fmt::print(stderr, "l7 tftp: {}\n", e.message);
      code = no_answer;
    }
    std::fflush(stdout);
    if (code != ok) throw CLI::RuntimeError(code);
  });
}

}  // namespace

void add_tftp_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "tftp", "TFTP client (RFC 1350 + blksize, timeout, tsize, windowsize options)");
  cmd->footer(
      "Exit codes: 0 done, 1 the server answered with an ERROR, 2 no answer, usage or local error.");
  cmd->require_subcommand(1);
  add_transfer(*cmd, "get", "Read FILE from the server", true);
  add_transfer(*cmd, "put", "Write a local file to the server as FILE", false);
}

}  // namespace l7::cli
