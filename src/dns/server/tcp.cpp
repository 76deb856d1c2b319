#include <deque>

#include "app/log.hpp"
#include "dns/codec/types.hpp"
#include "dns/server/transport.hpp"
#include "dns/server/wire.hpp"
#include "net/deadline.hpp"

namespace l7::dns::server {

namespace {

// State shared by the read loop, the writer and the queries in flight.
struct connection {
  connection(net::tcp::socket s, engine& e)
      : socket(std::move(s)), eng(e), wake(socket.get_executor()) {
    wake.expires_at(asio::steady_timer::time_point::max());
  }
  net::tcp::socket socket;
  engine& eng;
  std::deque<std::vector<std::byte>> queue;  // framed responses waiting to be written
  std::size_t queued_bytes = 0;              // in `queue` and in the write under way
  bool writing = false;
  bool failed = false;
  std::size_t inflight = 0;
  asio::steady_timer wake;  // cancelled whenever a query finishes or the queue drains

  void notify() { wake.cancel(); }
  net::awaitable<void> wait() {
    wake.expires_at(asio::steady_timer::time_point::max());
    co_await wake.async_wait(net::use_tuple);
  }
};

net::awaitable<void> writer(std::shared_ptr<connection> c) {
  c->writing = true;
  while (!c->queue.empty() && !c->failed) {
    // Gather what is queued into one write (pipelined answers go out together).
    std::vector<std::byte> batch = std::move(c->queue.front());
    c->queue.pop_front();
    while (!c->queue.empty() && batch.size() < 65536) {
      auto& next = c->queue.front();
      batch.insert(batch.end(), next.begin(), next.end());
      c->queue.pop_front();
    }
    auto [ec, n] = co_await asio::async_write(c->socket, asio::buffer(batch.data(), batch.size()),
                                              net::use_tuple);
    c->queued_bytes -= batch.size();
    if (ec) c->failed = true;
    c->notify();
  }
  c->writing = false;
  c->notify();
}

void enqueue(const std::shared_ptr<connection>& c, const message& response) {
  std::vector<std::byte> framed{std::byte{0}, std::byte{0}};
  encode_response(response, framed, 65535);
  const std::size_t n = framed.size() - 2;
  framed[0] = std::byte(n >> 8);
  framed[1] = std::byte(n & 0xff);
  c->queued_bytes += framed.size();
  c->queue.push_back(std::move(framed));
  if (!c->writing) asio::co_spawn(c->socket.get_executor(), writer(c), asio::detached);
}

net::awaitable<void> answer_later(std::shared_ptr<connection> c, message query, query_context ctx) {
  message response = co_await c->eng.resolve_miss(std::move(query), ctx);
  --c->inflight;
  if (!c->failed) enqueue(c, response);
  c->notify();
}

// RFC 5936: the zone as a stream of messages, SOA first and last, each message kept well
// under the 64 KiB frame limit.
void transfer(const std::shared_ptr<connection>& c, const message& query, const query_context& ctx) {
  message r = c->eng.response_for(query);
  const auto data = c->eng.data();
  const auth::zone* z = data->zones.find_exact(query.questions.front().qname);
  if (!z || !c->eng.config().allow_transfer.contains(ctx.client)) {
    r.set_rcode(z ? rcode::refused : rcode::notauth);
    enqueue(c, r);
    return;
  }
  r.hdr.aa = true;
  const auto records = z->transfer_records();
  constexpr std::size_t target = 16 * 1024;
  std::size_t size = 0;
  for (const auto& rr : records) {
    const std::size_t est = rr.owner.wire_length() + 10 + 64;  // refined below for big rdata
    message one;
    std::vector<std::byte> probe;
    one.answers.push_back(rr);
    std::size_t rr_size = est;
    if (!encode(one, probe)) rr_size = probe.size() - 12;
    if (!r.answers.empty() && size + rr_size > target) {
      enqueue(c, r);
      r.answers.clear();
      r.questions.clear();  // only the first message repeats the question (RFC 5936 §2.2)
      r.opt.reset();
      size = 0;
    }
    r.answers.push_back(rr);
    size += rr_size;
  }
  enqueue(c, r);
  app::logger("dns")->info("AXFR of {} to {} ({} records)", z->origin().to_string(),
                           ctx.client.to_string(), records.size());
}

}  // namespace

// Answers queued for a client that does not read them, before reading stops (RFC 7766 §6.2.2
// leaves flow control to the server).
constexpr std::size_t max_queued = 256 * 1024;

net::awaitable<void> serve_tcp(net::worker& w, net::tcp::socket socket, engine& e) {
  auto c = std::make_shared<connection>(std::move(socket), e);
  std::error_code ec;
  const auto peer = c->socket.remote_endpoint(ec);
  if (ec) co_return;
  const query_context ctx{net::to_ip(peer.address()).unmapped(), transport::tcp};
  // Weak: the stop hook and the deadline may outlive the session (a stop during teardown
  // must not keep the connection, and its timer, alive past the io_context).
  auto close = [weak = std::weak_ptr<connection>(c)] {
    if (auto c = weak.lock()) {
      std::error_code ignored;
      c->socket.close(ignored);
    }
  };
  net::deadline idle(c->socket.get_executor(), close);
  auto stop = w.on_stop(close);
  const auto ex = c->socket.get_executor();
  std::vector<std::byte> buf;
  for (;;) {
    // RFC 7766 §6.2.3: the idle timer runs while nothing is outstanding.
    idle.expires_after(e.config().tcp_idle_timeout);
    std::array<std::byte, 2> len{};
    auto [ec1, n1] = co_await asio::async_read(c->socket, asio::buffer(len.data(), 2), net::use_tuple);
    if (ec1) break;
    const std::size_t n = (std::to_integer<std::size_t>(len[0]) << 8) | std::to_integer<std::size_t>(len[1]);
    buf.resize(n);
    auto [ec2, n2] = co_await asio::async_read(c->socket, asio::buffer(buf.data(), n), net::use_tuple);
    if (ec2) break;
    idle.disarm();
    message query;
    std::error_code dec;
    decode(buf, query, dec);
    if (dec) {
      // The framing held but the message did not decode: FORMERR if it has a header, else
      // there is nothing sensible to say and the connection ends.
      auto f = formerr_reply(buf);
      if (!f) break;
      std::vector<std::byte> framed{std::byte(f->size() >> 8), std::byte(f->size() & 0xff)};
      framed.insert(framed.end(), f->begin(), f->end());
      c->queued_bytes += framed.size();
      c->queue.push_back(std::move(framed));
      if (!c->writing) asio::co_spawn(ex, writer(c), asio::detached);
      continue;
    }
    if (query.hdr.qr) break;  // a response sent to a server: not a DNS client
    if (query.questions.size() == 1 && query.questions.front().qtype == rr_type::axfr &&
        query.hdr.opcode == opcode::query) {
      transfer(c, query, ctx);
      continue;
    }
    if (auto answer = e.answer_now(query, ctx, ex)) {
      e.log_query(query, *answer, ctx);
      enqueue(c, *answer);
    } else {
      ++c->inflight;
      asio::co_spawn(ex, answer_later(c, std::move(query), ctx), asio::detached);
      while (c->inflight >= e.config().tcp_max_inflight && !c->failed) co_await c->wait();
    }
    // Backpressure: a client that sends queries but does not read its answers gets no more
    // reading until the queue drains, and is closed when it stays stuck for the idle timeout.
    if (c->queued_bytes > max_queued) {
      idle.expires_after(e.config().tcp_idle_timeout);
      while (c->queued_bytes > max_queued / 2 && !c->failed && c->socket.is_open()) co_await c->wait();
      idle.disarm();
    }
    if (c->failed || !c->socket.is_open()) break;
  }
  // Finish what was asked before closing (the client may have half-closed after sending),
  // but not for longer than the idle timeout if it stops reading.
  idle.expires_after(e.config().tcp_idle_timeout);
  while ((c->inflight > 0 || c->writing || !c->queue.empty()) && !c->failed && c->socket.is_open())
    co_await c->wait();
  std::error_code ignored;
  c->socket.shutdown(net::tcp::socket::shutdown_both, ignored);
  c->socket.close(ignored);
}

}  // namespace l7::dns::server
