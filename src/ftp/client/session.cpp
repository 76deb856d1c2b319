// Connection set-up, login and the one-reply commands of the FTP client session.
#include "ftp/client/session.hpp"

#include <fmt/format.h>

#include "core/text.hpp"
#include "ftp/client/error.hpp"
#include "ftp/codec/listing.hpp"
#include "ftp/codec/path.hpp"
#include "net/connect.hpp"
#include "net/tls.hpp"

namespace l7::ftp::client {
namespace {

int reply_class(const numeric_reply& r) { return r.code / 100; }

std::string reply_text(const numeric_reply& r) {
  std::string text = std::to_string(r.code);
  for (const auto& line : r.lines) text += " " + line;
  return text;
}

}  // namespace

bool status::rejected() const { return ec == error::rejected; }

std::string status::message() const {
  if (rejected()) return reply_text(reply);
  std::string text = where.empty() ? std::string() : where + ": ";
  text += ec.message();
  if (ec == error::unexpected_reply && reply.code) text += " (" + reply_text(reply) + ")";
  return text;
}

session::session(asio::any_io_executor ex, options opt) : ex_(std::move(ex)), opt_(std::move(opt)) {}

session::~session() = default;

bool session::tls() const { return ctl_ && ctl_->stream().is_tls(); }

status session::fail(std::error_code ec) const { return status{ec, {}, {}}; }

net::awaitable<status> session::run(std::string command) {
  auto [ec, reply] = co_await ctl_->command(std::move(command), opt_.timeout);
  status st{ec, std::move(reply), {}};
  if (!ec && reply_class(st.reply) >= 4) st.ec = error::rejected;
  co_return st;
}

net::awaitable<status> session::simple(std::string command) {
  auto st = co_await run(std::move(command));
  if (st.ok() && reply_class(st.reply) != 2) st.ec = error::unexpected_reply;
  co_return st;
}

net::awaitable<status> session::connect() {
  auto [cec, socket] = co_await net::connect_tcp(opt_.host, opt_.port, opt_.timeout);
  if (cec) co_return status{cec, {}, fmt::format("connect to {}", format_endpoint_text())};
  std::error_code ignored;
  peer_ = socket.remote_endpoint(ignored).address();
  local_ = socket.local_endpoint(ignored).address();
  ctl_ = std::make_unique<control>(net::stream(std::move(socket)), opt_.trace);
  ctl_->note(fmt::format("connected to {}", net::to_string(tcp_peer())));
  if (opt_.tls != security::none) {
    net::client_tls_options t;
    t.insecure = opt_.insecure;
    if (opt_.ca_file) t.ca_file = *opt_.ca_file;
    tls_ctx_ = net::make_client_context(t);
  }
  if (opt_.tls == security::implicit_tls) {
    auto st = co_await open_tls();
    if (!st.ok()) co_return st;
  }
  for (;;) {  // RFC 959 §5.4: 120 (ready in nnn minutes) comes before the 220
    auto [ec, reply] = co_await ctl_->read_reply(opt_.timeout);
    if (ec) co_return status{ec, {}, "read the greeting"};
    if (reply.code == 120) continue;
    if (reply.code != 220)
      co_return status{reply_class(reply) >= 4 ? error::rejected : error::unexpected_reply, reply, "greeting"};
    break;
  }
  if (opt_.tls == security::explicit_tls) {
    auto st = co_await run("AUTH TLS");  // RFC 4217 §4
    if (st.ok() && st.reply.code != 234) st.ec = error::unexpected_reply;
    if (!st.ok()) co_return st;
    auto hs = co_await open_tls();
    if (!hs.ok()) co_return hs;
  }
  auto st = co_await login();
  if (!st.ok()) co_return st;
  co_await read_features();
  if (features_.has("UTF8")) (void)co_await run("OPTS UTF8 ON");  // RFC 2640 §3.1
  if (tls() && opt_.protect_data) {  // RFC 4217 §8-9: PBSZ 0 before PROT P
    auto pbsz = co_await simple("PBSZ 0");
    if (!pbsz.ok()) co_return pbsz;
    auto prot = co_await simple("PROT P");
    if (!prot.ok()) co_return prot;
    protected_data_ = true;
  }
  co_return status{};
}

std::string session::format_endpoint_text() const {
  return opt_.host.find(':') != std::string::npos ? fmt::format("[{}]:{}", opt_.host, opt_.port)
                                                 : fmt::format("{}:{}", opt_.host, opt_.port);
}

net::tcp::endpoint session::tcp_peer() const {
  std::error_code ignored;
  return ctl_->stream().socket().remote_endpoint(ignored);
}

net::awaitable<status> session::open_tls() {
  const net::tls_session fresh;
  auto ec = co_await ctl_->stream().handshake_client(*tls_ctx_, opt_.host, fresh);
  if (ec) co_return status{ec, {}, "TLS handshake"};
  ctl_->note(fmt::format("TLS established ({})", ctl_->stream().tls_version()));
  take_session_ = true;
  co_return status{};
}

// The control session is saved after the first reply that follows the handshake: a TLS 1.3
// server sends its session tickets after the handshake, before that reply (RFC 8446 §4.6.1).
void session::remember_tls_session() {
  if (!take_session_) return;
  take_session_ = false;
  tls_session_ = ctl_->stream().session();
}

// RFC 959 §5.4: USER -> 230 | 331 -> PASS -> 230 | 202; 332 asks for ACCT.
net::awaitable<status> session::login() {
  const bool anonymous = opt_.user.empty() || opt_.user == "anonymous" || opt_.user == "ftp";
  // (Commands are built in named locals: GCC 12 mishandles temporaries made by ?: inside a
  // co_await expression.)
  std::string user_command = "USER ";
  user_command += opt_.user.empty() ? "anonymous" : opt_.user.c_str();
  auto user = co_await run(std::move(user_command));
  remember_tls_session();
  if (!user.ok()) co_return user;
  if (user.reply.code == 230) co_return user;
  if (user.reply.code == 332) co_return status{error::account_required, user.reply, "login"};
  if (user.reply.code != 331) co_return status{error::unexpected_reply, user.reply, "login"};
  std::string pass_command = "PASS ";
  pass_command += opt_.password.empty() && anonymous ? "anonymous@" : opt_.password.c_str();
  auto pass = co_await run(std::move(pass_command));
  if (!pass.ok()) co_return pass;
  if (pass.reply.code == 332) co_return status{error::account_required, pass.reply, "login"};
  if (pass.reply.code != 230 && pass.reply.code != 202)
    co_return status{error::unexpected_reply, pass.reply, "login"};
  co_return pass;
}

// RFC 2389 §3.2: "211-..." then one feature per line, each starting with a space.
net::awaitable<void> session::read_features() {
  auto st = co_await run("FEAT");
  if (!st.ok() || st.reply.code != 211) co_return;
  features_.answered = true;
  const auto& lines = st.reply.lines;
  for (std::size_t i = 1; i + 1 < lines.size(); ++i) {
    const auto line = trim_ows(lines[i]);
    const auto space = line.find(' ');
    std::string name(line.substr(0, space));
    for (auto& c : name) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    features_.items[name] = space == std::string_view::npos ? "" : std::string(line.substr(space + 1));
  }
}

net::awaitable<with_status<std::string>> session::pwd() {
  auto st = co_await simple("PWD");
  if (!st.ok()) co_return with_status<std::string>{st, {}};
  auto path = st.reply.code == 257 ? unquote_pathname(st.reply.lines.front()) : std::nullopt;
  if (!path) st.ec = error::unexpected_reply;
  co_return with_status<std::string>{st, path.value_or("")};
}

net::awaitable<status> session::cwd(std::string path) {
  auto st = co_await simple("CWD " + path);
  co_return st;
}

net::awaitable<status> session::type(transfer_type t) {
  if (type_ == t) co_return status{};
  std::string command = t == transfer_type::ascii ? "TYPE A" : "TYPE I";
  auto st = co_await simple(std::move(command));
  if (st.ok()) type_ = t;
  co_return st;
}

// RFC 3659 §4: "213 <size>", the size in the current TYPE; ours is binary.
net::awaitable<with_status<std::uint64_t>> session::size(std::string path) {
  auto t = co_await type(transfer_type::binary);
  if (!t.ok()) co_return with_status<std::uint64_t>{t, 0};
  auto st = co_await simple("SIZE " + path);
  auto n = st.ok() && st.reply.code == 213 ? parse_uint(trim_ows(st.reply.lines.front())) : std::nullopt;
  if (st.ok() && !n) st.ec = error::unexpected_reply;
  co_return with_status<std::uint64_t>{st, n.value_or(0)};
}

// RFC 3659 §3: "213 YYYYMMDDHHMMSS[.sss]" in UTC.
net::awaitable<with_status<std::int64_t>> session::mdtm(std::string path) {
  auto st = co_await simple("MDTM " + path);
  auto t = st.ok() && st.reply.code == 213 ? parse_time_val(trim_ows(st.reply.lines.front())) : std::nullopt;
  if (st.ok() && !t) st.ec = error::unexpected_reply;
  co_return with_status<std::int64_t>{st, t.value_or(0)};
}

net::awaitable<status> session::mkd(std::string path) {
  auto st = co_await simple("MKD " + path);
  co_return st;
}

net::awaitable<status> session::rmd(std::string path) {
  auto st = co_await simple("RMD " + path);
  co_return st;
}

net::awaitable<status> session::dele(std::string path) {
  auto st = co_await simple("DELE " + path);
  co_return st;
}

// RFC 959 §4.1.3: RNFR -> 350, then RNTO -> 250.
net::awaitable<status> session::rename(std::string from, std::string to) {
  auto st = co_await run("RNFR " + from);
  if (!st.ok()) co_return st;
  if (st.reply.code != 350) co_return status{error::unexpected_reply, st.reply, "RNFR"};
  auto done = co_await simple("RNTO " + to);
  co_return done;
}

net::awaitable<void> session::quit() {
  if (!ctl_) co_return;
  const auto timeout = std::min(opt_.timeout, std::chrono::milliseconds(5000));
  auto [ec, reply] = co_await ctl_->command("QUIT", timeout);
  (void)ec;
  co_await ctl_->stream().graceful_close();
  ctl_.reset();
}

}  // namespace l7::ftp::client
