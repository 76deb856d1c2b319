// TCP transport of exchange() (RFC 7766): one connection per try, the query and its reply each
// behind a 2-octet length prefix (RFC 1035 §4.2.2), the connection closed after the reply.
#include <array>

#include "dns/client/error.hpp"
#include "dns/client/transport.hpp"
#include "net/deadline.hpp"

namespace l7::dns::client::detail {
namespace {

using clock = std::chrono::steady_clock;

// One connection: connect, send, read one framed reply into `reply`.
net::awaitable<std::error_code> ask(net::tcp::socket& socket, const net::tcp::endpoint& peer,
                                    std::span<const std::byte> framed,
                                    std::vector<std::byte>& reply) {
  auto [connect_ec] = co_await socket.async_connect(peer, net::use_tuple);
  if (connect_ec) co_return connect_ec;
  auto [write_ec, written] =
      co_await asio::async_write(socket, asio::buffer(framed.data(), framed.size()),
                                 net::use_tuple);
  if (write_ec) co_return write_ec;
  std::array<std::uint8_t, 2> prefix{};
  auto [prefix_ec, got] = co_await asio::async_read(socket, asio::buffer(prefix), net::use_tuple);
  if (prefix_ec) co_return prefix_ec;
  reply.resize(std::size_t(prefix[0]) << 8 | prefix[1]);
  auto [body_ec, n] = co_await asio::async_read(socket, asio::buffer(reply), net::use_tuple);
  co_return body_ec;
}

}  // namespace

net::awaitable<exchange_result> tcp_exchange(const server_address& server, const message& query,
                                             std::span<const std::byte> wire,
                                             const query_options& opts) {
  exchange_result r;
  r.from = server;
  r.via_tcp = true;
  std::vector<std::byte> framed;
  framed.reserve(wire.size() + 2);
  framed.push_back(std::byte(wire.size() >> 8));
  framed.push_back(std::byte(wire.size() & 0xff));
  framed.insert(framed.end(), wire.begin(), wire.end());
  const net::tcp::endpoint peer(net::to_asio(server.address), server.port);
  auto ex = co_await asio::this_coro::executor;
  std::vector<std::byte> reply;
  const int tries = opts.tries < 1 ? 1 : opts.tries;
  for (int t = 0; t < tries; ++t) {
    net::tcp::socket socket(ex);
    net::deadline watchdog(ex, [&socket] {
      std::error_code ignored;
      socket.close(ignored);
    });
    const auto started = clock::now();
    watchdog.expires_after(opts.timeout);
    const auto ec = co_await ask(socket, peer, framed, reply);
    watchdog.disarm();
    if (ec) {  // a timeout shows up as whatever the closed socket made the pending call fail with
      r.ec = watchdog.expired() ? make_error_code(error::timed_out) : ec;
      continue;
    }
    r.rtt = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - started);
    r.response_size = reply.size();
    std::error_code decode_ec;
    decode(reply, r.response, decode_ec);
    // One query per connection: anything but its answer is a broken server, not a spoof to
    // wait out, and asking the same server again would not help.
    if (decode_ec)
      r.ec = error::malformed_reply;
    else if (!is_response_to(r.response, query))
      r.ec = error::mismatched_reply;
    else
      r.ec = {};
    if (r.ec) r.response = {};
    co_return r;
  }
  co_return r;
}

}  // namespace l7::dns::client::detail
