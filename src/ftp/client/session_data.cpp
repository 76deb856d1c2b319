// Data connections of the FTP client session: passive (EPSV, then PASV, RFC 2428 §3 / RFC 959
// §4.1.2) or active (EPRT, then PORT), then the transfer command and its preliminary reply,
// then TLS when PROT P is in force (RFC 4217 §7: the FTP client is always the TLS client).
#include <fmt/format.h>

#include "core/text.hpp"
#include "ftp/client/error.hpp"
#include "ftp/client/session.hpp"
#include "ftp/client/session_data.hpp"
#include "ftp/codec/host_port.hpp"
#include "net/connect.hpp"

namespace l7::ftp::client {
namespace {

int reply_class(const numeric_reply& r) { return r.code / 100; }

std::string joined(const numeric_reply& r) {
  std::string text;
  for (const auto& line : r.lines) text += line + " ";
  return text;
}

// 500/502: the command is unknown (RFC 959 §4.2) - try the older one. Other refusals stand.
bool not_implemented(const status& st) {
  return st.rejected() && (st.reply.code == 500 || st.reply.code == 502);
}

}  // namespace

session::data_channel::data_channel(asio::any_io_executor ex)
    : deadline(ex, [this] { close(); }) {}

void session::data_channel::close() {
  if (stream) stream->close();
  if (acceptor) {
    std::error_code ignored;
    acceptor->close(ignored);
  }
}

net::awaitable<with_status<session::data_ptr>> session::open_data(std::string command) {
  using result = with_status<data_ptr>;
  result setup;
  if (opt_.active) {
    auto a = co_await active_setup();
    setup = std::move(a);
  } else {
    auto p = co_await passive_setup();
    setup = std::move(p);
  }
  if (!setup.st.ok()) co_return setup;
  auto started = co_await start_data(*setup.value, std::move(command));
  if (!started.ok()) co_return result{started, nullptr};
  co_return result{started, std::move(setup.value)};
}

net::awaitable<with_status<session::data_ptr>> session::passive_setup() {
  using result = with_status<data_ptr>;
  std::optional<std::uint16_t> port;
  if (!epsv_refused_) {
    auto st = co_await run("EPSV");
    if (not_implemented(st)) {
      epsv_refused_ = true;
    } else if (!st.ok()) {
      co_return result{st, nullptr};
    } else {
      port = st.reply.code == 229 ? parse_epsv_text(joined(st.reply)) : std::nullopt;
      if (!port) co_return result{status{error::bad_passive_reply, st.reply, "EPSV"}, nullptr};
    }
  }
  if (!port) {
    if (peer_.is_v6()) co_return result{status{error::needs_ipv4, {}, "PASV"}, nullptr};
    auto st = co_await run("PASV");
    if (!st.ok()) co_return result{st, nullptr};
    auto a = st.reply.code == 227 ? parse_pasv_text(joined(st.reply)) : std::nullopt;
    if (!a) co_return result{status{error::bad_passive_reply, st.reply, "PASV"}, nullptr};
    // Like curl's --ftp-skip-pasv-ip: the 227 address is often private or wrong behind NAT,
    // and a server must not send us to a third host, so only the port is taken from it.
    if (net::to_asio(a->address) != peer_)
      ctl_->note(fmt::format("227 names {}, connecting to the server's address {} instead",
                             a->address.to_string(), peer_.to_string()));
    port = a->port;
  }
  const auto where = fmt::format("data connection to {}", net::to_string(net::tcp::endpoint(peer_, *port)));
  ctl_->note(where);
  const auto host = peer_.to_string();
  auto [ec, socket] = co_await net::connect_tcp(host, *port, opt_.timeout);
  if (ec) co_return result{status{ec, {}, where}, nullptr};
  auto d = std::make_unique<data_channel>(ex_);
  d->stream = std::make_unique<net::stream>(std::move(socket));
  co_return result{status{}, std::move(d)};
}

net::awaitable<with_status<session::data_ptr>> session::active_setup() {
  using result = with_status<data_ptr>;
  auto d = std::make_unique<data_channel>(ex_);
  std::error_code ec;
  // Listen where the server reached us: the control connection's local address.
  d->acceptor.emplace(ex_);
  const net::tcp::endpoint here(local_, 0);
  d->acceptor->open(here.protocol(), ec);
  if (!ec) d->acceptor->bind(here, ec);
  if (!ec) d->acceptor->listen(1, ec);
  if (ec) co_return result{status{ec, {}, "listen for the data connection"}, nullptr};
  const data_address ours{net::to_ip(local_), d->acceptor->local_endpoint(ec).port()};
  if (!eprt_refused_) {
    auto eprt = "EPRT " + format_eprt_argument(ours);
    auto st = co_await simple(std::move(eprt));
    if (st.ok()) co_return result{st, std::move(d)};
    if (!not_implemented(st)) co_return result{st, nullptr};
    eprt_refused_ = true;
  }
  if (!ours.address.is_v4()) co_return result{status{error::needs_ipv4, {}, "PORT"}, nullptr};
  auto port = "PORT " + format_port_argument(ours);
  auto st = co_await simple(std::move(port));
  if (!st.ok()) co_return result{st, nullptr};
  co_return result{st, std::move(d)};
}

// Sends the transfer command; after its 1xx reply, takes the server's connection (active) and
// runs TLS over the data connection when PROT P is on.
net::awaitable<status> session::start_data(data_channel& d, std::string command) {
  auto st = co_await run(std::move(command));
  if (!st.ok()) co_return st;
  if (reply_class(st.reply) != 1) co_return status{error::unexpected_reply, st.reply, "transfer"};
  if (d.acceptor) {
    d.deadline.expires_after(opt_.timeout);
    auto [aec, socket] = co_await d.acceptor->async_accept(net::use_tuple);
    d.deadline.disarm();
    if (d.deadline.expired()) aec = error::timed_out;
    if (aec) co_return status{aec, st.reply, "accept the data connection"};
    std::error_code ignored;
    const auto from = socket.remote_endpoint(ignored);
    d.acceptor->close(ignored);
    if (from.address() != peer_) {  // RFC 2577 §3: only the server may connect
      ctl_->note(fmt::format("refusing a data connection from {}", net::to_string(from)));
      co_return status{error::foreign_data_peer, st.reply, "accept the data connection"};
    }
    d.stream = std::make_unique<net::stream>(std::move(socket));
  }
  if (protected_data_) {
    d.deadline.expires_after(opt_.timeout);
    auto ec = co_await d.stream->handshake_client(*tls_ctx_, opt_.host, tls_session_);
    d.deadline.disarm();
    if (d.deadline.expired()) ec = error::timed_out;
    if (ec) co_return status{ec, st.reply, "TLS handshake on the data connection"};
    ctl_->note(fmt::format("data connection TLS ({}), session {}", d.stream->tls_version(),
                           d.stream->session_reused() ? "reused" : "not reused"));
  }
  co_return st;
}

}  // namespace l7::ftp::client
