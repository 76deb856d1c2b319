// ws_load: the WebSocket load generator of bench/websocket.sh. It drives every server under
// test the same way, on standalone Asio and our own codec (the handshake of RFC 6455 §4.1,
// masked client frames per §5.3, the reader for the echoes); it does not use
// src/websocket/client, so that the generator stays lean and costs the servers little CPU.
//
//   ws_load --mode echo --connections N --size BYTES --duration S URL
//       each connection sends one message, waits for its echo, repeats;
//       prints round-trips/s and p50/p99 latency.
//   ws_load --mode bulk --connections N --size BYTES --duration S --window W URL
//       each connection keeps up to W messages in flight; prints MiB/s echoed back.
//   ws_load --mode idle --connections N URL
//       opens N connections, prints "ready ..." once all have completed the handshake, then
//       holds them until stdin closes or SIGINT/SIGTERM arrives.
//
// Other options: --warmup S (load before counting starts, default 1), --threads T (event
// loops, default 1), --text (text messages instead of binary), --server-pid PID (also print
// the CPU seconds that process and this one spent in the counted interval, from /proc and
// getrusage: on a machine where the generator shares cores with the server, CPU per message
// is steadier than messages per second). URL: ws://HOST:PORT/PATH.
// Output: one line of key=value pairs. Every echo is compared with what was sent; a wrong
// echo, a failed handshake or a connection lost before the end makes the exit status 1.
#include <algorithm>
#include <asio.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/buffer.hpp"
#include "core/bytes.hpp"
#include "http/codec/parser.hpp"
#include "http/codec/serializer.hpp"
#include "websocket/codec/handshake.hpp"
#include "websocket/codec/reader.hpp"
#include "websocket/codec/writer.hpp"
#include "ws_load_os.hpp"

namespace {

using namespace ws_load;
namespace ws = l7::websocket;
using asio::ip::tcp;
using clock_type = std::chrono::steady_clock;
constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);
constexpr std::size_t connectors_per_thread = 32;  // handshakes in flight at once, per loop

struct conn {
  explicit conn(asio::io_context& io) : sock(io), wake(io) {}
  tcp::socket sock;
  ws::reader rd{ws::role::client};
  ws::writer wr{ws::role::client};
  std::string out;
  std::string control;     // pongs owed to the server, sent with the next write
  asio::steady_timer wake; // bulk: the writer sleeps here while the window is full
  std::size_t inflight = 0;
  bool dead = false;
};

// One event loop, its share of the connections and what they measured.
struct loop {
  asio::io_context io{1};
  std::vector<std::unique_ptr<conn>> links;
  std::size_t next = 0;  // next connection to open
  bool stopping = false; // the run is over: errors from here on are ours
  unsigned long long messages = 0, bytes = 0, errors = 0;
  std::vector<float> latency_us;
  std::string first_error;
};

// What every connection shares during a run.
struct plan {
  options opt;
  tcp::endpoint endpoint;
  std::string payload;
  ws::opcode op = ws::opcode::binary;
  std::size_t read_size = 4096;  // per read: a message and its header, within 4-64 KiB
  clock_type::time_point count_from, stop_at;
};

void note_error(loop& lp, const std::string& what) {
  if (lp.stopping) return;
  if (lp.errors++ == 0) lp.first_error = what;
}

// RFC 6455 §4.1: connect, send the opening handshake, check the 101. Bytes behind the 101
// already belong to the WebSocket and go to the reader.
asio::awaitable<std::error_code> handshake(conn& l, const plan& p) {
  auto [cec] = co_await l.sock.async_connect(p.endpoint, use_tuple);
  if (cec) co_return cec;
  std::error_code ignored;
  l.sock.set_option(tcp::no_delay(true), ignored);
  ws::client_options copt;
  copt.host = p.opt.host + ":" + p.opt.port;
  copt.target = p.opt.target;
  auto key = ws::make_key();
  std::string head;
  l7::http::serialize(ws::client_request(copt, key), head);
  auto [wec, wn] = co_await asio::async_write(l.sock, asio::buffer(head), use_tuple);
  if (wec) co_return wec;
  l7::http::parser parser(l7::http::role::response);
  parser.expect_response_to("GET");
  l7::flat_buffer buf(l7::http::limits{}.max_header_bytes + 4096);
  for (;;) {
    std::error_code pec;
    buf.consume(parser.parse(buf.data(), pec));
    if (pec) co_return pec;
    if (std::holds_alternative<l7::http::head_event>(parser.next())) break;
    auto space = buf.prepare(4096);
    auto [rec, rn] = co_await l.sock.async_read_some(asio::buffer(space.data(), space.size()), use_tuple);
    if (rec) co_return rec;
    buf.commit(rn);
  }
  std::error_code hec;
  ws::check_response(parser.response(), key, copt, hec);
  if (hec) co_return hec;
  if (!buf.empty()) l.rd.feed(buf.data());
  co_return std::error_code{};
}

asio::awaitable<void> connector(loop& lp, const plan& p) {
  while (lp.next < lp.links.size()) {
    conn& l = *lp.links[lp.next++];
    auto ec = co_await handshake(l, p);
    if (ec) {
      note_error(lp, "handshake: " + ec.message());
      l.dead = true;
    }
  }
}

// Reads until the next data message and checks that it is the echo of what we sent.
// Pings are answered through l.control (§5.5.2); a close or a wrong echo is an error.
asio::awaitable<std::error_code> receive_echo(conn& l, const plan& p) {
  for (;;) {
    std::error_code ec;
    auto ev = l.rd.next(ec);
    if (ec) co_return ec;
    if (auto* m = std::get_if<ws::message_event>(&ev)) {
      if (m->op != p.op || l7::as_chars(m->payload) != p.payload)
        co_return std::make_error_code(std::errc::bad_message);
      co_return std::error_code{};
    }
    if (auto* ping = std::get_if<ws::ping_event>(&ev)) {
      l.wr.pong(ping->payload, l.control);
      continue;
    }
    if (std::holds_alternative<ws::close_event>(ev))
      co_return std::make_error_code(std::errc::connection_reset);
    if (std::holds_alternative<ws::pong_event>(ev)) continue;
    auto space = l.rd.prepare(p.read_size);
    auto [rec, n] = co_await l.sock.async_read_some(asio::buffer(space.data(), space.size()), use_tuple);
    if (rec) co_return rec;
    l.rd.commit(n);
  }
}

asio::awaitable<void> echo(conn& l, loop& lp, const plan& p) {
  for (;;) {
    l.out.swap(l.control);
    l.control.clear();
    l.wr.message(p.op, l7::as_bytes(p.payload), l.out);
    auto start = clock_type::now();
    auto [wec, wn] = co_await asio::async_write(l.sock, asio::buffer(l.out), use_tuple);
    l.out.clear();
    if (wec) co_return note_error(lp, "write: " + wec.message());
    auto ec = co_await receive_echo(l, p);
    if (ec) co_return note_error(lp, "read: " + ec.message());
    auto now = clock_type::now();
    if (now < p.count_from || now >= p.stop_at) continue;
    ++lp.messages;
    lp.latency_us.push_back(std::chrono::duration<float, std::micro>(now - start).count());
  }
}

// Bulk: the writer tops the window up in one write; the reader (below) takes echoes off it.
// Separate coroutines, so that a server that stops reading while its replies back up cannot
// deadlock us.
asio::awaitable<void> bulk_writer(conn& l, loop& lp, const plan& p) {
  for (;;) {
    while (l.inflight >= p.opt.window && !l.dead) {
      l.wake.expires_at(clock_type::time_point::max());
      (void)co_await l.wake.async_wait(use_tuple);
    }
    if (l.dead) co_return;
    l.out.swap(l.control);
    l.control.clear();
    for (; l.inflight < p.opt.window; ++l.inflight) l.wr.message(p.op, l7::as_bytes(p.payload), l.out);
    auto [ec, n] = co_await asio::async_write(l.sock, asio::buffer(l.out), use_tuple);
    l.out.clear();
    if (ec) co_return note_error(lp, "write: " + ec.message());
  }
}

asio::awaitable<void> bulk_reader(conn& l, loop& lp, const plan& p) {
  for (;;) {
    auto ec = co_await receive_echo(l, p);
    if (ec) {
      l.dead = true;
      l.wake.cancel();
      co_return note_error(lp, "read: " + ec.message());
    }
    --l.inflight;
    l.wake.cancel();
    auto now = clock_type::now();
    if (now < p.count_from || now >= p.stop_at) continue;
    ++lp.messages;
    lp.bytes += p.payload.size();
  }
}

// Runs every loop on its own thread until it runs out of work; `meanwhile` runs on the
// calling thread.
template <typename Start, typename Meanwhile>
void run_loops(std::vector<std::unique_ptr<loop>>& loops, Start start, Meanwhile meanwhile) {
  std::vector<std::thread> threads;
  for (auto& lp : loops) {
    lp->io.restart();
    start(*lp);
    threads.emplace_back([&io = lp->io] { io.run(); });
  }
  meanwhile();
  for (auto& t : threads) t.join();
}

// CPU spent between count_from and stop_at by the server (if --server-pid) and by us.
struct cpu_sample {
  double server = 0, client = 0;
};
cpu_sample sample_cpu(const plan& p) {
  std::this_thread::sleep_until(p.count_from);
  double s0 = p.opt.server_pid ? process_cpu(p.opt.server_pid) : 0, c0 = own_cpu();
  std::this_thread::sleep_until(p.stop_at);
  double s1 = p.opt.server_pid ? process_cpu(p.opt.server_pid) : 0, c1 = own_cpu();
  return {s1 - s0, c1 - c0};
}

// At stop_at the loop closes its sockets, which ends every coroutine on it.
void arm_stop(loop& lp, const plan& p, asio::steady_timer& timer) {
  timer.expires_at(p.stop_at);
  timer.async_wait([&lp](std::error_code) {
    lp.stopping = true;
    for (auto& l : lp.links) {
      std::error_code ignored;
      l->dead = true;
      l->sock.close(ignored);
      l->wake.cancel();
    }
  });
}

float percentile(std::vector<float>& v, double q) {
  if (v.empty()) return 0;
  auto at = v.begin() + static_cast<std::ptrdiff_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), at, v.end());
  return *at;
}

plan make_plan(int argc, char** argv) {
  plan p;
  p.opt = parse_args(argc, argv);
  const options& o = p.opt;
  asio::io_context io;
  tcp::resolver resolver(io);
  std::error_code ec;
  auto found = resolver.resolve(o.host, o.port, ec);
  if (ec || found.empty()) usage(("cannot resolve " + o.host).c_str());
  p.endpoint = *found.begin();
  p.op = o.text ? ws::opcode::text : ws::opcode::binary;
  p.payload.resize(o.size);
  for (std::size_t i = 0; i < o.size; ++i) p.payload[i] = static_cast<char>('a' + i % 26);
  p.read_size = std::clamp<std::size_t>(o.size + ws::max_header_size, 4096, 64 * 1024);
  return p;
}

// Opens every connection (connectors_per_thread handshakes at a time on each loop).
bool open_all(std::vector<std::unique_ptr<loop>>& loops, const plan& p) {
  run_loops(loops, [&](loop& lp) {
    for (std::size_t k = 0; k < std::min(connectors_per_thread, lp.links.size()); ++k)
      asio::co_spawn(lp.io, connector(lp, p), asio::detached);
  }, [] {});
  for (auto& lp : loops) {
    if (lp->errors == 0) continue;
    std::fprintf(stderr, "ws_load: %llu connections failed, first: %s\n", lp->errors,
                 lp->first_error.c_str());
    return false;
  }
  return true;
}

cpu_sample run_load(std::vector<std::unique_ptr<loop>>& loops, plan& p) {
  using seconds = std::chrono::duration<double>;
  p.count_from = clock_type::now() + std::chrono::duration_cast<clock_type::duration>(seconds(p.opt.warmup));
  p.stop_at = p.count_from + std::chrono::duration_cast<clock_type::duration>(seconds(p.opt.duration));
  std::vector<std::unique_ptr<asio::steady_timer>> timers;
  cpu_sample cpu;
  run_loops(loops, [&](loop& lp) {
    timers.push_back(std::make_unique<asio::steady_timer>(lp.io));
    arm_stop(lp, p, *timers.back());
    for (auto& l : lp.links) {
      if (p.opt.mode == "echo") {
        asio::co_spawn(lp.io, echo(*l, lp, p), asio::detached);
      } else {
        asio::co_spawn(lp.io, bulk_writer(*l, lp, p), asio::detached);
        asio::co_spawn(lp.io, bulk_reader(*l, lp, p), asio::detached);
      }
    }
  }, [&] { cpu = sample_cpu(p); });
  return cpu;
}

int report(const std::vector<std::unique_ptr<loop>>& loops, const plan& p, cpu_sample cpu) {
  const options& o = p.opt;
  unsigned long long messages = 0, bytes = 0, errors = 0;
  std::vector<float> latency;
  std::string first_error;
  for (auto& lp : loops) {
    messages += lp->messages;
    bytes += lp->bytes;
    errors += lp->errors;
    if (first_error.empty()) first_error = lp->first_error;
    latency.insert(latency.end(), lp->latency_us.begin(), lp->latency_us.end());
  }
  std::printf("mode=%s connections=%zu size=%zu threads=%u duration_s=%g ", o.mode.c_str(),
              o.connections, o.size, o.threads, o.duration);
  if (o.mode == "echo")
    std::printf("roundtrips=%llu rate=%.0f p50_us=%.1f p99_us=%.1f ", messages,
                static_cast<double>(messages) / o.duration, percentile(latency, 0.50),
                percentile(latency, 0.99));
  else
    std::printf("window=%zu messages=%llu mib_s=%.1f ", o.window, messages,
                static_cast<double>(bytes) / o.duration / (1 << 20));
  std::printf("server_cpu_s=%.2f client_cpu_s=%.2f errors=%llu\n", cpu.server, cpu.client, errors);
  if (errors > 0)
    std::fprintf(stderr, "ws_load: %llu connections failed, first: %s\n", errors, first_error.c_str());
  return errors > 0 ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  plan p = make_plan(argc, argv);
  raise_fd_limit(p.opt.connections);
  std::vector<std::unique_ptr<loop>> loops;
  for (unsigned t = 0; t < p.opt.threads; ++t) loops.push_back(std::make_unique<loop>());
  for (std::size_t i = 0; i < p.opt.connections; ++i) {
    auto& lp = *loops[i % loops.size()];
    lp.links.push_back(std::make_unique<conn>(lp.io));
  }
  auto setup_start = clock_type::now();
  if (!open_all(loops, p)) return 1;
  if (p.opt.mode == "idle") {
    auto ms = std::chrono::duration<double, std::milli>(clock_type::now() - setup_start).count();
    std::printf("ready mode=idle connections=%zu setup_ms=%.0f\n", p.opt.connections, ms);
    std::fflush(stdout);
    hold();
    return 0;
  }
  auto cpu = run_load(loops, p);
  return report(loops, p, cpu);
}
