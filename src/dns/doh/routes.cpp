#include "dns/doh/routes.hpp"

#include <memory>

#include "core/bytes.hpp"
#include "dns/doh/httpdns.hpp"
#include "dns/doh/json_api.hpp"
#include "dns/doh/wire.hpp"
#include "http/server/exchange.hpp"

namespace l7::dns::doh {
namespace {

using http::server::exchange;

server::query_context context_for(const exchange& ex, server::transport via) {
  return {net::to_ip(ex.remote().address()), via};
}

// Plain-text errors read like the HTTP server's own: "400 Bad Request: why".
net::awaitable<void> respond_text_error(exchange& ex, const request_error& e) {
  std::string body = std::to_string(e.status) + " " + std::string(http::reason_phrase(e.status)) +
                     ": " + e.message + "\n";
  co_await ex.respond(e.status, "text/plain; charset=utf-8", body);
}

http::response_head head_for(std::string_view content_type, std::optional<std::uint32_t> max_age) {
  http::response_head head;
  head.headers.add("Content-Type", content_type);
  if (max_age) head.headers.add("Cache-Control", "max-age=" + std::to_string(*max_age));
  return head;
}

// RFC 8484 §4.1: the query in `dns=` (GET) or the body (POST).
net::awaitable<void> serve_doh(exchange& ex, const server::resolve_fn& resolve) {
  std::vector<std::byte> wire;
  if (ex.method() == "GET") {
    auto params = query_params::parse(ex.query());
    if (!params) co_return co_await respond_text_error(ex, params.error());
    auto decoded = decode_dns_param(params->get("dns"));
    if (!decoded) co_return co_await respond_text_error(ex, decoded.error());
    wire = std::move(*decoded);
  } else {
    if (auto e = check_content_type(ex.request().headers.get("Content-Type")))
      co_return co_await respond_text_error(ex, *e);
    std::string body;
    // Over the cap the exchange answers 413 itself (and 400 for bad framing).
    if (co_await ex.read_body(body, max_message_size)) co_return;
    const auto b = as_bytes(body);
    wire.assign(b.begin(), b.end());
  }
  auto query = parse_query(wire);
  if (!query) co_return co_await respond_text_error(ex, query.error());
  message response = co_await resolve(*query, context_for(ex, server::transport::doh));
  const auto max_age = cache_max_age(response);
  const auto out = encode_response(std::move(response), *query);
  if (out.empty()) {
    const request_error failure{500, "the DNS response could not be encoded"};
    co_return co_await respond_text_error(ex, failure);
  }
  co_await ex.respond(head_for(dns_message_type, max_age), as_chars(out));
}

net::awaitable<void> serve_json(exchange& ex, const server::resolve_fn& resolve) {
  auto params = query_params::parse(ex.query());
  auto query = params ? parse_json_request(*params) : tl::unexpected(params.error());
  if (!query) {
    co_await ex.respond(query.error().status, json_type, format_json_error(query.error().message));
    co_return;
  }
  message response = co_await resolve(*query, context_for(ex, server::transport::json));
  co_await ex.respond(head_for(json_type, cache_max_age(response)), format_json(response));
}

net::awaitable<void> serve_httpdns(exchange& ex, const server::resolve_fn& resolve) {
  auto params = query_params::parse(ex.query());
  auto request = params ? parse_httpdns_request(*params) : tl::unexpected(params.error());
  if (!request) co_return co_await respond_text_error(ex, request.error());
  const bool batch = request->names.size() > 1;
  std::string body;
  for (const auto& qname : request->names) {
    message response = co_await resolve(make_httpdns_query(*request, qname),
                                        context_for(ex, server::transport::httpdns));
    auto answer = final_addresses(response, qname, request->qtype);
    body += batch ? format_batch_line(qname, answer, request->with_ttl)
                  : format_addresses(answer, request->with_ttl);
  }
  co_await ex.respond(200, "text/plain; charset=utf-8", body);
}

}  // namespace

void add_routes(http::server::router& router, server::resolve_fn resolve, doh_settings settings) {
  auto fn = std::make_shared<const server::resolve_fn>(std::move(resolve));
  if (settings.doh)
    router.add({"GET", "POST"}, settings.doh_path,
               [fn](exchange& ex) { return serve_doh(ex, *fn); });
  if (settings.json)
    router.add({"GET"}, settings.json_path, [fn](exchange& ex) { return serve_json(ex, *fn); });
  if (settings.httpdns)
    router.add({"GET"}, settings.httpdns_path,
               [fn](exchange& ex) { return serve_httpdns(ex, *fn); });
}

}  // namespace l7::dns::doh
