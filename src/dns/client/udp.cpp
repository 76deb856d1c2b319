// UDP transport of exchange(): one connected socket on a random port, the same query re-sent
// on each try, and every datagram checked before it is believed (RFC 5452 §9.1).

#include "dns/client/error.hpp"
#include "dns/client/transport.hpp"
#include "net/deadline.hpp"

namespace l7::dns::client::detail {
namespace {

using clock = std::chrono::steady_clock;

enum class verdict { accepted, undecodable_ours, foreign };

// Classifies one datagram. The ID is looked at before anything is decoded, so a flood of
// guesses costs little; an undecodable datagram with our ID is remembered, so a server that
// answers garbage is reported as such after the timeout.
verdict judge(std::span<const std::byte> data, const message& query, message& out) {
  if (data.size() < 2 ||
      (std::to_integer<unsigned>(data[0]) << 8 | std::to_integer<unsigned>(data[1])) !=
          query.hdr.id)
    return verdict::foreign;
  std::error_code ec;
  decode(data, out, ec);
  if (ec) return verdict::undecodable_ours;
  return is_response_to(out, query) ? verdict::accepted : verdict::foreign;
}

// Opens, binds to port 0 and connects a socket for `peer`. connect() makes the kernel drop
// datagrams from any other address and port, and turns ICMP port unreachable into an error.
std::error_code open_connected(net::udp::socket& s, const net::udp::endpoint& peer) {
  std::error_code ec;
  s.open(peer.protocol(), ec);
  if (!ec) s.bind(net::udp::endpoint(peer.protocol(), 0), ec);
  if (!ec) s.connect(peer, ec);
  return ec;
}

}  // namespace

net::awaitable<exchange_result> udp_exchange(const server_address& server, const message& query,
                                             std::span<const std::byte> wire,
                                             const query_options& opts) {
  exchange_result r;
  r.from = server;
  auto ex = co_await asio::this_coro::executor;
  net::udp::socket socket(ex);
  if ((r.ec = open_connected(socket, {net::to_asio(server.address), server.port}))) co_return r;
  // Declared after the socket, so destroyed first: its callback never sees a dead socket.
  net::deadline watchdog(ex, [&socket] {
    std::error_code ignored;
    socket.cancel(ignored);
  });
  // 65535: the largest UDP payload; a larger datagram would be cut and fail to decode.
  std::vector<std::byte> buffer(65535);
  std::error_code last = error::timed_out;
  bool saw_undecodable = false;
  const int tries = opts.tries < 1 ? 1 : opts.tries;
  for (int t = 0; t < tries; ++t) {
    const auto sent_at = clock::now();
    const auto try_end = sent_at + opts.timeout;
    watchdog.expires_after(opts.timeout);
    auto [send_ec, sent] = co_await socket.async_send(asio::buffer(wire.data(), wire.size()),
                                                      net::use_tuple);
    if (send_ec) {
      last = clock::now() >= try_end ? make_error_code(error::timed_out) : send_ec;
      continue;
    }
    // The watchdog cancels the pending receive at try_end; the clock check also covers a
    // datagram that completed just as the watchdog fired (then nothing would cancel again).
    while (clock::now() < try_end) {
      auto [recv_ec, n] = co_await socket.async_receive(asio::buffer(buffer), net::use_tuple);
      if (recv_ec == asio::error::operation_aborted) break;
      if (recv_ec) {  // e.g. connection_refused: try again, it may have been spoofed
        last = recv_ec;
        break;
      }
      const auto data = std::span<const std::byte>(buffer.data(), n);
      switch (judge(data, query, r.response)) {
        case verdict::accepted:
          watchdog.disarm();
          r.response_size = n;
          r.rtt = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - sent_at);
          co_return r;
        case verdict::undecodable_ours: saw_undecodable = true; break;
        case verdict::foreign: break;
      }
    }
    if (clock::now() >= try_end) last = error::timed_out;
  }
  watchdog.disarm();
  r.response = {};
  r.ec = saw_undecodable ? make_error_code(error::malformed_reply) : last;
  co_return r;
}

}  // namespace l7::dns::client::detail
