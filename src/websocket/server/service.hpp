// WebSocket on the HTTP service (ws:// on http, wss:// on https): the opening handshake in an
// HTTP route handler, then a `connection` on the same stream. Registers the built-in endpoints
// (endpoints.hpp) and lets other services (MQTT over WebSocket, the dashboard) serve their own
// application at their own path through serve().
// One instance per process, shared by every worker; lives as long as the HTTP service.
#pragma once

#include <atomic>
#include <memory>

#include "http/server/exchange.hpp"
#include "http/server/router.hpp"
#include "websocket/codec/handshake.hpp"
#include "websocket/server/endpoints.hpp"
#include "websocket/server/hub.hpp"
#include "websocket/server/settings.hpp"

namespace l7::app {
class gauge;
class counter;
}  // namespace l7::app

namespace l7::websocket::server {

class service {
 public:
  explicit service(settings s);
  service(const service&) = delete;
  service& operator=(const service&) = delete;

  // Adds the enabled built-in endpoints to `r` (each path and everything below it).
  void add_routes(http::server::router& r);

  // Answers a WebSocket handshake on `ex` and serves `app` until the connection closes.
  // A plain GET (no Upgrade) gets 426 with an explanation; a broken handshake gets the status
  // RFC 6455 §4.2.1 calls for (websocket::status_for).
  net::awaitable<void> serve(http::server::exchange& ex, application& app);

  hub& fanout() { return hub_; }
  const settings& config() const { return settings_; }
  const compression_budget& budget() const { return budget_; }

 private:
  settings settings_;
  compression_budget budget_;
  server_options handshake_;
  server_options plain_handshake_;  // the same without permessage-deflate
  connection_context context_;
  hub hub_;
  echo_app echo_;
  chat_app chat_;
  pubsub_app pubsub_;
  std::atomic<std::uint64_t> next_id_{1};
  app::counter* refused_ = nullptr;
};

}  // namespace l7::websocket::server
