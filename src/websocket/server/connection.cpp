#include "websocket/server/connection.hpp"

#include <spdlog/spdlog.h>

#include "app/metrics.hpp"
#include "core/bytes.hpp"
#include "net/poller.hpp"
#include "websocket/codec/error.hpp"

namespace l7::websocket::server {
namespace {

using clock = std::chrono::steady_clock;

constexpr std::size_t max_kept_write = 4 << 20;  // a giant message's queue is not kept
constexpr int max_reads_per_turn = 16;           // then other connections get their turn

std::string preview(std::span<const std::byte> p, opcode op) {
  if (op != opcode::text) return fmt::format("<{} bytes>", p.size());
  auto t = as_chars(p);
  return t.size() <= 80 ? std::string(t) : std::string(t.substr(0, 77)) + "...";
}

}  // namespace

connection::connection(std::unique_ptr<net::connection> socket, net::worker& w,
                       const connection_context& ctx, application& app, connection_info info,
                       std::uint64_t id)
    : socket_(std::move(socket)),
      worker_(w),
      executor_(w.executor()),
      ctx_(ctx),
      cfg_(*ctx.config),
      app_(app),
      info_(std::move(info)),
      id_(id),
      reader_(role::server, reader_limits{.max_message = ctx.config->max_message}) {}

connection::~connection() {
  if (socket_) socket_->set_owner(nullptr);
}

void connection::enable_deflate(const deflate_params& p) {
  reader_.enable_deflate(p.client_max_window_bits, p.client_no_context_takeover, ctx_.budget);
  writer_.enable_deflate(p.server_max_window_bits, p.server_no_context_takeover,
                         cfg_.deflate_threshold, ctx_.budget);
}

std::size_t connection::memory() const {
  return sizeof(*this) + (socket_ ? socket_->memory() : 0) + reader_.memory() + writer_.memory() +
         out_.capacity();
}

void connection::start(std::span<const std::byte> early) {
  self_ = shared_from_this();
  auto keep = self_;
  token_.emplace(worker_);
  if (ctx_.open) ctx_.open->inc();
  last_rx_ = clock::now();
  socket_->set_owner(this);
  if (!early.empty()) reader_.feed(early);
  in_input_ = true;
  app_.on_open(*this);
  dispatch_events();
  in_input_ = false;
  if (worker_.stopping()) close(1001, "server shutting down");
  arm_timer();
  read_input();  // the socket may hold more already
  flush();
  settle();
}

void connection::on_ready(net::connection&, unsigned) {
  auto keep = self_;
  if (!keep) return;
  read_input();
  flush();
  settle();
}

void connection::on_deadline(net::connection&) {
  auto keep = self_;
  if (!keep) return;
  if (state_ == state::open) on_keepalive();
  else end();  // the close handshake (or the linger after a failure) took too long
}

void connection::on_stop(net::connection&) {
  auto keep = self_;
  if (!keep) return;
  if (state_ == state::open) close(1001, "server shutting down");
  flush();
  settle();
}

void connection::on_abandon(net::connection&) {
  auto keep = self_;
  broken_ = true;  // no I/O any more
  end();
}

void connection::read_input() {
  for (int rounds = 0;; ++rounds) {
    if (ending_ || broken_ || peer_gone_) return;
    if (!lingering_ && (state_ == state::closed || reader_failed_)) return;
    if (state_ == state::open && queued() > cfg_.send_buffer) {
      paused_ = true;  // backpressure: this peer waits until it has taken what we owe it
      return;
    }
    if (rounds == max_reads_per_turn) {  // edge-triggered: we must come back by ourselves
      read_later();
      return;
    }
    auto scratch = worker_.poller().scratch();
    auto r = socket_->read_some(scratch);
    if (r.status == net::io_status::done) {
      last_rx_ = worker_.poller().now();
      if (lingering_) continue;  // after a failure: read and drop until the peer closes
      auto got = scratch.first(r.bytes);
      if (reader_.buffered() == 0) reader_.borrow(got);
      else reader_.feed(got);
      in_input_ = true;
      dispatch_events();
      in_input_ = false;
      reader_.keep_rest();  // the scratch is the worker's: an incomplete frame moves to us
      continue;
    }
    if (r.status == net::io_status::want_read || r.status == net::io_status::want_write) return;
    peer_gone_ = true;  // EOF or an error: nothing more comes, nothing more can go
  }
}

void connection::read_later() {
  if (read_posted_) return;
  read_posted_ = true;
  asio::post(executor_, [w = weak_from_this()] {
    auto c = w.lock();
    if (!c || !c->self_) return;
    c->read_posted_ = false;
    c->read_input();
    c->flush();
    c->settle();
  });
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
    if (state_ == state::open) writer_.pong(p->payload, out_);  // §5.5.2: the ping's payload
    return;
  }
  if (std::holds_alternative<pong_event>(ev)) {
    bool waited = ping_outstanding_;
    ping_outstanding_ = false;
    // The deadline still waits for the pong: move it back to the next ping.
    if (waited && state_ == state::open) arm_timer();
    return;
  }
  const auto& c = std::get<close_event>(ev);
  if (ctx_.trace) ctx_.trace->info("{} ws#{} < close {} {}", info_.remote, id_, c.code, c.reason);
  // §5.5.1: answer with a close frame, echoing the code (an empty close gets an empty one).
  if (state_ == state::open) writer_.close(c.code, "", out_);
  state_ = state::closed;
  finish_app();
}

void connection::fail(std::error_code ec) {
  reader_failed_ = true;
  if (ctx_.trace) ctx_.trace->info("{} ws#{} protocol error: {}", info_.remote, id_, ec.message());
  if (state_ == state::open) close(close_code_for(ec), ec.message());
}

send_result connection::send(opcode op, std::span<const std::byte> payload) {
  if (state_ != state::open || broken_ || peer_gone_) return send_result::dropped;
  std::size_t q = queued();
  if (q > 0 && q + payload.size() > cfg_.max_send_queue) {
    // A consumer this slow is cut off: frames not yet started are discarded, so its queue
    // stops costing memory at once.
    out_.resize(out_sent_);
    close(1013, "slow consumer: send queue full");
    return send_result::dropped;
  }
  if (ctx_.trace)
    ctx_.trace->info("{} ws#{} > {} {}", info_.remote, id_,
                     op == opcode::text ? "text" : "binary", preview(payload, op));
  writer_.message(op, payload, out_);
  if (!in_input_) flush_later();
  return queued() > cfg_.send_buffer ? send_result::backpressured : send_result::queued;
}

send_result connection::send_text(std::string_view text) { return send(opcode::text, as_bytes(text)); }

void connection::close(std::uint16_t code, std::string_view reason) {
  if (state_ != state::open) return;
  if (ctx_.trace) ctx_.trace->info("{} ws#{} > close {} {}", info_.remote, id_, code, reason);
  state_ = state::closing;
  writer_.close(code, reason, out_);
  if (!in_input_) flush_later();
  arm_timer();  // now the close-handshake deadline
  finish_app();
}

void connection::finish_app() {
  if (app_closed_) return;
  app_closed_ = true;
  app_.on_close(*this);
}

void connection::flush() {
  if (!socket_ || broken_ || peer_gone_) {
    out_.clear();
    out_sent_ = 0;
    return;
  }
  while (out_sent_ < out_.size()) {
    auto rest = as_bytes(std::string_view(out_).substr(out_sent_));
    auto r = socket_->write_some(rest);
    if (r.status == net::io_status::done) {
      out_sent_ += r.bytes;
      continue;
    }
    if (r.status == net::io_status::want_write || r.status == net::io_status::want_read) return;
    broken_ = true;  // the next settle() ends the connection
    break;
  }
  // Everything written (or nothing can be): the queue is empty again. It keeps its storage
  // while traffic flows; a giant message's is given back at once.
  out_.clear();
  out_sent_ = 0;
  if (out_.capacity() > max_kept_write) std::string().swap(out_);
}

void connection::flush_later() {
  if (flush_posted_) return;
  flush_posted_ = true;
  asio::post(executor_, [w = weak_from_this()] {
    auto c = w.lock();
    if (!c || !c->self_) return;
    c->flush_posted_ = false;
    c->flush();
    c->settle();
  });
}

void connection::settle() {
  if (ending_) return;
  if (broken_ || peer_gone_) return end();
  if (state_ == state::open) {
    if (paused_ && queued() <= cfg_.send_buffer) {
      paused_ = false;
      read_later();
    }
    return;
  }
  if (queued() > 0) return;  // our close frame (or the reply to theirs) is still going out
  if (state_ == state::closed) return end();
  if (reader_failed_ && !lingering_) {
    // We failed the connection (§7.1.7) and our close frame is out. Say we are done sending
    // and read what the peer still sends until it closes, so that unread input does not turn
    // our close into a reset that destroys the close frame in flight. (TLS: its close_notify
    // does the same job, and the peer's records cannot be skipped without decrypting them.)
    if (socket_->is_tls()) return end();
    lingering_ = true;
    socket_->shutdown_write();
    read_input();
    if (peer_gone_) end();
  }
  // closing: waiting for the peer's close frame (or its EOF while lingering), within the
  // close timeout armed by close().
}

void connection::arm_timer() {
  if (!socket_) return;
  if (state_ != state::open) {
    socket_->expires_after(cfg_.close_timeout);
    return;
  }
  clock::time_point when;
  if (ping_outstanding_) when = ping_sent_ + cfg_.pong_timeout;
  else if (cfg_.ping_interval.count() == 0) return socket_->disarm();
  else when = last_rx_ + cfg_.ping_interval;
  socket_->expires_at(when);
}

void connection::on_keepalive() {
  auto now = clock::now();
  if (ping_outstanding_ && last_rx_ > ping_sent_) ping_outstanding_ = false;  // any traffic will do
  if (ping_outstanding_) {
    if (now - ping_sent_ >= cfg_.pong_timeout) {
      if (ctx_.trace) ctx_.trace->info("{} ws#{} no pong: peer is gone", info_.remote, id_);
      broken_ = true;
      return end();
    }
  } else if (cfg_.ping_interval.count() > 0 && now - last_rx_ >= cfg_.ping_interval) {
    release_idle_memory();  // quiet for a whole ping interval
    writer_.ping({}, out_);
    ping_outstanding_ = true;
    ping_sent_ = now;
    flush();
  }
  arm_timer();
  settle();
}

void connection::release_idle_memory() {
  reader_.shrink_if_idle(0);
  if (queued() == 0) std::string().swap(out_);
}

void connection::end() {
  if (ending_) return;
  ending_ = true;
  finish_app();
  state_ = state::closed;
  if (socket_) {
    socket_->set_owner(nullptr);
    if (!broken_ && !peer_gone_) socket_->shutdown_write();  // close_notify and FIN
    socket_.reset();
  }
  out_.clear();
  out_sent_ = 0;
  if (ctx_.open) ctx_.open->dec();
  token_.reset();
  self_.reset();  // the caller's own reference keeps us until it returns
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
