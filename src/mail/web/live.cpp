// Live mail: /api/mail/wait (long poll) and /api/mail/events (Server-Sent Events). Both wait
// on a doorbell (wake_signal) that the capture folder's watch callback rings: no polling.
#include <chrono>
#include <cstdlib>

#include "core/text.hpp"
#include "mail/web/handlers.hpp"
#include "mail/web/message_filter.hpp"
#include "mail/web/respond.hpp"

namespace l7::mail::web::detail {
namespace {

using steady = std::chrono::steady_clock;
using json = nlohmann::json;

constexpr double max_timeout_seconds = 300;

// timeout=SECONDS (decimals allowed), default 30, at most 300; nullopt when malformed.
std::optional<std::chrono::milliseconds> wait_timeout(const exchange& ex) {
  auto v = ex.query_param("timeout");
  if (!v || v->empty()) return std::chrono::milliseconds(30'000);
  char* end = nullptr;
  const double seconds = std::strtod(v->c_str(), &end);
  if (end != v->c_str() + v->size() || !(seconds >= 0 && seconds <= max_timeout_seconds)) return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
}

// The first UID that counts as new: since=ID -> ID + 1; include_existing=1 -> every message;
// otherwise the folder's UIDNEXT when the request began. nullopt: since= is malformed.
std::optional<std::uint32_t> first_uid(const exchange& ex, std::uint32_t uidnext) {
  if (auto since = ex.query_param("since"); since && !since->empty()) {
    auto n = parse_uint(*since);
    if (!n || *n >= 0xffffffffu) return std::nullopt;
    return static_cast<std::uint32_t>(*n + 1);
  }
  const auto existing = ex.query_param("include_existing");
  if (existing && (*existing == "1" || *existing == "true")) return 1;
  return uidnext;
}

// The oldest matching message at or after `first` (list is newest first), or null.
const message_summary* oldest_match(const std::vector<message_summary>& list, const message_filter& f,
                                    std::uint32_t first) {
  for (auto it = list.rbegin(); it != list.rend(); ++it)
    if (it->id >= first && f.matches(*it)) return &*it;
  return nullptr;
}

}  // namespace

net::awaitable<void> serve_wait(exchange& ex, inbox& in) {
  const auto timeout = wait_timeout(ex);
  if (!timeout) co_return co_await respond_error(ex, 400, "timeout is a number of seconds, 0 to 300");
  // The HTTP service closes a connection whose handler runs past its io_timeout: stay below.
  const auto deadline = steady::now() + std::min(*timeout, in.config().max_wait);
  auto param = [&](std::string_view name) { return ex.query_param(name); };
  const auto filter = message_filter::from_query(param);
  auto executor = co_await asio::this_coro::executor;
  // Subscribed before the first look, so nothing delivered after it goes unnoticed.
  const auto bell = in.subscribe(executor);
  std::vector<message_summary> list;
  std::uint32_t uidnext = 1;
  auto work = [&] { return in.list(list, &uidnext); };
  auto ec = co_await in.run(work);
  if (ec) co_return co_await respond_store_error(ex, ec);
  const auto first = first_uid(ex, uidnext);
  if (!first) co_return co_await respond_error(ex, 400, "since is a message id (UID)");
  for (;;) {
    if (const auto* found = oldest_match(list, filter, *first)) {
      const auto body = summary_json(*found);
      co_return co_await respond_json(ex, 200, body);
    }
    if (in.stopping()) co_return co_await respond_error(ex, 503, "the server is stopping");
    if (steady::now() >= deadline) co_return co_await respond_error(ex, 408, "no matching message arrived in time");
    co_await bell->wait_until(deadline);
    ec = co_await in.run(work);
    if (ec) co_return co_await respond_store_error(ex, ec);
  }
}

net::awaitable<void> serve_events(exchange& ex, inbox& in) {
  auto executor = co_await asio::this_coro::executor;
  const auto bell = in.subscribe(executor);
  http::response_head head;
  head.headers.add("Content-Type", "text/event-stream");
  head.headers.add("Cache-Control", "no-store");
  if (co_await ex.begin(std::move(head), std::nullopt)) co_return;
  // The head goes out with the first bytes (exchange.hpp): send some at once.
  std::string_view chunk = "retry: 2000\n: l7 mail events\n\n";
  while (!in.stopping()) {
    const auto bytes = std::as_bytes(std::span(chunk.data(), chunk.size()));
    if (co_await ex.write(bytes)) co_return;
    const auto until = steady::now() + in.config().keepalive;
    const bool rung = co_await bell->wait_until(until);
    // One event however many changes rang: the page reloads the list.
    chunk = rung ? "event: change\ndata: {}\n\n" : ": keepalive\n\n";
  }
  co_await ex.finish();
}

}  // namespace l7::mail::web::detail
