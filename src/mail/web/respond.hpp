// Small answers shared by the web inbox's handlers (namespace detail): JSON bodies, JSON
// errors ({"error": "..."}), the address check, and the security headers of content that
// comes from captured mail.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "http/server/exchange.hpp"
#include "mail/web/inbox.hpp"

namespace l7::mail::web::detail {

net::awaitable<void> respond_json(http::server::exchange& ex, int status, const nlohmann::json& body);
net::awaitable<void> respond_error(http::server::exchange& ex, int status, std::string_view message);
// Maps a store error to 404 (no such message) or 500.
net::awaitable<void> respond_store_error(http::server::exchange& ex, std::error_code ec);

// False (and answers 403) when the client's address is outside the allowed prefixes.
bool allowed(const http::server::exchange& ex, const inbox& in);

// Content from a message must never run as the inbox's origin: a CSP sandbox without
// scripts or remote loads, no MIME sniffing.
void add_untrusted_headers(http::response_head& head);

}  // namespace l7::mail::web::detail
