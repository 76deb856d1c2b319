// Settings of the WebSocket endpoints on the HTTP service, from the `[websocket]` config
// section (docs/websocket.md lists every key with its default).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "websocket/codec/extensions.hpp"

namespace l7::app {
struct config;
}

namespace l7::websocket::server {

struct settings {
  bool enabled = true;
  std::string echo_path = "/ws/echo";      // "" turns an endpoint off
  std::string chat_path = "/ws/chat";      // rooms: /ws/chat/<room> or ?room=<room>
  std::string pubsub_path = "/ws/pubsub";  // topic publish/subscribe (JSON commands)
  std::vector<std::string> protocols = {"chat", "echo"};  // subprotocols we accept
  std::vector<std::string> allowed_origins;  // empty: any origin
  std::uint64_t max_message = 64ull << 20;   // 1009 beyond
  std::size_t send_buffer = 1 << 20;         // queued bytes above which send() backpressures
  std::size_t max_send_queue = 16 << 20;     // above: the message is dropped, the peer closed (1013)
  std::chrono::milliseconds ping_interval{30'000};  // silence before we ping; 0: never
  std::chrono::milliseconds pong_timeout{30'000};   // no answer to a ping: the peer is dead
  std::chrono::milliseconds close_timeout{5'000};   // wait for the peer's close frame / EOF
  deflate_policy deflate;                           // permessage-deflate (RFC 7692)
  std::size_t deflate_threshold = 64;               // smaller messages go out uncompressed
  std::size_t deflate_memory = 256ull << 20;        // zlib memory across all connections
  bool trace = false;                               // l7 serve --trace: log frames
};

// Reads `[websocket]`; throws app::config_error on a bad value.
settings load_settings(const app::config& cfg, bool trace);

}  // namespace l7::websocket::server
