#include "websocket/server/connection.hpp"

#include <spdlog/spdlog.h>

#include "core/bytes.hpp"
#include "websocket/codec/error.hpp"

namespace l7::websocket::server {
namespace {

using clock = std::chrono::steady_clock;

constexpr std::size_t min_read = 2 * 1024;
constexpr std::size_t max_read = 64 * 1024;
constexpr std::size_t tls_read = 16 * 1024;
constexpr std::size_t max_kept_write = 4 << 20;

std::string preview(std::span<const std::byte> p, opcode op) {
  if (op != opcode::text) return fmt::format("<{} bytes>", p.size());
  auto t = as_chars(p);
  return t.size() <= 80 ? std::string(t) : std::string(t.substr(0, 77)) + "...";
}

}  // namespace

connection::connection(net::stream& stream, net::worker& w, const connection_context& ctx,
                       application& app, connection_info info, std::uint64_t id)
    : stream_(stream),
      worker_(w),
      executor_(w.executor()),
      ctx_(ctx),
      cfg_(*ctx.config),
      app_(app),
      info_(std::move(info)),
      id_(id),
      reader_(role::server, reader_limits{.max_message = ctx.config->max_message}),
      keepalive_(w.executor()),
      drained_(w.executor()) {}

connection::~connection() = default;

void connection::enable_deflate(const deflate_params& p) {
  reader_.enable_deflate(p.client_max_window_bits, p.client_no_context_takeover, ctx_.budget);
  writer_.enable_deflate(p.server_max_window_bits, p.server_no_context_takeover,
                         cfg_.deflate_threshold, ctx_.budget);
}

std::size_t connection::memory() const {
  return sizeof(*this) + reader_.memory() + writer_.memory() + out_.capacity() +
         inflight_.capacity();
}

net::awaitable<void> connection::run(std::span<const std::byte> early) {
  last_rx_ = clock::now();
  stop_ = worker_.on_stop([this] {
    if (state_ == state::open) close(1001, "server shutting down");
  });
  if (!early.empty()) reader_.feed(early);
  app_.on_open(*this);
  arm_keepalive();
  co_await read_loop();

  // Our last frames (the close reply, or our close) go out within close_timeout.
  // (Named locals, no co_await in conditions: GCC 12 miscompiles some of those forms.)
  const std::chrono::milliseconds limit = cfg_.close_timeout;
  co_await wait_drained(limit, 0);
  finish_app();
  if (reader_failed_ && !broken_ && !stream_.is_tls()) {
    // We failed the connection (§7.1.7): our close frame is out; say we are done sending and
    // read what the peer still sends until it closes, so that unread input does not turn our
    // close into a reset that destroys the close frame in flight.
    std::error_code ignored;
    stream_.socket().shutdown(net::tcp::socket::shutdown_send, ignored);
    co_await linger();
  }
  state_ = state::closed;
  broken_ = true;  // nothing may be written from here on
  co_await stream_.graceful_close();
  keepalive_.cancel();
  while (writing_) co_await wait_drained(limit, 0);
}

net::awaitable<void> connection::read_loop() {
  for (;;) {
    dispatch_events();
    if (state_ == state::closed || reader_failed_ || broken_) co_return;
    reader_.shrink_if_idle(max_read);  // a busy peer keeps its read buffer
    if (state_ == state::open && queued() > cfg_.send_buffer) {
      // Backpressure: stop reading this peer until it has taken what we owe it.
      const std::chrono::milliseconds forever = std::chrono::hours(24);
      const std::size_t level = cfg_.send_buffer;
      co_await wait_drained(forever, level);
      if (broken_) co_return;
      continue;
    }
    const bool more = co_await read_some();
    if (!more) co_return;
  }
}

net::awaitable<bool> connection::read_some() {
  // TLS hands out at most one record (16 KiB) per read, and its buffer is held while idle.
  std::size_t want = tls_read;
  if (!stream_.is_tls()) {
    // Wait for input before taking a buffer: idle connections then hold none.
    auto [ec] = co_await stream_.socket().async_wait(net::tcp::socket::wait_read, net::use_tuple);
    if (ec) co_return false;
    std::error_code ignored;
    want = std::clamp<std::size_t>(stream_.socket().available(ignored), min_read, max_read);
  }
  auto buf = reader_.prepare(want);
  reading_ = true;  // the keepalive timer must not free this buffer under the read
  auto [ec, n] = co_await stream_.async_read_some(asio::buffer(buf.data(), buf.size()), net::use_tuple);
  reading_ = false;
  if (ec) co_return false;
  reader_.commit(n);
  last_rx_ = clock::now();
  co_return true;
}

net::awaitable<void> connection::linger() {
  std::array<std::byte, 4096> sink;
  arm_keepalive();  // closing: the timer cuts this short after close_timeout
  for (;;) {
    auto [ec, n] = co_await stream_.async_read_some(asio::buffer(sink), net::use_tuple);
    if (ec) co_return;
  }
}

void connection::dispatch_events() {
  for (;;) {
    std::error_code ec;
    auto ev = reader_.next(ec);
    if (ec) return fail(ec);
    if (std::holds_alternative<need_more>(ev)) return;
    if (auto* m = std::get_if<message_event>(&ev)) {
      if (state_ != state::open) continue;  // closing: incoming data is discarded (§7.1.2)
      if (ctx_.trace)
        ctx_.trace->info("{} ws#{} < {} {}", info_.remote, id_,
                         m->op == opcode::text ? "text" : "binary", preview(m->payload, m->op));
      app_.on_message(*this, *m);
      continue;
    }
    on_control(ev);
    if (state_ == state::closed) return;
  }
}

void connection::on_control(const event& ev) {
  if (auto* p = std::get_if<ping_event>(&ev)) {
    if (state_ == state::open) {  // §5.5.2: a pong with the ping's payload
      writer_.pong(p->payload, out_);
      kick_writer();
    }
    return;
  }
  if (std::holds_alternative<pong_event>(ev)) {
    bool waited = ping_outstanding_;
    ping_outstanding_ = false;
    // The timer still waits for the pong deadline: move it back to the next ping.
    if (waited && state_ == state::open) arm_keepalive();
    return;
  }
  const auto& c = std::get<close_event>(ev);
  if (ctx_.trace)
    ctx_.trace->info("{} ws#{} < close {} {}", info_.remote, id_, c.code, c.reason);
  if (state_ == state::open) {
    // §5.5.1: answer with a close frame, echoing the code (an empty close gets an empty one).
    writer_.close(c.code, "", out_);
    kick_writer();
  }
  state_ = state::closed;
  finish_app();
}

void connection::fail(std::error_code ec) {
  reader_failed_ = true;
  if (ctx_.trace) ctx_.trace->info("{} ws#{} protocol error: {}", info_.remote, id_, ec.message());
  if (state_ == state::open) close(close_code_for(ec), ec.message());
}

send_result connection::send(opcode op, std::span<const std::byte> payload) {
  if (state_ != state::open || broken_) return send_result::dropped;
  std::size_t q = queued();
  if (q > 0 && q + payload.size() > cfg_.max_send_queue) {
    // A consumer this slow is cut off: frames not yet started are discarded, so its queue
    // stops costing memory at once.
    out_.clear();
    close(1013, "slow consumer: send queue full");
    return send_result::dropped;
  }
  if (ctx_.trace)
    ctx_.trace->info("{} ws#{} > {} {}", info_.remote, id_,
                     op == opcode::text ? "text" : "binary", preview(payload, op));
  writer_.message(op, payload, out_);
  kick_writer();
  return queued() > cfg_.send_buffer ? send_result::backpressured : send_result::queued;
}

send_result connection::send_text(std::string_view text) { return send(opcode::text, as_bytes(text)); }

void connection::close(std::uint16_t code, std::string_view reason) {
  if (state_ != state::open) return;
  if (ctx_.trace) ctx_.trace->info("{} ws#{} > close {} {}", info_.remote, id_, code, reason);
  state_ = state::closing;
  writer_.close(code, reason, out_);
  kick_writer();
  arm_keepalive();  // now the close-handshake timer
  finish_app();
}

void connection::finish_app() {
  if (app_closed_) return;
  app_closed_ = true;
  app_.on_close(*this);
}

void connection::kick_writer() {
  if (writing_ || broken_ || out_.empty()) return;
  writing_ = true;
  asio::co_spawn(executor_, write_loop(shared_from_this()), asio::detached);
}

net::awaitable<void> connection::write_loop(std::shared_ptr<connection> self) {
  // Started through a post, so every frame queued by the current batch of input goes out in
  // this one write.
  while (!out_.empty() && !broken_) {
    inflight_.swap(out_);
    auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(inflight_), net::use_tuple);
    inflight_.clear();
    if (ec) {
      broken_ = true;
      out_.clear();
      stream_.close();  // also ends the read loop
    }
    if (queued() <= cfg_.send_buffer) drained_.cancel();
  }
  // Buffers stay while traffic flows (no regrowing per batch); a giant message's do not.
  if (out_.capacity() > max_kept_write) std::string().swap(out_);
  if (inflight_.capacity() > max_kept_write) std::string().swap(inflight_);
  writing_ = false;
  drained_.cancel();
}

net::awaitable<void> connection::wait_drained(std::chrono::milliseconds limit, std::size_t level) {
  auto until = clock::now() + limit;
  while ((queued() > level || writing_) && !broken_ && clock::now() < until) {
    drained_.expires_at(until);
    (void)co_await drained_.async_wait(net::use_tuple);
  }
}

void connection::arm_keepalive() {
  clock::time_point when;
  if (state_ != state::open) when = clock::now() + cfg_.close_timeout;
  else if (ping_outstanding_) when = ping_sent_ + cfg_.pong_timeout;
  else if (cfg_.ping_interval.count() == 0) return;
  else when = last_rx_ + cfg_.ping_interval;
  keepalive_.expires_at(when);
  keepalive_.async_wait([w = weak_from_this()](std::error_code ec) {
    if (ec) return;
    if (auto c = w.lock()) c->on_keepalive();
  });
}

void connection::on_keepalive() {
  if (state_ != state::open) {  // the close handshake took too long
    stream_.close();
    return;
  }
  auto now = clock::now();
  if (ping_outstanding_ && last_rx_ > ping_sent_) ping_outstanding_ = false;  // any traffic will do
  if (ping_outstanding_) {
    if (now - ping_sent_ >= cfg_.pong_timeout) {
      if (ctx_.trace) ctx_.trace->info("{} ws#{} no pong: peer is gone", info_.remote, id_);
      broken_ = true;
      finish_app();
      stream_.close();
      return;
    }
  } else if (now - last_rx_ >= cfg_.ping_interval) {
    release_idle_memory();  // quiet for a whole ping interval
    writer_.ping({}, out_);
    kick_writer();
    ping_outstanding_ = true;
    ping_sent_ = now;
  }
  arm_keepalive();
}

void connection::release_idle_memory() {
  if (!reading_) reader_.shrink_if_idle(0);
  if (!writing_ && out_.empty()) {
    std::string().swap(out_);
    std::string().swap(inflight_);
  }
}

void handle::send(opcode op, std::shared_ptr<const std::string> payload) const {
  if (!executor_) return;
  asio::dispatch(*executor_, [conn = conn_, op, payload = std::move(payload)] {
    if (auto c = conn.lock()) c->send(op, as_bytes(*payload));
  });
}

void handle::close(std::uint16_t code, std::string reason) const {
  if (!executor_) return;
  asio::dispatch(*executor_, [conn = conn_, code, reason = std::move(reason)] {
    if (auto c = conn.lock()) c->close(code, reason);
  });
}

}  // namespace l7::websocket::server
