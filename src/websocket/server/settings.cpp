#include "websocket/server/settings.hpp"

#include "app/config.hpp"

namespace l7::websocket::server {

settings load_settings(const app::config& cfg, bool trace) {
  settings s;
  constexpr std::string_view sec = "websocket";
  s.enabled = cfg.get_bool(sec, "enabled", s.enabled);
  s.echo_path = cfg.get_string(sec, "echo_path", s.echo_path);
  s.chat_path = cfg.get_string(sec, "chat_path", s.chat_path);
  s.pubsub_path = cfg.get_string(sec, "pubsub_path", s.pubsub_path);
  s.protocols = cfg.get_string_list(sec, "protocols", s.protocols);
  s.allowed_origins = cfg.get_string_list(sec, "allowed_origins", s.allowed_origins);
  s.max_message = cfg.get_size(sec, "max_message", s.max_message);
  s.send_buffer = cfg.get_size(sec, "send_buffer", s.send_buffer);
  s.max_send_queue = cfg.get_size(sec, "max_send_queue", s.max_send_queue);
  s.ping_interval = cfg.get_duration(sec, "ping_interval", s.ping_interval);
  s.pong_timeout = cfg.get_duration(sec, "pong_timeout", s.pong_timeout);
  s.close_timeout = cfg.get_duration(sec, "close_timeout", s.close_timeout);
  s.deflate.enabled = cfg.get_bool(sec, "deflate", s.deflate.enabled);
  s.deflate.max_window_bits = static_cast<int>(cfg.get_int(sec, "deflate_window_bits", s.deflate.max_window_bits, 9, 15));
  s.deflate.server_no_context_takeover =
      cfg.get_bool(sec, "deflate_no_context_takeover", s.deflate.server_no_context_takeover);
  s.deflate_threshold = cfg.get_size(sec, "deflate_threshold", s.deflate_threshold);
  s.deflate_memory = cfg.get_size(sec, "deflate_memory", s.deflate_memory);
  if (s.max_send_queue < s.send_buffer)
    throw app::config_error("websocket.max_send_queue: must be at least send_buffer");
  s.trace = trace;
  return s;
}

}  // namespace l7::websocket::server
