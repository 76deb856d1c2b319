#include "mail/web/routes.hpp"

#include <limits>

#include "core/text.hpp"
#include "mail/codec/params.hpp"
#include "mail/web/handlers.hpp"
#include "mail/web/message_filter.hpp"
#include "mail/web/respond.hpp"

namespace l7::mail::web {
namespace detail {
namespace {

using json = nlohmann::json;
constexpr std::string_view messages_path = "/api/mail/messages";

// An optional decimal query parameter: false when present but not a number in 0..max.
bool count_param(const exchange& ex, std::string_view name, std::uint64_t max, std::uint64_t& out) {
  auto v = ex.query_param(name);
  if (!v || v->empty()) return true;
  auto n = parse_uint(*v);
  if (!n || *n > max) return false;
  out = *n;
  return true;
}

// "latest" is 0 (inbox::read's newest); nullopt when malformed.
std::optional<std::uint32_t> parse_id(std::string_view text) {
  if (text == "latest") return 0;
  auto n = parse_uint(text);
  if (!n || *n == 0 || *n > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
  return static_cast<std::uint32_t>(*n);
}

// The message's bytes, sent as stored.
net::awaitable<void> serve_raw(exchange& ex, std::uint32_t uid, const std::string& raw) {
  http::response_head head;
  head.headers.add("Content-Type", "message/rfc822");
  head.headers.add("Content-Disposition", "inline; filename=\"" + std::to_string(uid) + ".eml\"");
  add_untrusted_headers(head);
  co_await ex.respond(std::move(head), raw);
}

net::awaitable<void> serve_html(exchange& ex, const std::string& raw) {
  auto html = html_body(raw);
  if (!html) co_return co_await respond_error(ex, 404, "the message has no HTML part");
  http::response_head head;
  head.headers.add("Content-Type", "text/html; charset=utf-8");
  add_untrusted_headers(head);
  co_await ex.respond(std::move(head), *html);
}

net::awaitable<void> serve_part(exchange& ex, std::uint32_t uid, const std::string& raw, std::string_view number) {
  auto part = find_part(raw, number);
  if (!part) co_return co_await respond_error(ex, 404, "no such part");
  http::response_head head;
  head.headers.add("Content-Type", part->content_type);
  std::string name = part->filename;
  if (name.empty()) name = std::to_string(uid) + "-" + std::string(number) + ".bin";
  // RFC 6266 §4: RFC 8187 filename* for non-ASCII names (the codec's RFC 2231 form).
  head.headers.add("Content-Disposition", format_param_header("attachment", {{"filename", name}}));
  add_untrusted_headers(head);
  co_await ex.respond(std::move(head), part->body);
}

net::awaitable<void> serve_delete(exchange& ex, inbox& in, std::uint32_t uid) {
  auto work = [&] { return in.remove(uid); };
  const auto ec = co_await in.run(work);
  if (ec) co_return co_await respond_store_error(ex, ec);
  const json body{{"deleted", 1}};
  co_await respond_json(ex, 200, body);
}

net::awaitable<void> serve_detail(exchange& ex, inbox& in, std::uint32_t uid) {
  json body;
  auto work = [&]() -> std::error_code {
    message_record rec;
    std::string raw;
    if (auto ec = in.read(uid, rec, raw)) return ec;
    body = detail_json(rec, raw);  // MIME and charset decoding: on the pool too
    return {};
  };
  const auto ec = co_await in.run(work);
  if (ec) co_return co_await respond_store_error(ex, ec);
  co_await respond_json(ex, 200, body);
}

}  // namespace

net::awaitable<void> serve_list(exchange& ex, inbox& in) {
  auto param = [&](std::string_view name) { return ex.query_param(name); };
  const auto filter = message_filter::from_query(param);
  std::uint64_t limit = 100, offset = 0;
  if (!count_param(ex, "limit", 10000, limit) || !count_param(ex, "offset", 1u << 30, offset))
    co_return co_await respond_error(ex, 400, "limit and offset are counts (limit at most 10000)");
  std::vector<message_summary> all;
  auto work = [&] { return in.list(all); };
  const auto ec = co_await in.run(work);
  if (ec) co_return co_await respond_store_error(ex, ec);
  auto messages = json::array();
  std::uint64_t matched = 0;
  for (const auto& s : all) {
    if (!filter.matches(s)) continue;
    if (matched >= offset && messages.size() < limit) messages.push_back(summary_json(s));
    ++matched;
  }
  const json body{{"total", all.size()}, {"matched", matched}, {"offset", offset},
                  {"limit", limit},      {"messages", std::move(messages)}};
  co_await respond_json(ex, 200, body);
}

net::awaitable<void> serve_purge(exchange& ex, inbox& in) {
  std::size_t removed = 0;
  auto work = [&] { return in.purge(removed); };
  const auto ec = co_await in.run(work);
  if (ec) co_return co_await respond_store_error(ex, ec);
  const json body{{"deleted", removed}};
  co_await respond_json(ex, 200, body);
}

net::awaitable<void> serve_message(exchange& ex, inbox& in) {
  const auto rest = ex.path().substr(messages_path.size() + 1);
  const auto segments = split(rest, '/');
  const auto id = parse_id(segments[0]);
  if (!id) co_return co_await respond_error(ex, 400, "a message id is a UID (a positive number) or \"latest\"");
  const bool is_delete = ex.method() == "DELETE";
  if (segments.size() == 1 && is_delete) co_return co_await serve_delete(ex, in, *id);
  if (segments.size() == 1) co_return co_await serve_detail(ex, in, *id);
  const bool raw_route = segments.size() == 2 && (segments[1] == "raw" || segments[1] == "html");
  const bool part_route = segments.size() == 3 && segments[1] == "parts";
  if (!raw_route && !part_route) co_return co_await respond_error(ex, 404, "no such resource");
  if (is_delete) co_return co_await respond_error(ex, 405, "only the message itself can be deleted");
  message_record rec;
  std::string raw;
  auto work = [&] { return in.read(*id, rec, raw); };
  const auto ec = co_await in.run(work);
  if (ec) co_return co_await respond_store_error(ex, ec);
  if (part_route) co_return co_await serve_part(ex, rec.uid, raw, segments[2]);
  if (segments[1] == "raw") co_return co_await serve_raw(ex, rec.uid, raw);
  co_await serve_html(ex, raw);
}

}  // namespace detail

namespace {

using detail::exchange;
using handler_fn = net::awaitable<void> (*)(exchange&, inbox&);

net::awaitable<void> serve_guarded(exchange& ex, inbox& in, handler_fn fn) {
  if (!detail::allowed(ex, in)) {
    co_await detail::respond_error(ex, 403, "the mail inbox is not available from this address (mail.web_allow)");
    co_return;
  }
  co_await fn(ex, in);
}

http::server::handler guarded(const std::shared_ptr<inbox>& in, handler_fn fn) {
  return [in, fn](exchange& ex) { return serve_guarded(ex, *in, fn); };
}

net::awaitable<void> serve_by_method(exchange& ex, inbox& in) {
  if (ex.method() == "DELETE") return detail::serve_purge(ex, in);
  return detail::serve_list(ex, in);
}

net::awaitable<void> redirect_to_inbox(exchange& ex, inbox&) {
  http::response_head head;
  head.status = 308;  // RFC 9110 §15.4.9
  head.headers.add("Location", "/mail/");
  co_await ex.respond(std::move(head), "");
}

}  // namespace

void add_routes(http::server::router& router, std::shared_ptr<mail::store> store, settings s, net::runtime& rt) {
  if (!s.web) return;
  auto in = std::make_shared<inbox>(std::move(store), std::move(s));
  in->watch_stops(rt);
  const std::string messages(detail::messages_path);
  router.add({"GET", "HEAD", "DELETE"}, messages, guarded(in, serve_by_method));
  router.add_prefix({"GET", "HEAD", "DELETE"}, messages + "/", guarded(in, detail::serve_message));
  router.add({"GET"}, "/api/mail/wait", guarded(in, detail::serve_wait));
  router.add({"GET"}, "/api/mail/events", guarded(in, detail::serve_events));
  router.add({"GET", "HEAD"}, "/mail", guarded(in, redirect_to_inbox));
  router.add_prefix({"GET", "HEAD"}, "/mail/", guarded(in, detail::serve_page));
}

}  // namespace l7::mail::web
