#include "ftp/server/session.hpp"

#include <sys/socket.h>

#include <spdlog/spdlog.h>

#include "core/numeric_reply.hpp"
#include "ftp/server/service.hpp"

namespace l7::ftp::server {

namespace {

// Time a closing session gives its last replies and TLS close_notify.
constexpr std::chrono::seconds closing_grace{10};
// Queued reply bytes above which the command loop waits for the client to read them.
constexpr std::size_t max_pending_replies = 64 * 1024;

// Commands a client may send before it has logged in (RFC 959 §5.4, RFC 4217 §4, RFC 2389).
bool allowed_before_login(std::string_view verb) {
  static constexpr std::string_view verbs[] = {"USER", "PASS", "ACCT", "AUTH", "PBSZ", "PROT", "FEAT",
                                               "OPTS", "SYST", "HELP", "NOOP", "QUIT", "REIN", "STAT"};
  for (auto v : verbs)
    if (v == verb) return true;
  return false;
}

// ABOR may come after Telnet "Interrupt Process" and "Synch" (RFC 959 §4.1.3): IAC IP IAC DM,
// the DM as urgent data. Whatever of that arrives in band is dropped from the line's start.
std::string_view strip_telnet(std::string_view line) {
  while (!line.empty()) {
    const auto c = static_cast<unsigned char>(line.front());
    if (c < 0x80 && c >= 0x20) break;
    line.remove_prefix(1);
  }
  return line;
}

}  // namespace

session::session(net::worker& w, net::tcp::socket socket, shared_state& shared,
                 std::shared_ptr<asio::ssl::context> tls, bool implicit_tls)
    : worker_(w),
      shared_(shared),
      tls_ctx_(std::move(tls)),
      implicit_tls_(implicit_tls),
      stream_(std::move(socket)),
      framer_(shared.config.max_command_line, true),
      idle_deadline_(w.executor(), [this] { on_idle_timeout(); }),
      signal_(w.executor()),
      data_(w.executor()),
      data_deadline_(w.executor(), [this] {
        data_timed_out_ = true;
        data_.cancel();
        if (data_stream_) data_stream_->close();
      }) {
  // Clients send ABOR (or its final byte) as TCP urgent data (RFC 959 §4.1.3, "Synch"): keep
  // urgent bytes in the stream, or the line would lose its LF and never end.
  const int on = 1;
  ::setsockopt(stream_.socket().native_handle(), SOL_SOCKET, SO_OOBINLINE, &on, sizeof on);
  std::error_code ec;
  remote_ = stream_.socket().remote_endpoint(ec);
  local_ = stream_.socket().local_endpoint(ec);
  remote_text_ = net::to_ip(remote_.address()).unmapped().to_string();
  signal_.expires_at(asio::steady_timer::time_point::max());
}

session::~session() {
  if (counted_) shared_.per_address.release(remote_text_);
}

net::awaitable<void> session::run() {
  shared_.sessions->inc();
  auto stop = worker_.on_stop([this] { on_stop(); });
  counted_ = shared_.per_address.acquire(remote_text_);
  bool ok = true;
  if (implicit_tls_ && tls_ctx_) {
    idle_deadline_.expires_after(shared_.config.data_timeout);
    auto ec = co_await stream_.handshake_server(*tls_ctx_);
    if (ec) {
      shared_.log->debug("{}: TLS handshake failed: {}", remote_text_, ec.message());
      ok = false;
    }
  }
  if (ok && !counted_) {
    reply(421, "Too many connections from your address.");
    ok = false;
  }
  if (ok) {
    reply(220, shared_.config.banner);
    std::string line;
    for (;;) {
      if (!transferring_) idle_deadline_.expires_after(shared_.config.idle_timeout);
      idle_ = !transferring_;
      const bool got = co_await next_command(line);
      idle_ = false;
      if (!got) break;
      auto cmd = split_command(strip_telnet(line));
      if (!cmd) {
        reply(500, "Syntax error, command unrecognized.");
        continue;
      }
      co_await handle(cmd->verb, cmd->argument);
      if (closing_ || broken_) break;
    }
  }
  // Ending: stop a transfer, send what is queued, close TLS properly; all within the grace.
  closing_ = true;
  idle_deadline_.expires_after(closing_grace);
  if (transferring_) {
    abort_requested_ = true;
    data_.cancel();
    if (data_stream_) data_stream_->close();
    co_await wait_transfer();
  }
  data_.reset();
  co_await flush();
  if (!broken_) co_await stream_.graceful_close();
  stream_.close();
  idle_deadline_.disarm();
  shared_.sessions->dec();
}

net::awaitable<bool> session::next_command(std::string& line) {
  std::array<char, 2048> buf;
  for (;;) {
    auto r = framer_.next(in_);
    if (r.status == line_status::ok) line.assign(r.line.data(), r.line.size());  // before the erase
    in_.erase(0, r.consumed);
    if (r.status == line_status::ok) co_return true;
    if (r.status == line_status::too_long) {  // the rest of that line is skipped by the framer
      reply(500, "Command line too long.");
      continue;
    }
    if (stopping_ || broken_ || closing_) co_return false;
    // A client that sends commands without reading the replies stops being read once a
    // screenful of replies waits for it: memory stays bounded.
    if (out_.size() > max_pending_replies) co_await flush();
    auto [ec, n] = co_await stream_.async_read_some(asio::buffer(buf), net::use_tuple);
    if (ec) co_return false;
    in_.append(buf.data(), n);
    // The line framing was consumed from in_ above, but a peer that streams bytes without a
    // line end must not grow it either: the framer reports too_long past the limit.
  }
}

void session::reply(int code, std::string_view text) {
  if (shared_.trace) shared_.trace->info("{} ftp > {} {}", remote_text_, code, text);
  numeric_reply r{code, {std::string(text)}};
  encode_reply(r, out_, reply_style::first_and_last);
  kick_writer();
}

void session::reply_lines(int code, const std::vector<std::string>& lines) {
  if (shared_.trace)
    for (const auto& l : lines) shared_.trace->info("{} ftp > {} {}", remote_text_, code, l);
  numeric_reply r{code, lines};
  encode_reply(r, out_, reply_style::first_and_last);
  kick_writer();
}

void session::kick_writer() {
  if (writing_ || broken_) return;
  writing_ = true;
  asio::co_spawn(worker_.executor(), write_loop(), asio::detached);
}

net::awaitable<void> session::write_loop() {
  std::string chunk;
  while (!out_.empty() && !broken_) {
    chunk.clear();
    chunk.swap(out_);
    auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(chunk), net::use_tuple);
    if (ec) {
      broken_ = true;
      stream_.close();
    }
  }
  writing_ = false;
  signal_.cancel();
}

net::awaitable<void> session::flush() {
  while (writing_) co_await signal_.async_wait(net::use_tuple);
}

net::awaitable<void> session::wait_transfer() {
  while (transferring_) co_await signal_.async_wait(net::use_tuple);
}

net::awaitable<void> session::sleep(std::chrono::milliseconds d) {
  asio::steady_timer t(worker_.executor(), d);
  co_await t.async_wait(net::use_tuple);
}

void session::on_idle_timeout() {
  if (closing_) {  // the grace for the last replies is over
    stream_.close();
    return;
  }
  reply(421, "Timeout: closing control connection.");
  closing_ = true;
  idle_deadline_.expires_after(closing_grace);  // a client that reads nothing is cut then
  std::error_code ignored;
  stream_.socket().shutdown(net::tcp::socket::shutdown_receive, ignored);  // ends the read
}

void session::on_stop() {
  stopping_ = true;
  if (!idle_) return;  // a command or transfer in progress finishes first
  reply(421, "Service shutting down.");
  closing_ = true;
  idle_deadline_.expires_after(closing_grace);
  std::error_code ignored;
  stream_.socket().shutdown(net::tcp::socket::shutdown_receive, ignored);
}

net::awaitable<void> session::handle(std::string_view verb, std::string_view arg) {
  if (shared_.trace)
    shared_.trace->info("{} ftp < {} {}", remote_text_, verb, verb == "PASS" ? "****" : arg);
  // RNFR must be followed at once by RNTO (RFC 959 §4.1.3).
  auto rename_from = std::move(rename_from_);
  rename_from_.reset();
  if (verb == "RNTO") rename_from_ = std::move(rename_from);

  if (transferring_) {
    if (verb == "ABOR") {
      cmd_abor();
      co_return;
    }
    if (verb == "STAT" && arg.empty()) {
      reply(213, "Status: " + transfer_what_ + ", " + std::to_string(transferred_) + " bytes so far.");
      co_return;
    }
    if (verb == "NOOP") {
      reply(200, "NOOP ok.");
      co_return;
    }
    if (verb == "QUIT") {  // the transfer is cut short: the client is leaving
      abort_requested_ = true;
      data_.cancel();
      if (data_stream_) data_stream_->close();
    }
    co_await wait_transfer();  // everything else is answered after the transfer's reply
  }
  if (verb == "QUIT") {
    reply(221, "Goodbye.");
    closing_ = true;
    co_return;
  }
  if (!logged_in_ && !allowed_before_login(verb)) {
    reply(530, "Please login with USER and PASS.");
    co_return;
  }
  if (verb == "PASS") {
    co_await cmd_pass(arg);
    co_return;
  }
  if (verb == "AUTH") {
    co_await cmd_auth(arg);
    co_return;
  }
  if (verb == "RETR") {
    co_await cmd_retr(arg);
    co_return;
  }
  if (verb == "STOR") {
    co_await cmd_store(arg, upload::store);
    co_return;
  }
  if (verb == "APPE") {
    co_await cmd_store(arg, upload::append);
    co_return;
  }
  if (verb == "STOU") {
    co_await cmd_store(arg, upload::unique);
    co_return;
  }
  if (verb == "LIST") {
    co_await cmd_list(arg, listing::list);
    co_return;
  }
  if (verb == "NLST") {
    co_await cmd_list(arg, listing::nlst);
    co_return;
  }
  if (verb == "MLSD") {
    co_await cmd_list(arg, listing::mlsd);
    co_return;
  }
  if (!handle_simple(verb, arg)) reply(500, "Unknown command.");
}

bool session::handle_simple(std::string_view verb, std::string_view arg) {
  if (verb == "USER") cmd_user(arg);
  else if (verb == "ACCT") reply(202, "ACCT not needed.");
  else if (verb == "REIN") cmd_rein();
  else if (verb == "PBSZ") cmd_pbsz(arg);
  else if (verb == "PROT") cmd_prot(arg);
  else if (verb == "CCC") reply(534, "CCC not supported: the control connection stays protected.");
  else if (verb == "FEAT") cmd_feat();
  else if (verb == "OPTS") cmd_opts(arg);
  else if (verb == "SYST") reply(215, "UNIX Type: L8");
  else if (verb == "HELP") cmd_help();
  else if (verb == "NOOP") reply(200, "NOOP ok.");
  else if (verb == "CWD" || verb == "XCWD") cmd_cwd(arg);
  else if (verb == "CDUP" || verb == "XCUP") cmd_cwd("..");
  else if (verb == "PWD" || verb == "XPWD") cmd_pwd();
  else if (verb == "MKD" || verb == "XMKD") cmd_mkd(arg);
  else if (verb == "RMD" || verb == "XRMD") cmd_rmd(arg);
  else if (verb == "DELE") cmd_dele(arg);
  else if (verb == "RNFR") cmd_rnfr(arg);
  else if (verb == "RNTO") cmd_rnto(arg);
  else if (verb == "SIZE") cmd_size(arg);
  else if (verb == "MDTM") cmd_mdtm(arg);
  else if (verb == "MLST") cmd_mlst(arg);
  else if (verb == "STAT") cmd_stat(arg);
  else if (verb == "SITE") cmd_site(arg);
  else if (verb == "TYPE") cmd_type(arg);
  else if (verb == "MODE") {
    if (arg == "S" || arg == "s") reply(200, "Mode set to S.");
    else reply(504, "Only stream mode (S) is supported.");
  } else if (verb == "STRU") {
    if (arg == "F" || arg == "f") reply(200, "Structure set to F.");
    else reply(504, "Only file structure (F) is supported.");
  } else if (verb == "ALLO") reply(202, "ALLO not needed: space is allocated as the file arrives.");
  else if (verb == "PASV") cmd_pasv(false, arg);
  else if (verb == "EPSV") cmd_pasv(true, arg);
  else if (verb == "PORT") cmd_port(false, arg);
  else if (verb == "EPRT") cmd_port(true, arg);
  else if (verb == "REST") cmd_rest(arg);
  else if (verb == "ABOR") cmd_abor();
  else return false;
  return true;
}

}  // namespace l7::ftp::server
