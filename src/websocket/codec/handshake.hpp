// The opening handshake (RFC 6455 §4) for both roles, on the HTTP codec's message types.
// No I/O: the server checks a parsed request and gets the response head to send; the client
// builds its request and checks the parsed response.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "http/codec/message.hpp"
#include "websocket/codec/extensions.hpp"

namespace l7::websocket {

// base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")) (§4.2.2 item 5.4).
std::string accept_key(std::string_view key);
// A fresh Sec-WebSocket-Key: 16 random bytes, base64 (§4.1 item 7).
std::string make_key();

// True when the request asks for a WebSocket at all (GET with "Upgrade: websocket"), so a
// server can tell a plain GET of a WebSocket path (answer 426) from a broken handshake (400).
bool is_upgrade_request(const http::request_head& req);

struct server_options {
  std::vector<std::string> protocols;  // subprotocols we speak, in our order of preference
  deflate_policy deflate;
  // Origin policy (§4.2.2 item 4, §10.2): called with the Origin field ("" when absent);
  // false refuses the handshake with 403. Null: every origin is allowed.
  std::function<bool(std::string_view origin)> origin_allowed;
};

struct server_accept {
  http::response_head response;  // 101 with Upgrade, Connection, Sec-WebSocket-Accept, ...
  std::string protocol;          // chosen subprotocol, or empty
  std::optional<deflate_params> deflate;
};

// Checks the request (§4.2.1) and builds the 101 response (§4.2.2). On failure `ec` is set and
// the result holds the error response to send instead (status_for(ec), with
// "Sec-WebSocket-Version: 13" for a version mismatch, §4.4).
server_accept accept(const http::request_head& req, const server_options& opt, std::error_code& ec);

struct client_options {
  std::string host;    // Host field value ("example.com:8080")
  std::string target;  // request target ("/chat?room=a")
  std::string origin;  // Origin field; empty: none
  std::vector<std::string> protocols;
  std::optional<deflate_offer> deflate;
  http::fields headers;  // extra fields (-H)
};

http::request_head client_request(const client_options& opt, std::string_view key);

struct client_accept {
  std::string protocol;
  std::optional<deflate_params> deflate;
};

// Checks the server's response to client_request(opt, key) (§4.1 "the client MUST validate").
client_accept check_response(const http::response_head& res, std::string_view key,
                             const client_options& opt, std::error_code& ec);

}  // namespace l7::websocket
