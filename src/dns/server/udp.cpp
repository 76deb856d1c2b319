#include <array>

#include "app/log.hpp"
#include "dns/server/packet_cache.hpp"
#include "dns/server/rate_limit.hpp"
#include "dns/server/transport.hpp"
#include "dns/server/wire.hpp"

namespace l7::dns::server {

namespace {

struct udp_context {
  udp_context(net::worker& w, net::udp::socket s, engine& e)
      : worker(w), socket(std::move(s)), eng(e),
        limiter(e.config().rate_limit, e.config().rrl_slip, e.config().rate_limit_exempt) {}
  net::worker& worker;
  net::udp::socket socket;
  engine& eng;
  rate_limiter limiter;
  packet_cache packets;
  std::array<std::byte, 65536> in{};
  std::vector<std::byte> out;
  net::worker::stop_handle stop;
};

net::awaitable<void> send_later(std::shared_ptr<udp_context> c, std::vector<std::byte> bytes,
                                net::udp::endpoint peer) {
  co_await c->socket.async_send_to(asio::buffer(bytes.data(), bytes.size()), peer, net::use_tuple);
}

// Sends at once when the socket buffer has room (the usual case); otherwise waits.
void send(const std::shared_ptr<udp_context>& c, std::vector<std::byte>& bytes,
          const net::udp::endpoint& peer) {
  std::error_code ec;
  c->socket.send_to(asio::buffer(bytes.data(), bytes.size()), peer, 0, ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again)
    asio::co_spawn(c->socket.get_executor(), send_later(c, std::move(bytes), peer), asio::detached);
}

void reply(const std::shared_ptr<udp_context>& c, const message& query, const message& response,
           const net::udp::endpoint& peer) {
  c->out.clear();
  encode_response(response, c->out, udp_budget(query, c->eng.config().udp_payload));
  send(c, c->out, peer);
}

// Sends the answer, or (rate limit slip) its truncated form.
void respond(const std::shared_ptr<udp_context>& c, const message& query, const message& answer,
             rate_limiter::verdict v, const net::udp::endpoint& peer) {
  if (v == rate_limiter::verdict::slip) reply(c, query, truncated(answer), peer);
  else if (v == rate_limiter::verdict::send) reply(c, query, answer, peer);
}

net::awaitable<void> resolve_and_reply(std::shared_ptr<udp_context> c, message query,
                                       query_context ctx, rate_limiter::verdict v,
                                       net::udp::endpoint peer) {
  message response = co_await c->eng.resolve_miss(query, ctx);
  if (c->socket.is_open()) respond(c, query, response, v, peer);
}

// The smallest TTL in the answer and authority sections (what a cached answer lives by).
std::uint32_t min_ttl(const message& m) {
  std::uint32_t ttl = 0xffffffff;
  for (const auto& rr : m.answers) ttl = std::min(ttl, rr.ttl);
  for (const auto& rr : m.authority) ttl = std::min(ttl, rr.ttl);
  return ttl == 0xffffffff ? 0 : ttl;
}

// Packet-cache answers from our data have AA set; the rest came from the cache.
engine::source hit_source(const std::vector<std::byte>& r) {
  return (std::to_integer<unsigned>(r[2]) & 0x04) ? engine::src_zone : engine::src_cache;
}

void handle(const std::shared_ptr<udp_context>& c, std::size_t n, const net::udp::endpoint& peer) {
  std::span<const std::byte> bytes(c->in.data(), n);
  if (n < 12 || (std::to_integer<unsigned>(bytes[2]) & 0x80)) return;  // no header, or a response
  const query_context ctx{net::to_ip(peer.address()).unmapped(), transport::udp};
  // The rate limit comes first: a limited client costs no decoding.
  const auto verdict = c->limiter.check(ctx.client, std::chrono::steady_clock::now());
  if (verdict == rate_limiter::verdict::drop) return;
  const bool cacheable = verdict == rate_limiter::verdict::send && !c->eng.config().trace;
  const bool recurse = c->eng.may_recurse(ctx.client);
  const auto generation = c->eng.generation();
  const auto now = std::chrono::steady_clock::now();
  if (cacheable) {
    if (const auto* hit = c->packets.find(bytes, recurse, generation, now)) {
      c->eng.count_packet_cache_answer(hit_source(*hit));
      std::error_code ec;
      c->socket.send_to(asio::buffer(hit->data(), hit->size()), peer, 0, ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again)
        asio::co_spawn(c->socket.get_executor(), send_later(c, *hit, peer), asio::detached);
      return;
    }
  }
  message query;
  std::error_code ec;
  decode(bytes, query, ec);
  if (ec) {
    if (auto f = formerr_reply(bytes)) send(c, *f, peer);
    return;
  }
  engine::source from = engine::src_error;
  auto answer = c->eng.answer_now(query, ctx, c->socket.get_executor(), &from);
  if (!answer) {
    asio::co_spawn(c->socket.get_executor(),
                   resolve_and_reply(c, std::move(query), ctx, verdict, peer), asio::detached);
    return;
  }
  respond(c, query, *answer, verdict, peer);
  // Our own data's answers are the same until the next reload: keep the octets. Cache answers
  // are kept for half their remaining lifetime (their TTLs age on every hit), so the slow path
  // still sees the entry before the cache's prefetch window.
  if (cacheable && !c->out.empty()) {
    if (from == engine::src_zone || from == engine::src_hosts) {
      c->packets.store(bytes, recurse, generation, c->out);
    } else if (from == engine::src_cache) {
      if (const auto ttl = min_ttl(*answer); ttl >= 2)
        c->packets.store_aging(bytes, recurse, generation, c->out, now, now + std::chrono::seconds(ttl / 2));
    }
  }
  c->eng.log_query(query, *answer, ctx);
}

net::awaitable<void> receive_loop(std::shared_ptr<udp_context> c) {
  c->socket.non_blocking(true);
  net::udp::endpoint peer;
  for (;;) {
    auto [wait_ec] = co_await c->socket.async_wait(net::udp::socket::wait_read, net::use_tuple);
    if (wait_ec || !c->socket.is_open()) break;
    // Drain what is queued, but yield now and then so that other work on this worker runs.
    for (int i = 0; i < 64; ++i) {
      std::error_code ec;
      const std::size_t n = c->socket.receive_from(asio::buffer(c->in.data(), c->in.size()), peer, 0, ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) break;
      if (ec) continue;  // ICMP errors from earlier sends surface here; they are not ours to act on
      handle(c, n, peer);
    }
  }
}

}  // namespace

void serve_udp(net::worker& w, net::udp::socket socket, engine& e) {
  auto c = std::make_shared<udp_context>(w, std::move(socket), e);
  c->stop = w.on_stop([weak = std::weak_ptr<udp_context>(c)] {
    if (auto c = weak.lock()) {
      std::error_code ec;
      c->socket.close(ec);
    }
  });
  asio::co_spawn(w.executor(), receive_loop(c), [c](std::exception_ptr ep) mutable {
    if (ep) app::logger("dns")->error("udp loop ended by an exception");
    c->stop.reset();
  });
}

}  // namespace l7::dns::server
