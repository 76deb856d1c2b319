// `l7 ws URL`: a websocat-like WebSocket client on src/websocket/client. Lines from stdin go
// out as text messages (binary with --binary, all of stdin as one message with --whole);
// received messages go to stdout, text followed by a newline, binary as raw bytes. At the end
// of input we close with 1000 (or --close-code) and wait for the server's close.
// --echo: stdin is not read; every message received is sent back as it came (text as text,
// binary as binary), so that a test server (an Autobahn-style client suite) can drive us; the
// connection stays open until the server closes it, or until -n messages were echoed.
// Exit codes: 0 closed normally (1000, 1001 or no code), 1 usage, 2 could not connect or the
// handshake failed, 3 closed abnormally (another close code, a protocol error, no close frame).
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/config.hpp"
#include "cli/commands.hpp"
#include "core/bytes.hpp"
#include "core/text.hpp"
#include "net/asio.hpp"
#include "websocket/client/client.hpp"
#include "websocket/codec/error.hpp"
#include "websocket/codec/frame.hpp"

namespace l7::cli {
namespace {

namespace wc = l7::websocket::client;
using l7::websocket::opcode;

enum exit_code { ok = 0, usage = 1, no_connection = 2, abnormal = 3 };

struct ws_args {
  std::string url;
  bool binary = false;
  bool whole = false;
  std::vector<std::string> protocols;
  std::vector<std::string> headers;
  std::string origin;
  bool deflate = false;
  std::string ping_interval;
  std::size_t fragment = 0;
  std::size_t count = 0;
  bool keep_open = false;
  bool echo = false;
  int close_code = 1000;
  std::string close_reason;
  bool insecure = false;
  std::string cacert;
  std::uint64_t max_message = 64ull << 20;
  std::string timeout = "10s";
  bool verbose = false;
};

struct usage_error {
  std::string message;
};

std::chrono::milliseconds duration_arg(const std::string& text, const char* what) {
  auto d = app::parse_duration(text);
  if (!d) throw usage_error{fmt::format("{}: expected a duration like 500ms, 10s or 2m", what)};
  return *d;
}

wc::options make_options(const ws_args& a) {
  wc::options o;
  o.url = a.url;
  o.protocols = a.protocols;
  o.origin = a.origin;
  o.deflate = a.deflate;
  o.insecure = a.insecure;
  if (!a.cacert.empty()) o.ca_file = a.cacert;
  o.max_message = a.max_message;
  o.timeout = duration_arg(a.timeout, "--timeout");
  for (const auto& h : a.headers) {
    auto colon = h.find(':');
    if (colon == std::string::npos || colon == 0)
      throw usage_error{fmt::format("-H '{}': expected 'Name: value'", h)};
    o.headers.add(trim_ows(std::string_view(h).substr(0, colon)),
                  trim_ows(std::string_view(h).substr(colon + 1)));
  }
  if (a.verbose) {
    o.on_request = [](const http::request_head& r) {
      fmt::print(stderr, "> {} {} HTTP/1.1\n", r.method, r.target);
      for (const auto& f : r.headers) fmt::print(stderr, "> {}: {}\n", f.name, f.value);
      fmt::print(stderr, ">\n");
    };
    o.on_response = [](const http::response_head& r) {
      fmt::print(stderr, "< HTTP/1.1 {} {}\n", r.status,
                 r.reason.empty() ? http::reason_phrase(r.status) : r.reason);
      for (const auto& f : r.headers) fmt::print(stderr, "< {}: {}\n", f.name, f.value);
      fmt::print(stderr, "<\n");
    };
  }
  return o;
}

class session {
 public:
  session(const ws_args& a, asio::io_context& io) : a_(a), io_(io), stdin_(io), pinger_(io) {}

  net::awaitable<int> run() {
    auto opt = make_options(a_);
    auto r = co_await wc::connection::connect(opt);
    if (r.ec) {
      fmt::print(stderr, "l7 ws: {}: {}\n", r.what, r.ec.message());
      co_return no_connection;
    }
    conn_ = r.conn;
    if (a_.verbose)
      fmt::print(stderr, "* connected{}{}\n",
                 conn_->protocol().empty() ? "" : ", subprotocol " + conn_->protocol(),
                 conn_->deflate() ? ", permessage-deflate" : "");
    if (!a_.echo) start_input();
    if (!a_.ping_interval.empty())
      asio::co_spawn(io_, ping_loop(duration_arg(a_.ping_interval, "--ping-interval")), asio::detached);
    int code = co_await receive_loop();
    done_ = true;
    pinger_.cancel();
    stdin_.close();
    co_return code;
  }

 private:
  void start_input() {
    std::error_code ec;
    stdin_.assign(::dup(STDIN_FILENO), ec);
    if (ec) {  // a regular file or /dev/null: epoll cannot watch it, and reading cannot block
      std::string all((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
      on_input(all, true);
      return;
    }
    asio::co_spawn(io_, read_input(), asio::detached);
  }

  net::awaitable<void> read_input() {
    std::string pending;
    std::array<char, 64 * 1024> chunk;
    for (;;) {
      auto [ec, n] = co_await stdin_.async_read_some(asio::buffer(chunk), net::use_tuple);
      if (done_) co_return;
      pending.append(chunk.data(), n);
      if (ec) {
        on_input(pending, true);
        co_return;
      }
      if (!a_.whole) {
        auto last = pending.rfind('\n');
        if (last != std::string::npos) {
          on_input(std::string_view(pending).substr(0, last + 1), false);
          pending.erase(0, last + 1);
        }
      }
    }
  }

  // Sends complete lines (or everything, with --whole) and closes at the end of input.
  void on_input(std::string_view text, bool eof) {
    auto op = a_.binary ? opcode::binary : opcode::text;
    if (a_.whole) {
      if (eof) conn_->send(op, as_bytes(text), a_.fragment);
    } else {
      while (!text.empty()) {
        auto nl = text.find('\n');
        auto line = text.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        conn_->send(op, as_bytes(line), a_.fragment);
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
      }
    }
    if (eof && !a_.keep_open && !(a_.count > 0))
      conn_->close(static_cast<std::uint16_t>(a_.close_code), a_.close_reason);
  }

  net::awaitable<void> ping_loop(std::chrono::milliseconds every) {
    while (!done_) {
      pinger_.expires_after(every);
      auto [ec] = co_await pinger_.async_wait(net::use_tuple);
      if (ec || done_) co_return;
      auto now = std::chrono::steady_clock::now().time_since_epoch().count();
      std::string stamp = std::to_string(now);
      conn_->ping(as_bytes(stamp));
      if (a_.verbose) fmt::print(stderr, "* ping\n");
    }
  }

  net::awaitable<int> receive_loop() {
    std::size_t received = 0;
    for (;;) {
      auto r = co_await conn_->receive();
      switch (r.what) {
        case wc::received::kind::message:
          if (a_.echo) echo(r);
          else print(r);
          if (a_.count > 0 && ++received == a_.count)
            conn_->close(static_cast<std::uint16_t>(a_.close_code), a_.close_reason);
          break;
        case wc::received::kind::pong:
          if (a_.verbose) print_pong(r.payload);
          break;
        case wc::received::kind::closed:
          co_return report_close(r);
        case wc::received::kind::failed:
          fmt::print(stderr, "l7 ws: protocol error from the server: {} (sent close {})\n",
                     r.ec.message(), websocket::close_code_for(r.ec));
          co_return abnormal;
      }
    }
  }

  void print(const wc::received& r) {
    if (r.op == opcode::text) fmt::print("{}\n", r.payload);
    else std::fwrite(r.payload.data(), 1, r.payload.size(), stdout);
    std::fflush(stdout);
  }

  void echo(const wc::received& r) {
    conn_->send(r.op, as_bytes(r.payload), a_.fragment);
    if (a_.verbose)
      fmt::print(stderr, "* echoed {} message of {} bytes\n",
                 r.op == opcode::text ? "a text" : "a binary", r.payload.size());
  }

  void print_pong(const std::string& payload) {
    long long sent = 0;
    auto [p, ec] = std::from_chars(payload.data(), payload.data() + payload.size(), sent);
    if (ec != std::errc{} || p != payload.data() + payload.size()) {
      fmt::print(stderr, "* pong ({} bytes)\n", payload.size());
      return;
    }
    auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    fmt::print(stderr, "* pong, round trip {:.3f} ms\n", (now - sent) / 1e6);
  }

  int report_close(const wc::received& r) {
    // A close we started and the server echoed is normal whatever code we chose; a different
    // code from the server is its own (both sides closed at once), judged like any other.
    bool normal = r.code == 1000 || r.code == 1001 || r.code == 1005 ||
                  (r.we_closed && r.code == a_.close_code);
    if (a_.verbose || !normal) {
      auto name = websocket::close_code_name(r.code);
      fmt::print(stderr, "* closed: {}{}{}{}\n", r.code, name.empty() ? "" : " ",
                 name, r.reason.empty() ? "" : " (" + r.reason + ")");
    }
    return normal ? ok : abnormal;
  }

  const ws_args& a_;
  asio::io_context& io_;
  asio::posix::stream_descriptor stdin_;
  asio::steady_timer pinger_;
  std::shared_ptr<wc::connection> conn_;
  bool done_ = false;
};

int run(const ws_args& a) {
  if (a.close_code != 1000 && !websocket::is_valid_close_code(static_cast<std::uint16_t>(a.close_code)))
    throw usage_error{fmt::format("--close-code {}: not a code that may be sent (RFC 6455 §7.4)",
                                  a.close_code)};
  asio::io_context io;
  int code = ok;
  {
    session s(a, io);
    asio::co_spawn(io, s.run(), [&code](std::exception_ptr e, int c) {
      if (e) std::rethrow_exception(e);
      code = c;
    });
    io.run();
  }
  return code;
}

}  // namespace

void add_ws_command(CLI::App& app) {
  auto a = std::make_shared<ws_args>();
  auto* cmd = app.add_subcommand("ws", "WebSocket client, websocat-like: stdin lines -> messages, "
                                       "messages -> stdout");
  cmd->footer(
      "Exit codes: 0 closed normally (1000, 1001 or no code), 1 usage error, 2 could not connect\n"
      "or the handshake failed, 3 closed abnormally (other close code, protocol error, reset).");
  cmd->add_option("URL", a->url, "ws://host[:port]/path or wss://...")->required();
  cmd->add_flag("--binary", a->binary, "Send input as binary messages (default: text)");
  cmd->add_flag("--whole", a->whole, "Send all of stdin as one message instead of one per line");
  cmd->add_option("--protocol", a->protocols, "Offer this subprotocol (repeatable)");
  cmd->add_option("-H,--header", a->headers, "Extra handshake header 'Name: value' (repeatable)");
  cmd->add_option("--origin", a->origin, "Origin header value");
  cmd->add_flag("--deflate", a->deflate, "Offer permessage-deflate (RFC 7692)");
  cmd->add_option("--ping-interval", a->ping_interval, "Send a ping this often (e.g. 5s); -v shows round trips");
  cmd->add_option("--fragment", a->fragment, "Split outgoing messages into frames of at most N bytes");
  cmd->add_option("-n,--count", a->count, "Close after receiving N messages");
  cmd->add_flag("--keep-open", a->keep_open, "Do not close at the end of input; wait for the server");
  cmd->add_flag("--echo", a->echo,
                "Send every received message back (text as text, binary as binary) instead of "
                "printing it; stdin is not read. With -n, close after N echoes");
  cmd->add_option("--close-code", a->close_code, "Close code to send (default 1000)");
  cmd->add_option("--close-reason", a->close_reason, "Close reason to send");
  cmd->add_flag("-k,--insecure", a->insecure, "wss: do not verify the server certificate");
  cmd->add_option("--cacert", a->cacert, "wss: trust the CA certificates in this PEM file");
  cmd->add_option("--max-message", a->max_message, "Largest message accepted, bytes (default 64 MiB)");
  cmd->add_option("--timeout", a->timeout, "Time limit for connecting and the handshake (default 10s)");
  cmd->add_flag("-v,--verbose", a->verbose, "Show the handshake, pings and the close on stderr");
  cmd->callback([a] {
    int code = ok;
    try {
      code = run(*a);
    } catch (const usage_error& e) {
      fmt::print(stderr, "l7 ws: {}\n", e.message);
      code = usage;
    }
    std::fflush(stdout);
    if (code != ok) throw CLI::RuntimeError(code);
  });
}

}  // namespace l7::cli
