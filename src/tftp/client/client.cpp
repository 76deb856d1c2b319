#include "tftp/client/client.hpp"

#include "tftp/client/driver.hpp"
#include "tftp/codec/netascii.hpp"

namespace l7::tftp::client {
namespace {

struct resolved {
  std::error_code ec;
  net::udp::endpoint server;
};

net::awaitable<resolved> resolve(const options& o) {
  resolved r;
  std::error_code ec;
  auto addr = asio::ip::make_address(o.host, ec);
  if (!ec) {
    r.server = {addr, o.port};
    co_return r;
  }
  net::udp::resolver resolver(co_await asio::this_coro::executor);
  auto [rec, results] = co_await resolver.async_resolve(o.host, std::to_string(o.port), net::use_tuple);
  if (rec || results.empty()) {
    r.ec = rec ? rec : std::make_error_code(std::errc::host_unreachable);
    co_return r;
  }
  r.server = results.begin()->endpoint();
  co_return r;
}

transfer_params local_params(const options& o) {
  transfer_params p;
  p.timeout = o.timeout;
  return p;
}

request make_request(const options& o, opcode op, std::string remote) {
  return request{op, std::move(remote), std::string(mode_name(o.mode)), o.ask.to_options()};
}

net::awaitable<result> run(const options& o, transfer& t) {
  result res;
  const auto started = std::chrono::steady_clock::now();
  auto where = co_await resolve(o);
  if (where.ec) {
    res.ec = where.ec;
    co_return res;
  }
  net::udp::socket socket(co_await asio::this_coro::executor);
  socket.open(where.server.protocol(), res.ec);
  const auto any = where.server.address().is_v6() ? asio::ip::address(asio::ip::address_v6::any())
                                                 : asio::ip::address(asio::ip::address_v4::any());
  if (!res.ec) socket.bind({any, 0}, res.ec);
  if (res.ec) co_return res;
  drive_options d;
  d.learn_tid = true;
  d.stop_when_done = true;  // the server lingers for a lost last ACK; we need not
  d.on_packet = o.on_packet;
  co_await drive(t, socket, where.server, d);
  res.elapsed = std::chrono::steady_clock::now() - started;
  res.ec = t.state() == transfer::status::done ? std::error_code{} : t.error();
  res.peer_error = t.peer_error();
  res.bytes = t.bytes();
  res.params = t.params();
  co_return res;
}

}  // namespace

net::awaitable<result> get(const options& o, std::string remote, receiver::sink sink) {
  if (o.mode == transfer_mode::netascii) sink = netascii_sink(std::move(sink));
  receiver r(make_request(o, opcode::rrq, std::move(remote)), local_params(o), std::move(sink),
             o.retries);
  co_return co_await run(o, r);
}

net::awaitable<result> put(const options& o, std::string remote, sender::source source) {
  if (o.mode == transfer_mode::netascii) source = netascii_source(std::move(source));
  sender s(make_request(o, opcode::wrq, std::move(remote)), local_params(o), std::move(source),
           o.retries);
  co_return co_await run(o, s);
}

}  // namespace l7::tftp::client
