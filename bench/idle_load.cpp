// idle_load: the idle-connection generator of bench/idle_memory.sh. It opens N connections of
// one kind, lets each make one exchange, and keeps them open and silent; meanwhile one more
// connection measures how fast the server still answers.
//
//   idle_load KIND HOST PORT PATH N
//     KIND: http (GET PATH, keep-alive), https (the same over TLS, certificate not checked),
//           ws (RFC 6455 handshake on PATH, then one 32-byte binary echo).
//   Prints "probe before p50_us=.. p99_us=.. max_us=.." (200 sequential exchanges on one
//   connection, before the idle ones exist), then "ready N" once all N made their exchange,
//   then the same probe line ("probe during") with the N connections open, then holds them
//   until stdin closes. Exit status 1 when a connection fails.
//
// Standalone Asio (and asio::ssl for https) with our own HTTP and WebSocket codecs; it does not
// use l7's runtime, so what it measures is the server's.
#include <algorithm>
#include <asio.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/ssl.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/buffer.hpp"
#include "core/bytes.hpp"
#include "http/codec/parser.hpp"
#include "http/codec/serializer.hpp"
#include "websocket/codec/handshake.hpp"
#include "websocket/codec/reader.hpp"
#include "websocket/codec/writer.hpp"

namespace {

namespace ws = l7::websocket;
using asio::ip::tcp;
using clock_type = std::chrono::steady_clock;
using tls_stream = asio::ssl::stream<tcp::socket>;
constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);
constexpr int connectors = 64;     // connections being set up at once
constexpr int probe_rounds = 200;  // exchanges per probe

struct target {
  std::string kind, host, port, path;
  tcp::endpoint endpoint;
  asio::ssl::context* tls = nullptr;
};

// One client connection of any kind; only one of plain/secure is used.
struct peer {
  explicit peer(asio::io_context& io, asio::ssl::context& ctx) : plain(io), secure(io, ctx) {}
  tcp::socket plain;
  tls_stream secure;
  ws::reader rd{ws::role::client};
  ws::writer wr{ws::role::client};
  l7::flat_buffer in{1 << 20};
};

template <typename Stream>
asio::awaitable<std::error_code> write_all(Stream& s, const std::string& data) {
  auto [ec, n] = co_await asio::async_write(s, asio::buffer(data), use_tuple);
  co_return ec;
}

// Feeds l.in to p (a response parser), reading more from s whenever p needs it, until p
// yields an Event (the head, or the end of the message). Bytes behind it stay in l.in.
template <typename Event, typename Stream>
asio::awaitable<std::error_code> read_response_until(Stream& s, peer& l, l7::http::parser& p) {
  for (;;) {
    std::error_code pec;
    l.in.consume(p.parse(l.in.data(), pec));
    if (pec) co_return pec;
    auto ev = p.next();
    if (std::holds_alternative<Event>(ev)) co_return std::error_code{};
    if (!std::holds_alternative<l7::http::need_more>(ev)) continue;
    auto space = l.in.prepare(16384);
    auto [ec, n] = co_await s.async_read_some(asio::buffer(space.data(), space.size()), use_tuple);
    if (ec) co_return ec;
    l.in.commit(n);
  }
}

// One HTTP/1.1 GET on a kept-alive connection; the whole response is read.
template <typename Stream>
asio::awaitable<std::error_code> http_get(Stream& s, peer& l, const target& t) {
  std::string req = "GET " + t.path + " HTTP/1.1\r\nHost: " + t.host + ":" + t.port + "\r\n\r\n";
  if (auto ec = co_await write_all(s, req)) co_return ec;
  l7::http::parser p(l7::http::role::response);
  p.expect_response_to("GET");
  co_return co_await read_response_until<l7::http::end_event>(s, l, p);
}

// RFC 6455 §4.1 handshake, then bytes behind the 101 go to the reader.
asio::awaitable<std::error_code> ws_open(peer& l, const target& t) {
  ws::client_options copt;
  copt.host = t.host + ":" + t.port;
  copt.target = t.path;
  auto key = ws::make_key();
  std::string head;
  l7::http::serialize(ws::client_request(copt, key), head);
  if (auto ec = co_await write_all(l.plain, head)) co_return ec;
  l7::http::parser p(l7::http::role::response);
  p.expect_response_to("GET");
  if (auto ec = co_await read_response_until<l7::http::head_event>(l.plain, l, p)) co_return ec;
  std::error_code hec;
  ws::check_response(p.response(), key, copt, hec);
  if (hec) co_return hec;
  if (!l.in.empty()) l.rd.feed(l.in.data());
  l.in.clear();
  co_return std::error_code{};
}

asio::awaitable<std::error_code> ws_echo(peer& l) {
  static const std::string payload(32, 'e');
  std::string out;
  l.wr.binary(l7::as_bytes(payload), out);
  if (auto ec = co_await write_all(l.plain, out)) co_return ec;
  for (;;) {
    std::error_code ec;
    auto ev = l.rd.next(ec);
    if (ec) co_return ec;
    if (auto* m = std::get_if<ws::message_event>(&ev)) {
      if (l7::as_chars(m->payload) != payload) co_return std::make_error_code(std::errc::bad_message);
      l.rd.shrink_if_idle(0);
      co_return std::error_code{};
    }
    if (!std::holds_alternative<ws::need_more>(ev)) continue;  // pings, pongs: ignored here
    auto space = l.rd.prepare(4096);
    auto [rec, n] = co_await l.plain.async_read_some(asio::buffer(space.data(), space.size()), use_tuple);
    if (rec) co_return rec;
    l.rd.commit(n);
  }
}

asio::awaitable<std::error_code> open(peer& l, const target& t) {
  auto [cec] = co_await l.plain.async_connect(t.endpoint, use_tuple);
  if (cec) co_return cec;
  l.plain.set_option(tcp::no_delay(true));
  if (t.kind == "https") {
    l.secure.next_layer() = std::move(l.plain);
    auto [hec] = co_await l.secure.async_handshake(asio::ssl::stream_base::client, use_tuple);
    co_return hec;
  }
  if (t.kind == "ws") co_return co_await ws_open(l, t);
  co_return std::error_code{};
}

asio::awaitable<std::error_code> exchange(peer& l, const target& t) {
  if (t.kind == "https") co_return co_await http_get(l.secure, l, t);
  if (t.kind == "ws") co_return co_await ws_echo(l);
  co_return co_await http_get(l.plain, l, t);
}

struct run_state {
  std::vector<std::unique_ptr<peer>> links;
  std::size_t next = 0, failed = 0;
  std::string first_error;
};

asio::awaitable<void> connector(run_state& st, const target& t) {
  while (st.next < st.links.size()) {
    peer& l = *st.links[st.next++];
    auto ec = co_await open(l, t);
    if (!ec) ec = co_await exchange(l, t);
    l.in = l7::flat_buffer(1 << 20);  // what is left of us while idle does not matter here
    if (ec && st.failed++ == 0) st.first_error = ec.message();
  }
}

asio::awaitable<void> probe(asio::io_context& io, asio::ssl::context& ctx, const target& t,
                            const char* label, bool& ok) {
  peer l(io, ctx);
  auto ec = co_await open(l, t);
  std::vector<double> us;
  for (int i = 0; i < probe_rounds && !ec; ++i) {
    auto start = clock_type::now();
    ec = co_await exchange(l, t);
    us.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - start).count());
  }
  if (ec) {
    std::printf("probe %s failed: %s\n", label, ec.message().c_str());
    ok = false;
    co_return;
  }
  std::sort(us.begin(), us.end());
  std::printf("probe %s p50_us=%.0f p99_us=%.0f max_us=%.0f\n", label, us[us.size() / 2],
              us[us.size() * 99 / 100], us.back());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: idle_load http|https|ws HOST PORT PATH N\n");
    return 2;
  }
  target t{argv[1], argv[2], argv[3], argv[4], {}, nullptr};
  const auto n = static_cast<std::size_t>(std::stoul(argv[5]));
  asio::io_context io{1};
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);
  t.endpoint = *tcp::resolver(io).resolve(t.host, t.port).begin();
  bool ok = true;
  run_state st;
  for (std::size_t i = 0; i < n; ++i) st.links.push_back(std::make_unique<peer>(io, ctx));

  auto main_task = [&]() -> asio::awaitable<void> {
    co_await probe(io, ctx, t, "before", ok);
    int running = 0;
    for (int i = 0; i < connectors; ++i) {
      ++running;
      asio::co_spawn(io, connector(st, t), [&running](std::exception_ptr) { --running; });
    }
    asio::steady_timer tick(io);
    while (running > 0) {
      tick.expires_after(std::chrono::milliseconds(10));
      co_await tick.async_wait(use_tuple);
    }
    if (st.failed > 0) {
      std::printf("failed %zu of %zu: %s\n", st.failed, n, st.first_error.c_str());
      ok = false;
      co_return;
    }
    std::printf("ready %zu\n", n);
    std::fflush(stdout);
    co_await probe(io, ctx, t, "during", ok);
    // Hold until stdin closes.
    asio::posix::stream_descriptor in(io, ::dup(0));
    char byte;
    (void)co_await in.async_read_some(asio::buffer(&byte, 1), use_tuple);
  };
  asio::co_spawn(io, main_task(), asio::detached);
  io.run();
  return ok ? 0 : 1;
}
