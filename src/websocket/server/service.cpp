#include "websocket/server/service.hpp"

#include "app/log.hpp"
#include "app/metrics.hpp"
#include "core/bytes.hpp"
#include "core/text.hpp"
#include "websocket/codec/error.hpp"

namespace l7::websocket::server {

service::service(settings s)
    : settings_(std::move(s)),
      budget_(settings_.deflate_memory),
      chat_(hub_, settings_.chat_path),
      pubsub_(hub_) {
  handshake_.protocols = settings_.protocols;
  handshake_.deflate = settings_.deflate;
  if (!settings_.allowed_origins.empty()) {
    // Browsers always send Origin (RFC 6455 §10.2); other clients may leave it out.
    handshake_.origin_allowed = [list = settings_.allowed_origins](std::string_view origin) {
      if (origin.empty()) return true;
      for (const auto& o : list)
        if (iequals(o, origin)) return true;
      return false;
    };
  }
  plain_handshake_ = handshake_;
  plain_handshake_.deflate.enabled = false;
  context_.config = &settings_;
  context_.budget = &budget_;
  if (settings_.trace) context_.trace = app::logger("trace");
  auto& reg = app::metrics();
  context_.open = &reg.gauge_metric("l7_websocket_connections", "Open WebSocket connections");
  refused_ = &reg.counter_metric("l7_websocket_handshakes_refused_total",
                                 "WebSocket handshakes answered with an error status");
}

void service::add_routes(http::server::router& r) {
  if (!settings_.enabled) return;
  auto add = [&](const std::string& path, application& app) {
    if (path.empty()) return;
    auto fn = [this, &app](http::server::exchange& ex) { return serve(ex, app); };
    r.add({"GET"}, path, fn);
    r.add_prefix({"GET"}, path + "/", fn);
  };
  add(settings_.echo_path, echo_);
  add(settings_.chat_path, chat_);
  add(settings_.pubsub_path, pubsub_);
}

net::awaitable<void> service::serve(http::server::exchange& ex, application& app) {
  const auto& req = ex.request();
  if (!is_upgrade_request(req)) {
    http::response_head h;
    h.status = 426;  // RFC 9110 §15.5.22: say which protocol to upgrade to
    h.headers.add("Upgrade", "websocket");
    h.headers.add("Connection", "Upgrade");
    h.headers.add("Sec-WebSocket-Version", "13");
    h.headers.add("Content-Type", "text/plain; charset=utf-8");
    refused_->inc();
    co_await ex.respond(std::move(h), "This is a WebSocket endpoint (RFC 6455): connect with a "
                                      "WebSocket client, e.g. `l7 ws ws://host:port/ws/echo`.\n");
    co_return;
  }
  std::error_code ec;
  // Past the compression memory cap, new connections are offered no permessage-deflate
  // (RFC 7692 lets a server decline); running ones keep theirs.
  bool room = budget_.would_fit(settings_.deflate.max_window_bits, 15);
  auto accepted = accept(req, room ? handshake_ : plain_handshake_, ec);
  if (ec) {
    refused_->inc();
    accepted.response.headers.add("Content-Type", "text/plain; charset=utf-8");
    co_await ex.respond(std::move(accepted.response), ec.message() + "\n");
    co_return;
  }
  if (co_await ex.respond(std::move(accepted.response), "")) co_return;

  // The HTTP session ends when we return; the connection is the WebSocket's from here on.
  auto raw = ex.upgrade();
  connection_info info{std::string(ex.path()), std::string(ex.query()),
                       net::to_ip(ex.remote().address()).to_string(), accepted.protocol};
  auto c = std::make_shared<connection>(std::move(raw.connection), raw.worker, context_, app,
                                        std::move(info), next_id_.fetch_add(1, std::memory_order_relaxed));
  if (accepted.deflate) c->enable_deflate(*accepted.deflate);
  // What the client sent after its handshake belongs to the WebSocket.
  c->start(as_bytes(raw.early));
}

}  // namespace l7::websocket::server
