// Sans-I/O WebSocket sender (RFC 6455 §5, RFC 7692 §7.2.1): encodes messages and control frames
// into a caller-provided string (appending). A client masks every frame with a fresh key from
// the system CSPRNG (§5.3); a server never masks (§5.1). With permessage-deflate enabled,
// messages of at least `threshold` bytes are compressed and marked with RSV1 (RFC 7692 §6);
// smaller ones go out as they are.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "websocket/codec/deflate.hpp"
#include "websocket/codec/frame.hpp"

namespace l7::websocket {

class writer {
 public:
  explicit writer(role r) : role_(r) {}

  // `own_window_bits` / `own_no_context_takeover`: our side's negotiated parameters
  // (server_* for a server, client_* for a client).
  void enable_deflate(int own_window_bits, bool own_no_context_takeover, std::size_t threshold,
                      compression_budget* budget = nullptr, int level = 6);
  bool deflate_enabled() const { return deflater_ != nullptr; }

  // One whole message. fragment_size > 0 splits the payload into frames of at most that many
  // bytes (after compression) (§5.4).
  void message(opcode op, std::span<const std::byte> payload, std::string& out,
               std::size_t fragment_size = 0);
  void text(std::string_view payload, std::string& out);
  void binary(std::span<const std::byte> payload, std::string& out);

  // Control frames (§5.5): payloads over 125 bytes are a broken precondition (std::length_error).
  void ping(std::span<const std::byte> payload, std::string& out);
  void pong(std::span<const std::byte> payload, std::string& out);
  // code 1005 sends an empty close frame; the reason is cut to 123 bytes on a UTF-8 boundary.
  void close(std::uint16_t code, std::string_view reason, std::string& out);

  // Any frame exactly as given (masking follows the role). For tests and fault injection.
  void frame(frame_header h, std::span<const std::byte> payload, std::string& out);

  std::size_t memory() const { return deflater_ ? deflater_->memory() : 0; }

 private:
  role role_;
  std::unique_ptr<deflater> deflater_;
  std::size_t threshold_ = 0;
  std::string scratch_;  // compressed payload
};

}  // namespace l7::websocket
