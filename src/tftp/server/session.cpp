#include "tftp/server/session.hpp"

#include <fmt/format.h>

#include <chrono>

#include "app/log.hpp"
#include "tftp/client/driver.hpp"
#include "tftp/codec/error.hpp"
#include "tftp/codec/netascii.hpp"
#include "tftp/codec/receiver.hpp"
#include "tftp/codec/sender.hpp"
#include "tftp/server/files.hpp"

namespace l7::tftp::server {

shared_state::shared_state(settings s)
    : config(std::move(s)), limits(config.max_sessions, config.max_sessions_per_ip),
      log(app::logger("tftp")) {
  std::filesystem::create_directories(config.root);
  root = std::make_unique<app::jail>(config.root);
  if (!config.upload_dir.empty()) {
    std::filesystem::create_directories(config.upload_dir);
    upload = std::make_unique<app::jail>(config.upload_dir);
  }
  auto& reg = app::metrics();
  active = &reg.gauge_metric("l7_tftp_transfers", "TFTP transfers in progress");
  auto& done = reg.counter_family("l7_tftp_transfers_total",
                                  "TFTP transfers that ended, by request and result", {"request", "result"});
  get_ok = &done.with({"read", "ok"});
  get_failed = &done.with({"read", "failed"});
  put_ok = &done.with({"write", "ok"});
  put_failed = &done.with({"write", "failed"});
  refused = &reg.counter_metric("l7_tftp_requests_refused_total",
                                "TFTP requests answered with an ERROR before any data moved");
  auto& bytes =
      reg.counter_family("l7_tftp_bytes_total", "TFTP payload bytes, by direction", {"direction"});
  bytes_sent = &bytes.with({"sent"});
  bytes_received = &bytes.with({"received"});
}

namespace {

using clock = std::chrono::steady_clock;

struct context {
  std::shared_ptr<shared_state> st;
  request req;
  transfer_mode mode = transfer_mode::octet;
  net::udp::endpoint peer;
  std::string client;  // RFC 5952 text for logs
  net::udp::socket& socket;
};

void refuse(context& c, std::uint16_t code, std::string_view why) {
  client::send_error(c.socket, c.peer, code, code == wire::not_defined ? why : wire_message(code));
  c.st->refused->inc();
  c.st->log->info("{} {} \"{}\" refused: ERROR {} ({})", c.client,
                  c.req.op == opcode::rrq ? "read" : "write", printable(c.req.filename), code, why);
}

// Counts a transfer as in progress for its lifetime.
struct active_transfer {
  explicit active_transfer(app::gauge& g) : g_(g) { g_.inc(); }
  ~active_transfer() { g_.dec(); }
  app::gauge& g_;
};

client::drive_options drive_options(const context& c) {
  client::drive_options o;
  if (c.st->config.trace) {
    o.on_packet = [log = c.st->log, who = c.client](bool sent, std::span<const std::byte> d) {
      log->info("{} {} {}", who, sent ? "<-" : "->", describe(d));
    };
  }
  return o;
}

void report(context& c, const transfer& t, clock::time_point started, bool read) {
  const auto ms = std::chrono::duration<double, std::milli>(clock::now() - started).count();
  const bool ok = t.state() == transfer::status::done;
  (read ? c.st->bytes_sent : c.st->bytes_received)->inc(t.bytes());
  (ok ? (read ? c.st->get_ok : c.st->put_ok) : (read ? c.st->get_failed : c.st->put_failed))->inc();
  std::string why = ok ? "ok" : t.error().message();
  if (t.peer_error()) why += fmt::format(" (ERROR {} from the client)", t.peer_error()->code);
  c.st->log->info("{} {} \"{}\" {} bytes in {:.1f} ms, blksize {} windowsize {}: {}", c.client,
                  read ? "read" : "write", printable(c.req.filename),
                  t.bytes(), ms, t.params().blksize, t.params().windowsize, why);
}

net::awaitable<void> serve_read(context& c) {
  auto file = open_for_read(*c.st->root, c.req.filename);
  if (!file) co_return refuse(c, wire_code_for_file_error(file.error()), file.error().message());
  std::error_code ec;
  const auto size = c.mode == transfer_mode::octet ? std::optional(file->size) : std::nullopt;
  auto n = negotiate(c.req, c.st->config.policy, size, ec);
  auto src = std::move(*file).source();
  if (c.mode == transfer_mode::netascii) src = netascii_source(std::move(src));
  sender t(n, std::move(src), c.st->config.retries);
  const auto started = clock::now();
  co_await client::drive(t, c.socket, c.peer, drive_options(c));
  report(c, t, started, true);
}

net::awaitable<void> serve_write(context& c) {
  if (!c.st->upload) co_return refuse(c, wire::access_violation, "uploads are off (tftp.upload_dir)");
  std::error_code ec;
  auto n = negotiate(c.req, c.st->config.policy, std::nullopt, ec);
  if (ec) co_return refuse(c, wire_code_for(ec), "tsize over tftp.max_upload");
  auto up = upload::create(*c.st->upload, c.req.filename, c.st->config.allow_overwrite);
  if (!up) co_return refuse(c, wire_code_for_file_error(up.error()), up.error().message());
  receiver::sink sink = [&up](std::span<const std::byte> data, bool last, std::error_code& e) {
    up->write(data, e);
    if (!e && last) up->commit(e);  // before the last ACK: an acknowledged upload is in place
  };
  if (c.mode == transfer_mode::netascii) sink = netascii_sink(std::move(sink));
  receiver t(n, std::move(sink), c.st->config.retries, c.st->config.max_upload);
  const auto started = clock::now();
  co_await client::drive(t, c.socket, c.peer, drive_options(c));
  report(c, t, started, false);
}

}  // namespace

net::awaitable<void> run_session(std::shared_ptr<shared_state> st, net::worker& w, request req,
                                 net::udp::endpoint peer, asio::ip::address local) {
  net::worker::session_token token(w);
  net::udp::socket socket(w.executor());
  std::error_code ec;
  socket.open(peer.protocol(), ec);
  if (!ec && peer.protocol() == net::udp::v6()) socket.set_option(asio::ip::v6_only(false), ec);
  if (!ec) socket.bind({local, 0}, ec);
  if (ec) {
    st->log->warn("cannot open a transfer socket: {}", ec.message());
    co_return;
  }
  context c{st, std::move(req), transfer_mode::octet, peer, net::to_string(peer), socket};
  // A graceful stop ends the transfer: the client hears why instead of timing out.
  auto stop = w.on_stop([&socket, peer] {
    client::send_error(socket, peer, wire::not_defined, "server shutting down");
    std::error_code ignored;
    socket.close(ignored);
  });
  auto slot = st->limits.acquire(net::to_ip(peer.address()));
  if (!slot) co_return refuse(c, wire::not_defined, "too many transfers");
  const auto mode = parse_mode(c.req.mode);
  if (!mode)
    co_return refuse(c, wire::illegal_operation, "mode \"" + printable(c.req.mode) + "\" is not supported");
  c.mode = *mode;
  active_transfer counted(*st->active);
  if (c.req.op == opcode::rrq) co_await serve_read(c);
  else co_await serve_write(c);
}

}  // namespace l7::tftp::server
