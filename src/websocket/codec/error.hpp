// Errors of the WebSocket codec (RFC 6455, RFC 7692). Frame and message errors fail the
// connection with the close code close_code_for() names (§7.4.1); handshake errors are answered
// with the HTTP status status_for() names (§4.2.1) by a server, and end the attempt in a client.
#pragma once

#include <cstdint>
#include <system_error>

namespace l7::websocket {

enum class error {
  // Framing (RFC 6455 §5) -> 1002 unless noted.
  reserved_bits = 1,       // RSV1-3 set without an extension that defines them (§5.2)
  reserved_opcode,         // opcode 3-7 or B-F (§5.2)
  unmasked_frame,          // client-to-server frame without a mask (§5.1)
  masked_frame,            // server-to-client frame with a mask (§5.1)
  bad_length,              // 64-bit length with the most significant bit set (§5.2)
  control_too_long,        // control frame payload over 125 bytes (§5.5)
  control_fragmented,      // control frame with FIN clear (§5.5)
  unexpected_continuation, // continuation frame outside a fragmented message (§5.4)
  expected_continuation,   // new data frame inside a fragmented message (§5.4)
  bad_close_payload,       // close frame with a 1-byte payload (§5.5.1)
  bad_close_code,          // close code that may not be sent (§7.4)
  invalid_utf8,            // text message or close reason that is not UTF-8 (§8.1) -> 1007
  message_too_big,         // message over the configured limit (§7.4.1) -> 1009
  bad_compressed_data,     // permessage-deflate payload that does not inflate (RFC 7692 §6.2) -> 1007
  // Handshake (RFC 6455 §4).
  not_get,                 // 405: method other than GET (§4.2.1 item 1)
  bad_http_version,        // 400: request below HTTP/1.1
  missing_upgrade,         // 400: no "Upgrade: websocket" token (§4.2.1 item 3)
  missing_connection,      // 400: no "Connection: upgrade" token (§4.2.1 item 4)
  bad_key,                 // 400: Sec-WebSocket-Key missing or not 16 bytes of base64 (§4.2.1 item 5)
  bad_version,             // 426: Sec-WebSocket-Version other than 13 (§4.2.2)
  bad_extensions,          // 400: malformed Sec-WebSocket-Extensions (RFC 7692 §5)
  origin_refused,          // 403: the origin policy said no (§4.2.2)
  bad_status,              // client: the response was not 101 (§4.1)
  bad_accept,              // client: Sec-WebSocket-Accept missing or wrong (§4.1)
  bad_protocol,            // client: a subprotocol we did not offer (§4.1)
  bad_extension_response,  // client: an extension or parameter we did not offer (§4.1, RFC 7692 §7)
};

const std::error_category& category();
std::error_code make_error_code(error e);

// Close code a endpoint sends when it fails the connection for this error (RFC 6455 §7.4.1):
// 1002 protocol error, 1007 invalid payload data, 1009 message too big.
std::uint16_t close_code_for(std::error_code ec);
// HTTP status a server answers a failed handshake with: 400, 403, 405 or 426.
int status_for(std::error_code ec);

}  // namespace l7::websocket

template <>
struct std::is_error_code_enum<l7::websocket::error> : std::true_type {};
