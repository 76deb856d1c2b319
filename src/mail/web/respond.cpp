#include "mail/web/respond.hpp"

#include "mail/store/error.hpp"

namespace l7::mail::web::detail {

net::awaitable<void> respond_json(http::server::exchange& ex, int status, const nlohmann::json& body) {
  http::response_head head;
  head.status = status;
  head.headers.add("Content-Type", "application/json");
  head.headers.add("Cache-Control", "no-store");
  const auto text = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  co_await ex.respond(std::move(head), text);
}

net::awaitable<void> respond_error(http::server::exchange& ex, int status, std::string_view message) {
  const nlohmann::json body{{"error", std::string(message)}, {"status", status}};
  co_await respond_json(ex, status, body);
}

net::awaitable<void> respond_store_error(http::server::exchange& ex, std::error_code ec) {
  if (ec == store_error::no_such_message) {
    co_await respond_error(ex, 404, "no such message");
    co_return;
  }
  const auto text = "the capture mailbox failed: " + ec.message();
  co_await respond_error(ex, 500, text);
}

bool allowed(const http::server::exchange& ex, const inbox& in) {
  return in.config().allow.contains(net::to_ip(ex.remote().address()));
}

void add_untrusted_headers(http::response_head& head) {
  head.headers.add("Content-Security-Policy",
                   "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                   "font-src data:; frame-ancestors 'self'; form-action 'none'");
  head.headers.add("X-Content-Type-Options", "nosniff");
  head.headers.add("Referrer-Policy", "no-referrer");
  head.headers.add("Cache-Control", "no-store");
}

}  // namespace l7::mail::web::detail
