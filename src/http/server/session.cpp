#include "http/server/session.hpp"

#include <ctime>
#include <spdlog/spdlog.h>

#include "app/log.hpp"
#include "core/bytes.hpp"
#include "core/text.hpp"
#include "http/codec/serializer.hpp"
#include "http/server/service.hpp"

namespace l7::http::server {
namespace {

// Reads for bodies and long heads take up to read_chunk; a connection waiting for its next
// request reads into idle_read bytes, enough for typical heads, so idle keep-alive
// connections hold little memory (docs/BENCHMARKS.md).
constexpr std::size_t read_chunk = 16 * 1024;
constexpr std::size_t idle_read = 2 * 1024;

}  // namespace

session::session(net::worker& w, net::tcp::socket socket, const listener_context& listener)
    : worker_(w),
      listener_(listener),
      stream_(std::move(socket)),
      deadline_(w.executor(), [this] { stream_.close(); }),
      buffer_(listener.config->parser_limits.max_header_bytes + 2 * read_chunk),
      parser_(role::request, listener.config->parser_limits) {
  std::error_code ec;
  remote_ = stream_.socket().remote_endpoint(ec);
  remote_text_ = net::to_ip(remote_.address()).to_string();
  parser_.set_max_body(listener.config->max_body);
}

net::awaitable<void> session::run() {
  listener_.connections->inc();
  auto stop = worker_.on_stop([this] { on_stop(); });
  if (co_await handshake()) {
    for (;;) {
      auto ec = co_await read_head();
      if (ec) {
        if (ec.category() == category()) {
          reset_request();
          co_await send_error(status_for(ec), ec.message());
          log_exchange();
        }
        break;
      }
      co_await serve();
      if (!co_await finish_request()) break;
    }
  }
  deadline_.expires_after(listener_.config->io_timeout);
  if (!upgraded_) co_await stream_.graceful_close();
  stream_.close();
  listener_.connections->dec();
}

net::awaitable<bool> session::handshake() {
  if (!listener_.tls) co_return true;
  deadline_.expires_after(listener_.config->header_timeout);
  auto ec = co_await stream_.handshake_server(*listener_.tls);
  if (ec && listener_.log->should_log(spdlog::level::debug))
    listener_.log->debug("{}: TLS handshake failed: {}", remote_text_, ec.message());
  co_return !ec;
}

void session::on_stop() {
  stopping_ = true;
  if (idle_) stream_.close();  // nothing in flight: end now
}

net::awaitable<std::error_code> session::read_head() {
  parser_.reset();
  // The header timeout runs from the request's first byte and is never re-armed. It is only
  // armed when a head arrives in pieces: the usual whole-head read never moves the deadline
  // sooner, so the timer is not reprogrammed on every request.
  bool started = !buffer_.empty();
  bool header_armed = false;
  for (;;) {
    if (!buffer_.empty()) {
      std::error_code ec;
      auto n = parser_.parse(buffer_.data(), ec);
      buffer_.consume(n);
      if (ec) co_return ec;
      if (std::holds_alternative<head_event>(parser_.next())) {
        // A declared length over the limit is refused before any handler runs (RFC 9110 §15.5.14).
        auto length = parser_.content_length();
        if (length && *length > listener_.config->max_body) co_return make_error_code(error::body_too_large);
        co_return std::error_code{};
      }
    }
    if (stopping_) co_return asio::error::operation_aborted;
    if (started && !header_armed) {
      deadline_.expires_after(listener_.config->header_timeout);
      header_armed = true;
    }
    idle_ = !started;
    if (idle_) {
      deadline_.expires_after(listener_.config->idle_timeout);
      buffer_.shrink_if_empty(idle_read);  // a body may have grown it: give that back
    }
    auto ec = co_await read_more(idle_ ? idle_read : read_chunk);
    idle_ = false;
    if (ec) co_return ec;
    started = true;
  }
}

net::awaitable<std::error_code> session::read_more(std::size_t want) {
  std::size_t room = std::min(want, buffer_.capacity_left());
  if (room == 0) co_return make_error_code(error::headers_too_large);
  auto space = buffer_.prepare(room);
  auto [ec, n] = co_await stream_.async_read_some(asio::buffer(space.data(), space.size()), net::use_tuple);
  buffer_.commit(n);
  co_return ec;
}

net::awaitable<std::error_code> session::pull(event& ev) {
  for (;;) {
    std::error_code ec;
    auto n = parser_.parse(buffer_.data(), ec);
    ev = parser_.next();
    buffer_.consume(n);  // data_event spans stay valid until the next read
    if (ec) co_return ec;
    if (!std::holds_alternative<need_more>(ev)) co_return std::error_code{};
    deadline_.expires_after(listener_.config->io_timeout);
    if (auto rec = co_await read_more(read_chunk)) co_return rec;
  }
}

void session::reset_request() {
  head_only_ = parser_.request().method == "HEAD";
  responded_ = response_done_ = chunked_out_ = continue_sent_ = false;
  status_ = 0;
  bytes_sent_ = 0;
  close_after_ = !parser_.keep_alive() || stopping_;
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
  if (listener_.trace) {
    std::string text = fmt::format("{} > {} {} HTTP/1.{}", remote_text_, req.method, req.target,
                                   req.version % 10);
    for (const auto& f : req.headers) text += fmt::format("\n    > {}: {}", f.name, f.value);
    listener_.trace->info("{}", text);
  }
  reset_request();
  if (!supported_target(req) || !decode_target()) {
    co_await send_error(req.method == "CONNECT" ? 405 : 400, "unsupported or malformed request target");
    log_exchange();
    co_return;
  }
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
    listener_.log->error("{} {} {}: handler failed: {}", remote_text_, req.method, req.target, e.what());
    close_after_ = true;
  }
  if (!responded_) co_await send_error(500, "the handler sent no response");
  log_exchange();
}

net::awaitable<bool> session::finish_request() {
  if (upgraded_ || !stream_.socket().is_open()) co_return false;
  if (responded_ && !response_done_) co_return false;  // a streamed response was cut short
  if (!parser_.done()) {
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
  }
  co_return !close_after_ && !stopping_;
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
  r.remote_ip = remote_text_;
  r.time_unix = std::time(nullptr);
  r.request_line = line;
  r.status = status_;
  r.bytes = bytes_sent_;
  r.referer = req.headers.get("Referer").value_or("");
  r.user_agent = req.headers.get("User-Agent").value_or("");
  app::log_access(r);
}

}  // namespace l7::http::server
