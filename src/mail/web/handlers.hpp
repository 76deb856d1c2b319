// The web inbox's route handlers (namespace detail); routes.cpp wires them to paths behind
// the address check. Each answers exactly once; store work runs on the inbox's pool.
#pragma once

#include "http/server/exchange.hpp"
#include "mail/web/inbox.hpp"

namespace l7::mail::web::detail {

using http::server::exchange;

net::awaitable<void> serve_list(exchange& ex, inbox& in);     // GET /api/mail/messages
net::awaitable<void> serve_purge(exchange& ex, inbox& in);    // DELETE /api/mail/messages
net::awaitable<void> serve_message(exchange& ex, inbox& in);  // /api/mail/messages/{id}[/...]
net::awaitable<void> serve_wait(exchange& ex, inbox& in);     // GET /api/mail/wait (live.cpp)
net::awaitable<void> serve_events(exchange& ex, inbox& in);   // GET /api/mail/events (live.cpp)
net::awaitable<void> serve_page(exchange& ex, inbox& in);     // GET /mail/... (page.cpp)

}  // namespace l7::mail::web::detail
