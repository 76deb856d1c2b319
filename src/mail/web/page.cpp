// The inbox page at /mail/: one HTML document, its script and its style sheet, embedded
// here (no CDN, no build step). The script lists /api/mail/messages, opens a message, shows
// its HTML body in an iframe with sandbox="" (and the body is served with a CSP sandbox of
// its own), and reloads the list on every "change" event of /api/mail/events.
#include "mail/web/assets.hpp"
#include "mail/web/handlers.hpp"
#include "mail/web/respond.hpp"

namespace l7::mail::web::detail {
namespace {

struct asset {
  std::string_view path, type, body;
};

// The page's own policy: its script and style only, fetches to this server, frames of this
// server (the sandboxed message bodies).
constexpr std::string_view page_policy =
    "default-src 'self'; img-src 'self' data:; frame-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const asset* find_asset(std::string_view path) {
  static const asset assets[] = {
      {"/mail/", "text/html; charset=utf-8", inbox_html},
      {"/mail/index.html", "text/html; charset=utf-8", inbox_html},
      {"/mail/app.js", "text/javascript; charset=utf-8", inbox_js},
      {"/mail/style.css", "text/css; charset=utf-8", inbox_css},
  };
  for (const auto& a : assets)
    if (a.path == path) return &a;
  return nullptr;
}

}  // namespace

net::awaitable<void> serve_page(exchange& ex, inbox&) {
  const auto* a = find_asset(ex.path());
  if (!a) co_return co_await respond_error(ex, 404, "no such file");
  http::response_head head;
  head.headers.add("Content-Type", a->type);
  head.headers.add("Content-Security-Policy", page_policy);
  head.headers.add("X-Content-Type-Options", "nosniff");
  head.headers.add("Cache-Control", "no-cache");
  co_await ex.respond(std::move(head), a->body);
}

}  // namespace l7::mail::web::detail
