#include "http/client/client.hpp"

#include <fmt/format.h>

#include "http/client/error.hpp"
#include "http/client/redirect.hpp"
#include "net/deadline.hpp"

namespace l7::http::client {

struct client::hop {
  bool follow = false;  // a redirect to follow; r.head has its Location
};

struct client::acquired {
  connection::status st;
  std::unique_ptr<connection> conn;
};

namespace {

void say(const callbacks& cb, const std::string& line) {
  if (cb.info) cb.info(line);
}

// RFC 9110 §9.2.2.
bool idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" ||
         method == "OPTIONS" || method == "TRACE";
}

net::client_tls_options with_alpn(net::client_tls_options tls) {
  if (tls.alpn.empty()) tls.alpn = {"http/1.1"};  // RFC 7301; we speak nothing else
  return tls;
}

}  // namespace

client::client(options opts)
    : opts_(std::move(opts)), tls_(net::make_client_context(with_alpn(opts_.tls))) {}

client::~client() = default;

net::awaitable<result> client::fetch(request req, const callbacks& cb) {
  result r;
  timed_out_ = false;
  net::deadline guard(co_await asio::this_coro::executor, [this] {
    timed_out_ = true;
    if (active_) active_->abort();
  });
  deadline_at_ = std::chrono::steady_clock::time_point::max();
  if (opts_.max_time) {
    guard.expires_after(*opts_.max_time);
    deadline_at_ = std::chrono::steady_clock::now() + *opts_.max_time;
  }
  for (;;) {
    r.url = req.target.origin() + req.target.target;
    const hop h = co_await exchange(req, cb, r);
    if (r.ec || !h.follow) co_return r;
    const auto location = std::string(r.head.headers.get("Location").value_or(""));
    if (opts_.max_redirects >= 0 && r.redirects >= opts_.max_redirects) {
      fail(r, {error::too_many_redirects, stage::redirect,
               fmt::format("redirect #{} to {}", r.redirects + 1, location)});
      co_return r;
    }
    if (auto ec = follow_redirect(req, r.head.status, location)) {
      fail(r, {ec, stage::redirect, "redirect to " + location});
      co_return r;
    }
    ++r.redirects;
    say(cb, fmt::format("Issue another request to this URL: '{}{}'", req.target.origin(),
                        req.target.target));
  }
}

// One request and its response, with the single retry RFC 9112 §9.3.1 allows for an
// idempotent request whose reused connection was found closed before any response byte.
net::awaitable<client::hop> client::exchange(request& req, const callbacks& cb, result& r) {
  hop h;
  const auto on_interim = [&cb](const response_head& head) {
    if (cb.response) (void)cb.response(head, response_kind::interim);
  };
  for (int attempt = 0;; ++attempt) {
    auto [st, conn] = co_await acquire(req.target, cb, attempt > 0);
    if (st.ec) {
      fail(r, st);
      co_return h;
    }
    const bool reused = conn->requests() > 0;
    if (req.body) {
      if (auto ec = req.body->rewind()) {
        fail(r, {ec, stage::send, "send request body again"});
        co_return h;
      }
    }
    const auto head = make_request_head(req, opts_.user_agent);
    if (cb.request_sent) cb.request_sent(head);
    active_ = conn.get();
    st = co_await conn->send(head, req.body.get(), opts_.continue_timeout, on_interim);
    const bool rewindable = !req.body || req.body->rewindable();
    if (st.ec && reused && attempt == 0 && !conn->response_started() && !timed_out_ &&
        idempotent(req.method) && rewindable) {
      active_ = nullptr;
      say(cb, fmt::format("Connection #{} died before a response; retrying on a new one",
                          conn->id()));
      continue;
    }
    if (!st.ec) st = co_await finish_response(*conn, cb, r, h);
    active_ = nullptr;
    if (st.ec) {
      say(cb, fmt::format("Closing connection #{}", conn->id()));
      fail(r, st);
      co_return h;
    }
    release(std::move(conn), cb);
    co_return h;
  }
}

// Reports the final head, decides whether it is a redirect to follow, reads the body.
net::awaitable<connection::status> client::finish_response(connection& conn, const callbacks& cb,
                                                           result& r, hop& h) {
  r.head = conn.response();
  h.follow = opts_.follow_redirects && is_redirect(r.head.status) &&
             r.head.headers.get("Location").has_value();
  const auto kind = h.follow ? response_kind::redirect : response_kind::final;
  if (cb.response) {
    if (auto ec = cb.response(r.head, kind)) co_return connection::status{ec, stage::sink, ""};
  }
  if (h.follow) {  // the redirect's own body is read and dropped to keep the connection
    std::uint64_t dropped = 0;
    co_return co_await conn.read_body({}, dropped);
  }
  co_return co_await conn.read_body(cb.body, r.body_bytes);
}

net::awaitable<client::acquired> client::acquire(const url& u, const callbacks& cb, bool fresh) {
  if (!fresh) {
    if (auto idle = take_idle(u.origin(), cb)) co_return std::move(*idle);
  }
  const auto where = (u.ipv6 ? "[" + u.host + "]" : u.host) + ":" + std::to_string(u.port);
  const auto left = time_left();
  if (timed_out_ || left <= std::chrono::milliseconds::zero())
    co_return acquired{{error::timed_out, stage::connect, "connect to " + where}, nullptr};
  auto o = co_await connection::open(u, tls_.get(), std::min(opts_.connect_timeout, left),
                                     next_id_++);
  if (o.st.ec) co_return acquired{std::move(o.st), nullptr};
  say(cb, fmt::format("Connected to {} ({}) port {} (#{})", u.host, o.conn->peer_address(),
                      u.port, o.conn->id()));
  if (!o.conn->tls_version().empty())
    say(cb, fmt::format("TLS connection using {}", o.conn->tls_version()));
  co_return acquired{{}, std::move(o.conn)};
}

// An idle connection to `origin` that is still open; closed ones are dropped on the way.
std::optional<client::acquired> client::take_idle(const std::string& origin,
                                                  const callbacks& cb) {
  for (auto it = idle_.begin(); it != idle_.end();) {
    if ((*it)->origin() != origin) {
      ++it;
      continue;
    }
    auto conn = std::move(*it);
    it = idle_.erase(it);
    if (conn->idle_alive()) {
      say(cb, fmt::format("Re-using existing connection #{} with host {}", conn->id(),
                          conn->host()));
      return acquired{{}, std::move(conn)};
    }
    say(cb, fmt::format("Connection #{} was closed by the server", conn->id()));
  }
  return std::nullopt;
}

void client::release(std::unique_ptr<connection> conn, const callbacks& cb) {
  if (!conn->reusable()) {
    say(cb, fmt::format("Closing connection #{}", conn->id()));
    return;
  }
  say(cb, fmt::format("Connection #{} to host {} left intact", conn->id(), conn->host()));
  idle_.push_back(std::move(conn));
  if (idle_.size() > opts_.max_idle) idle_.erase(idle_.begin());
}

void client::fail(result& r, connection::status st) const {
  r.ec = timed_out_ ? make_error_code(error::timed_out) : st.ec;
  r.where = st.where;
  r.context = std::move(st.context);
}

std::chrono::milliseconds client::time_left() const {
  if (deadline_at_ == std::chrono::steady_clock::time_point::max())
    return std::chrono::milliseconds::max();
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline_at_ -
                                                                std::chrono::steady_clock::now());
}

}  // namespace l7::http::client
