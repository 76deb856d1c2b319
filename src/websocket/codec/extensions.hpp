// Sec-WebSocket-Extensions (RFC 6455 §9.1) and permessage-deflate negotiation (RFC 7692 §7.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/codec/message.hpp"

namespace l7::websocket {

struct extension_param {
  std::string name;
  std::optional<std::string> value;  // unquoted
};

struct extension {
  std::string name;
  std::vector<extension_param> params;
};

// Parses every Sec-WebSocket-Extensions field, in order. nullopt when one is malformed
// (§9.1 grammar: token *(";" token ["=" (token / quoted-string)]), and a quoted value must
// itself be a token).
std::optional<std::vector<extension>> parse_extensions(const http::fields& headers);

// Negotiated permessage-deflate parameters (RFC 7692 §7.1). "server" is the side that accepted
// the WebSocket; each side compresses with its own *_max_window_bits and drops its compression
// context after every message when its *_no_context_takeover is set.
struct deflate_params {
  bool server_no_context_takeover = false;
  bool client_no_context_takeover = false;
  int server_max_window_bits = 15;
  int client_max_window_bits = 15;
};

// What a server is willing to do.
struct deflate_policy {
  bool enabled = true;
  int max_window_bits = 15;             // our compressor's window, 9-15
  bool server_no_context_takeover = false;  // always drop our context (less memory, worse ratio)
  bool client_no_context_takeover = false;  // ask clients to drop theirs
};

// Server side: picks the first acceptable permessage-deflate offer (§7.1: an offer with an
// unknown or repeated parameter, or a value out of range, is declined, not an error).
// Returns the parameters to use and, in `response`, the extension text to answer with.
std::optional<deflate_params> accept_deflate(const std::vector<extension>& offers,
                                             const deflate_policy& policy, std::string& response);

// Client side: the offer we send, and the check of the server's answer to it.
struct deflate_offer {
  bool client_no_context_takeover = false;
  bool server_no_context_takeover = false;
  std::optional<int> server_max_window_bits;  // ask the server for a smaller window
};
std::string offer_text(const deflate_offer& offer);
// nullopt when the answer is not a valid response to `offer` (RFC 7692 §7.1.1-§7.1.2).
std::optional<deflate_params> check_deflate_response(const extension& answer,
                                                     const deflate_offer& offer);

}  // namespace l7::websocket
