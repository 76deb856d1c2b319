#include "http/server/session.hpp"

#include <ctime>
#include <cstring>
#include <spdlog/spdlog.h>

#include "app/log.hpp"
#include "core/bytes.hpp"
#include "core/text.hpp"
#include "http/codec/serializer.hpp"
#include "http/server/listener.hpp"
#include "http/server/service.hpp"
#include "http/server/settings.hpp"

namespace l7::http::server {
namespace {

// After we close with input perhaps unread (an error answered early, or TLS), how long the
// peer's last bytes are read and dropped, so that closing does not reset the connection and
// destroy the response in flight.
constexpr std::chrono::milliseconds linger_time{500};

}  // namespace

session::session(listener_worker& home)
    : home_(home),
      worker_(home.worker()),
      listener_(home.context()),
      waiter_(worker_.executor()),
      secure_(listener_.tls != nullptr),
      buffer_(listener_.config->parser_limits.max_header_bytes + 2 * read_chunk),
      parser_(role::request, listener_.config->parser_limits) {
  parser_.set_max_body(listener_.config->max_body);
}

session::~session() {
  if (conn_) conn_->set_owner(nullptr);
}

net::awaitable<void> session::serve_burst(std::unique_ptr<session> self, start from) {
  co_await self->run(from);
  self->end_burst();
  auto& home = self->home_;
  home.recycle(std::move(self));
}

session::start session::run_instant() {
  if (conn_->is_tls() && !conn_->tls_established()) return {head_step::handshake, {}};
  for (;;) {
    std::error_code ec;
    const auto step = try_read_head(ec);
    if (step == head_step::idle) {
      conn_->set_owner(nullptr);
      home_.rest(std::move(conn_));
      return {head_step::idle, {}};
    }
    if (step != head_step::ready) return {step, ec};
    const fixed_response* fixed = instant_route();
    if (!fixed) return {head_step::ready, {}};
    if (!reply_now(fixed->status, fixed->content_type, fixed->body, ec)) return {head_step::writing, {}};
    log_exchange();
    if (!*finish_fast()) return {head_step::answered, {}};
  }
}

void session::begin_burst(std::unique_ptr<net::connection> c) {
  token_.emplace(worker_);
  conn_ = std::move(c);
  conn_->set_owner(&waiter_);
  remote_ = conn_->remote();
  waiter_.reset();
}

void session::end_burst() {
  conn_.reset();  // parked, handed over or closed by now: nothing left to close
  buffer_.clear();
  buffer_.shrink_if_empty(2 * read_chunk);  // a big body's buffer is not pooled
  if (out_.capacity() > 4 * read_chunk) std::string().swap(out_);
  remote_text_.clear();
  token_.reset();
}

const std::string& session::remote_text() {
  if (remote_text_.empty()) remote_text_ = net::to_ip(remote_.address()).to_string();
  return remote_text_;
}

net::awaitable<void> session::run(start from) {
  bool linger = false;
  bool ok = true;
  if (from.next == head_step::handshake) {
    ok = co_await handshake();
    from.next = head_step::none;
  }
  while (ok) {
    auto step = from.next;
    std::error_code ec = from.ec;
    from = {head_step::none, {}};
    if (step == head_step::none) step = try_read_head(ec);
    if (step == head_step::idle) {
      // Nothing more for now: the connection waits without a session.
      conn_->set_owner(nullptr);
      home_.rest(std::move(conn_));
      co_return;
    }
    if (step == head_step::wait) ec = co_await read_head_rest();
    if (step == head_step::writing) {
      // run_instant() answered; the socket took only part of it.
      const auto a = pending_a_;
      const auto b = pending_b_;
      (void)co_await write_rest(a, b, false);
      log_exchange();
    } else if (step != head_step::answered) {
      if (ec) {
        if (ec.category() == category()) {
          reset_request();
          co_await send_error(status_for(ec), ec.message());
          log_exchange();
          linger = true;
        }
        break;
      }
      co_await serve();
    }
    bool again = false;
    if (auto known = finish_fast()) again = *known;
    else again = co_await finish_request();
    if (!again) {
      linger = !parser_.done() || !buffer_.empty();
      break;
    }
  }
  if (!conn_) co_return;  // upgraded: the new protocol owns the connection
  const bool tls = conn_->is_tls();
  co_await close(linger || tls);
}

net::awaitable<void> session::close(bool linger) {
  conn_->shutdown_write();
  if (linger && conn_->is_open()) {
    // Read and drop what the peer still sends until it closes, within linger_time.
    conn_->expires_after(linger_time);
    auto sink = worker_.poller().scratch();
    for (;;) {
      auto r = conn_->read_some(sink);
      if (r.status == net::io_status::done) continue;
      if (r.status != net::io_status::want_read && r.status != net::io_status::want_write) break;
      if (co_await wait(r.status == net::io_status::want_read ? net::ready_read : net::ready_write)) break;
    }
  }
  conn_.reset();
}

net::awaitable<bool> session::handshake() {
  conn_->expires_after(listener_.config->header_timeout);
  for (;;) {
    auto r = conn_->handshake();
    if (r.status == net::io_status::done) co_return true;
    std::error_code ec = r.ec;
    if (r.status == net::io_status::want_read || r.status == net::io_status::want_write)
      ec = co_await wait(r.status == net::io_status::want_read ? net::ready_read : net::ready_write);
    if (!ec) continue;
    if (listener_.log->should_log(spdlog::level::debug))
      listener_.log->debug("{}: TLS handshake failed: {}", remote_text(), ec.message());
    co_return false;
  }
}

net::awaitable<std::error_code> session::wait(unsigned what) {
  co_return co_await waiter_.wait(*conn_, what);
}

session::head_step session::try_read_head(std::error_code& ec) {
  parser_.reset();
  traced_ = false;
  if (!buffer_.empty()) {  // pipelined, or left by the last request
    auto n = parser_.parse(buffer_.data(), ec);
    buffer_.consume(n);
    if (ec) return head_step::failed;
    if (std::holds_alternative<head_event>(parser_.next())) {
      ec = head_complete();
      return ec ? head_step::failed : head_step::ready;
    }
  }
  if (stopping()) {
    ec = asio::error::operation_aborted;
    return head_step::failed;
  }
  if (!buffer_.empty()) return head_step::wait;  // part of a head: the rest comes in pieces
  auto scratch = worker_.poller().scratch();
  auto r = conn_->read_some(scratch.first(std::min(scratch.size(), buffer_.max_size())));
  if (r.status == net::io_status::want_read) return head_step::idle;
  if (r.status == net::io_status::want_write) return head_step::wait;
  if (r.status != net::io_status::done) {
    ec = r.ec;
    return head_step::failed;
  }
  std::span<const std::byte> got(scratch.data(), r.bytes);
  auto n = parser_.parse(got, ec);
  if (ec) return head_step::failed;
  // The scratch is the worker's: what the parser did not take (a partial head, a body,
  // pipelined requests) moves into our own buffer before anything else runs.
  auto rest = got.subspan(n);
  if (!rest.empty()) {
    std::memcpy(buffer_.prepare(rest.size()).data(), rest.data(), rest.size());
    buffer_.commit(rest.size());
  }
  if (!std::holds_alternative<head_event>(parser_.next())) return head_step::wait;
  ec = head_complete();
  return ec ? head_step::failed : head_step::ready;
}

// The header timeout runs from the request's first byte and is never re-armed; a head that
// arrives whole never touches the timer wheel.
net::awaitable<std::error_code> session::read_head_rest() {
  conn_->expires_after(listener_.config->header_timeout);
  for (;;) {
    if (auto ec = co_await read_more(read_chunk)) co_return ec;
    std::error_code ec;
    auto n = parser_.parse(buffer_.data(), ec);
    buffer_.consume(n);
    if (ec) co_return ec;
    if (std::holds_alternative<head_event>(parser_.next())) co_return head_complete();
    if (stopping()) co_return asio::error::operation_aborted;
  }
}

std::error_code session::head_complete() {
  // A declared length over the limit is refused before any handler runs (RFC 9110 §15.5.14).
  auto length = parser_.content_length();
  if (length && *length > listener_.config->max_body) return make_error_code(error::body_too_large);
  // A request without a body ends with its head: let the parser say so now (the `end` it
  // produces at once), so that nothing has to read further to learn it.
  std::error_code ec;
  parser_.parse(std::span<const std::byte>{}, ec);
  (void)parser_.next();
  return ec;
}

const fixed_response* session::instant_route() {
  const auto& req = parser_.request();
  if (!parser_.done() || (req.method != "GET" && req.method != "HEAD") || !req.target.starts_with('/'))
    return nullptr;
  trace_request();
  reset_request();
  if (!decode_target()) return nullptr;  // serve() answers that
  auto m = listener_.routes->match(req.method, path_);
  return m.found ? m.found->fixed : nullptr;
}

void session::trace_request() {
  if (!listener_.trace || traced_) return;
  traced_ = true;
  const auto& req = parser_.request();
  std::string text = fmt::format("{} > {} {} HTTP/1.{}", remote_text(), req.method, req.target,
                                 req.version % 10);
  for (const auto& f : req.headers) text += fmt::format("\n    > {}: {}", f.name, f.value);
  listener_.trace->info("{}", text);
}

void session::reset_request() {
  head_only_ = parser_.request().method == "HEAD";
  responded_ = response_done_ = head_pending_ = chunked_out_ = continue_sent_ = upgraded_ = false;
  status_ = 0;
  bytes_sent_ = 0;
  close_after_ = !parser_.keep_alive() || stopping();
  path_.clear();
  query_ = {};
}

bool session::decode_target() {
  std::string_view target = parser_.request().target;
  if (target.starts_with("http://") || target.starts_with("https://")) {  // RFC 9112 §3.2.2
    auto authority = target.find("//") + 2;
    auto slash = target.find_first_of("/?", authority);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  auto qmark = target.find('?');
  query_ = qmark == std::string_view::npos ? std::string_view{} : target.substr(qmark + 1);
  auto decoded = percent_decode(target.substr(0, qmark));
  if (!decoded || decoded->find('\0') != std::string::npos) return false;
  path_ = std::move(*decoded);
  if (path_.empty()) path_ = "/";
  return true;
}

// Which request-target forms this server answers (RFC 9112 §3.2): origin-form, absolute-form
// for http(s), and "*" for OPTIONS. authority-form belongs to CONNECT, which needs a proxy.
static bool supported_target(const request_head& req) {
  std::string_view t = req.target;
  if (t.starts_with('/')) return true;
  if (t == "*") return req.method == "OPTIONS";
  return t.starts_with("http://") || t.starts_with("https://");
}

net::awaitable<void> session::serve() {
  const auto& req = parser_.request();
  trace_request();
  reset_request();
  if (!supported_target(req) || !decode_target()) {
    co_await send_error(req.method == "CONNECT" ? 405 : 400, "unsupported or malformed request target");
    log_exchange();
    co_return;
  }
  // The handler's whole run, body reads and response writes each re-arm it.
  conn_->expires_after(listener_.config->io_timeout);
  exchange ex(*this);
  try {
    if (req.target == "*") {
      response_head head;
      head.headers.add("Allow", "GET, HEAD, OPTIONS");
      co_await ex.respond(std::move(head), "");
    } else if (auto m = listener_.routes->match(req.method, path_); m.found) {
      co_await m.found->fn(ex);
    } else if (m.allow) {
      response_head head;
      head.status = 405;
      head.headers.add("Allow", *m.allow);
      head.headers.add("Content-Type", "text/plain; charset=utf-8");
      co_await ex.respond(std::move(head), "405 Method Not Allowed\n");
    } else {
      co_await (*listener_.fallback)(ex);
    }
  } catch (const std::exception& e) {
    listener_.log->error("{} {} {}: handler failed: {}", remote_text(), req.method, req.target, e.what());
    close_after_ = true;
  }
  if (!responded_) co_await send_error(500, "the handler sent no response");
  if (head_pending_) co_await flush_head(false);  // begun, never finished: cut short
  log_exchange();
}

std::optional<bool> session::finish_fast() const {
  if (upgraded_ || !conn_ || !conn_->is_open()) return false;
  if (responded_ && !response_done_) return false;  // a streamed response was cut short
  if (!parser_.done()) return std::nullopt;
  return !close_after_ && !stopping();
}

net::awaitable<bool> session::finish_request() {
  // The handler left (part of) the body unread. A client that waits for 100 Continue may
  // or may not send it now: close. Otherwise skip a bounded amount to keep the connection.
  if (parser_.expect_continue() && !continue_sent_) co_return false;
  std::uint64_t skipped = 0;
  event ev;
  while (!parser_.done()) {
    if (co_await pull(ev)) co_return false;
    if (auto* d = std::get_if<data_event>(&ev)) skipped += d->bytes.size();
    if (skipped > listener_.config->max_discard) co_return false;
  }
  co_return !close_after_ && !stopping();
}

net::awaitable<void> session::send_error(int status, std::string_view detail) {
  if (responded_) co_return;
  close_after_ = true;
  response_head head;
  head.status = status;
  head.headers.add("Content-Type", "text/plain; charset=utf-8");
  std::string body = fmt::format("{} {}: {}\n", status, reason_phrase(status), detail);
  exchange ex(*this);
  co_await ex.respond(std::move(head), body);
}

void session::log_exchange() {
  const auto& req = parser_.request();
  int cls = status_ / 100;
  listener_.requests[cls >= 1 && cls <= 5 ? cls : 0]->inc();
  listener_.bytes_sent->inc(bytes_sent_);
  if (!listener_.config->access_log) return;
  std::string line = req.method.empty()
                         ? std::string("-")
                         : fmt::format("{} {} HTTP/1.{}", req.method, req.target, req.version % 10);
  app::access_record r;
  r.remote_ip = remote_text();
  r.time_unix = std::time(nullptr);
  r.request_line = line;
  r.status = status_;
  r.bytes = bytes_sent_;
  r.referer = req.headers.get("Referer").value_or("");
  r.user_agent = req.headers.get("User-Agent").value_or("");
  app::log_access(r);
}

}  // namespace l7::http::server
