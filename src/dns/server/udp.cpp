#include <sys/socket.h>

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
  std::vector<std::byte> out;
  net::worker::stop_handle stop;

  // Datagrams move in batches (recvmmsg/sendmmsg): one system call for up to `batch` queries
  // and one for their answers. A query longer than `slot` octets is dropped: no DNS query
  // needs that much over UDP.
  static constexpr std::size_t batch = 32, slot = 8192;
  std::array<std::array<std::byte, slot>, batch> in{};
  std::array<net::udp::endpoint, batch> from{};
  // Answers produced while a batch is handled, sent together afterwards.
  bool batching = false;
  std::size_t pending = 0;
  std::array<std::vector<std::byte>, batch> answers{};
  std::array<net::udp::endpoint, batch> to{};
};

net::awaitable<void> send_later(std::shared_ptr<udp_context> c, std::vector<std::byte> bytes,
                                net::udp::endpoint peer) {
  co_await c->socket.async_send_to(asio::buffer(bytes.data(), bytes.size()), peer, net::use_tuple);
}

// Sends at once when the socket buffer has room (the usual case); otherwise waits. While a
// received batch is handled, answers are queued for one sendmmsg instead.
void send(const std::shared_ptr<udp_context>& c, std::span<const std::byte> bytes,
          const net::udp::endpoint& peer) {
  if (c->batching && c->pending < udp_context::batch) {
    auto& slot = c->answers[c->pending];
    slot.assign(bytes.begin(), bytes.end());
    c->to[c->pending++] = peer;
    return;
  }
  std::error_code ec;
  c->socket.send_to(asio::buffer(bytes.data(), bytes.size()), peer, 0, ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again)
    asio::co_spawn(c->socket.get_executor(),
                   send_later(c, std::vector<std::byte>(bytes.begin(), bytes.end()), peer), asio::detached);
}

// Sends the queued answers with sendmmsg; what the socket does not take now is sent later.
void flush(const std::shared_ptr<udp_context>& c) {
  std::array<::mmsghdr, udp_context::batch> msgs{};
  std::array<::iovec, udp_context::batch> iov{};
  const std::size_t n = c->pending;
  for (std::size_t i = 0; i < n; ++i) {
    iov[i] = {c->answers[i].data(), c->answers[i].size()};
    msgs[i].msg_hdr.msg_name = c->to[i].data();
    msgs[i].msg_hdr.msg_namelen = static_cast<socklen_t>(c->to[i].size());
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  std::size_t sent = 0;
  while (sent < n) {
    const int r = ::sendmmsg(c->socket.native_handle(), msgs.data() + sent,
                             static_cast<unsigned>(n - sent), MSG_DONTWAIT);
    if (r > 0) {
      sent += static_cast<std::size_t>(r);
      continue;
    }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK) ++sent;  // this datagram fails alone
    else break;
  }
  c->pending = 0;
  c->batching = false;
  for (std::size_t i = sent; i < n; ++i) send(c, c->answers[i], c->to[i]);
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

void handle(const std::shared_ptr<udp_context>& c, std::span<const std::byte> bytes,
            const net::udp::endpoint& peer) {
  const std::size_t n = bytes.size();
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
      send(c, *hit, peer);  // copied: the next hit on this entry patches another ID in
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
  std::array<::mmsghdr, udp_context::batch> msgs{};
  std::array<::iovec, udp_context::batch> iov{};
  for (;;) {
    auto [wait_ec] = co_await c->socket.async_wait(net::udp::socket::wait_read, net::use_tuple);
    if (wait_ec || !c->socket.is_open()) break;
    // Drain what is queued, but yield now and then so that other work on this worker runs.
    for (int round = 0; round < 8; ++round) {
      for (std::size_t i = 0; i < udp_context::batch; ++i) {
        iov[i] = {c->in[i].data(), udp_context::slot};
        msgs[i] = {};
        msgs[i].msg_hdr.msg_name = c->from[i].data();
        msgs[i].msg_hdr.msg_namelen = static_cast<socklen_t>(c->from[i].capacity());
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
      }
      const int got = ::recvmmsg(c->socket.native_handle(), msgs.data(), udp_context::batch,
                                 MSG_DONTWAIT, nullptr);
      if (got <= 0) {
        if (got < 0 && errno == EINTR) continue;
        // EAGAIN: drained. Other errors (ICMP from earlier sends) are not ours to act on.
        if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK) continue;
        break;
      }
      c->batching = true;
      for (int i = 0; i < got; ++i) {
        const auto& h = msgs[i].msg_hdr;
        if (h.msg_flags & MSG_TRUNC) continue;  // longer than a slot
        c->from[i].resize(h.msg_namelen);
        handle(c, std::span<const std::byte>(c->in[i].data(), msgs[i].msg_len), c->from[i]);
      }
      flush(c);
      if (static_cast<std::size_t>(got) < udp_context::batch) break;
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
