#include "websocket/codec/error.hpp"

#include <string>

namespace l7::websocket {
namespace {

class category_impl : public std::error_category {
 public:
  const char* name() const noexcept override { return "l7.websocket"; }

  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::reserved_bits: return "reserved bits set without a negotiated extension";
      case error::reserved_opcode: return "reserved opcode";
      case error::unmasked_frame: return "client frame is not masked";
      case error::masked_frame: return "server frame is masked";
      case error::bad_length: return "payload length has its most significant bit set";
      case error::control_too_long: return "control frame payload over 125 bytes";
      case error::control_fragmented: return "fragmented control frame";
      case error::unexpected_continuation: return "continuation frame without a message to continue";
      case error::expected_continuation: return "new message inside a fragmented message";
      case error::bad_close_payload: return "close frame with a 1-byte payload";
      case error::bad_close_code: return "invalid close code";
      case error::invalid_utf8: return "invalid UTF-8 in a text message or close reason";
      case error::message_too_big: return "message too big";
      case error::bad_compressed_data: return "compressed message does not inflate";
      case error::not_get: return "WebSocket handshake needs GET";
      case error::bad_http_version: return "WebSocket handshake needs HTTP/1.1";
      case error::missing_upgrade: return "missing \"Upgrade: websocket\"";
      case error::missing_connection: return "missing \"Connection: Upgrade\"";
      case error::bad_key: return "missing or invalid Sec-WebSocket-Key";
      case error::bad_version: return "unsupported Sec-WebSocket-Version (13 is supported)";
      case error::bad_extensions: return "malformed Sec-WebSocket-Extensions";
      case error::origin_refused: return "origin not allowed";
      case error::bad_status: return "server did not switch protocols";
      case error::bad_accept: return "missing or wrong Sec-WebSocket-Accept";
      case error::bad_protocol: return "server chose a subprotocol that was not offered";
      case error::bad_extension_response: return "server answered with an extension that was not offered";
    }
    return "unknown l7.websocket error";
  }
};

}  // namespace

const std::error_category& category() {
  static const category_impl instance;
  return instance;
}

std::error_code make_error_code(error e) { return {static_cast<int>(e), category()}; }

std::uint16_t close_code_for(std::error_code ec) {
  if (ec == error::invalid_utf8 || ec == error::bad_compressed_data) return 1007;
  if (ec == error::message_too_big) return 1009;
  return 1002;
}

int status_for(std::error_code ec) {
  if (ec == error::not_get) return 405;
  if (ec == error::bad_version) return 426;
  if (ec == error::origin_refused) return 403;
  return 400;
}

}  // namespace l7::websocket
