// `l7 http [options] URL...`: a curl-like HTTP/1.1 client on src/http/client. URLs are
// fetched in order with one client, so URLs on the same origin share a kept-alive connection.
// Exit codes follow curl's numbers (listed in the help footer and docs/http-client.md).
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "core/base64.hpp"
#include "core/bytes.hpp"
#include "core/text.hpp"
#include "http/client/client.hpp"
#include "http/client/error.hpp"
#include "http/client/file_sink.hpp"
#include "http/client/progress.hpp"
#include "http/codec/serializer.hpp"

namespace l7::cli {
namespace {

namespace hc = l7::http::client;

struct http_args {
  std::vector<std::string> urls, headers, data, data_binary, outputs;
  std::string method, upload, cacert, user;
  std::string user_agent = "l7/0.1";
  bool chunked = false, remote_name = false, location = false, head = false, include = false;
  bool verbose = false, silent = false, show_error = false, fail = false, insecure = false;
  bool http10 = false;
  int max_redirs = 10;
  double connect_timeout = 0, max_time = 0;
};

// curl's exit codes for the same failures.
enum exit_code {
  ok = 0, usage = 1, bad_url = 3, resolve = 6, connect = 7, http_error = 22, write_error = 23,
  read_error = 26, timeout = 28, tls_failed = 35, redirects = 47, send_failed = 55,
  receive_failed = 56, tls_verify = 60, rewind_failed = 65, ca_file = 77
};

constexpr std::string_view exit_footer =
    "Exit codes (as curl): 0 ok, 1 usage, 3 malformed URL, 6 cannot resolve host,\n"
    "7 cannot connect, 22 HTTP status >= 400 with -f, 23 cannot write output,\n"
    "26 cannot read the request body, 28 timeout, 35 TLS handshake failed,\n"
    "47 too many redirects, 55 send failed, 56 receive failed or bad response,\n"
    "60 server certificate not trusted, 65 body could not be sent again, 77 bad --cacert.";

// Thrown before any transfer starts: message and exit code.
struct setup_error {
  int code;
  std::string message;
};

// -d "@file" (file or "-" for stdin) drops CR and LF like curl; --data-binary keeps them.
std::string data_value(const std::string& arg, bool binary) {
  if (!arg.starts_with('@')) return arg;
  std::ifstream file;
  if (arg != "@-") file.open(arg.substr(1), std::ios::binary);
  std::istream& in = arg == "@-" ? std::cin : file;
  if (!in) throw setup_error{read_error, fmt::format("cannot read {}", arg.substr(1))};
  std::string text{std::istreambuf_iterator<char>(in), {}};
  if (!binary) std::erase_if(text, [](char c) { return c == '\r' || c == '\n'; });
  return text;
}

// -T FILE or --data-binary @FILE: streamed from disk; "-" is stdin.
std::shared_ptr<hc::body_source> open_file(const std::string& path) {
  if (path == "-") return std::make_shared<hc::body_source>(hc::body_source::from_stdin());
  std::error_code ec;
  auto body = hc::body_source::from_file(path, ec);
  if (!body) throw setup_error{read_error, fmt::format("cannot read {}: {}", path, ec.message())};
  return std::make_shared<hc::body_source>(std::move(*body));
}

// -H "Name: value" (an empty value removes a default field).
void add_headers(const http_args& a, hc::request& req) {
  for (const auto& h : a.headers) {
    const auto colon = h.find(':');
    if (colon == 0 || colon == std::string::npos)
      throw setup_error{usage, fmt::format("bad header \"{}\" (want \"Name: value\")", h)};
    req.headers.add(trim_ows(std::string_view(h).substr(0, colon)),
                    trim_ows(std::string_view(h).substr(colon + 1)));
  }
  if (!a.user.empty()) req.headers.set("Authorization", "Basic " + base64_encode(a.user));
  if (req.headers.has_token("Transfer-Encoding", "chunked")) {  // the client frames it
    req.headers.erase("Transfer-Encoding");
    req.chunked = true;
  }
}

// The body and the method it implies: -T (PUT), -d/--data-binary (POST), -I (HEAD).
void add_body(const http_args& a, hc::request& req) {
  std::string method = a.head ? "HEAD" : "GET";
  if (!a.upload.empty()) {
    req.body = open_file(a.upload);
    method = "PUT";
  } else if (!a.data.empty() || !a.data_binary.empty()) {
    if (a.data.empty() && a.data_binary.size() == 1 && a.data_binary[0].starts_with('@') &&
        a.data_binary[0] != "@-") {
      req.body = open_file(a.data_binary[0].substr(1));
    } else {
      std::string joined;
      for (const auto& d : a.data) joined += (joined.empty() ? "" : "&") + data_value(d, false);
      for (const auto& d : a.data_binary)
        joined += (joined.empty() ? "" : "&") + data_value(d, true);
      req.body = std::make_shared<hc::body_source>(hc::body_source::from_string(std::move(joined)));
    }
    if (!req.headers.get("Content-Type"))
      req.headers.add("Content-Type", "application/x-www-form-urlencoded");
    method = "POST";
  }
  if (a.http10 && req.body && !req.body->size()) {  // HTTP/1.0 has no chunked framing
    if (auto ec = req.body->load())
      throw setup_error{read_error, fmt::format("cannot read the body: {}", ec.message())};
  }
  req.method = a.method.empty() ? method : a.method;
  req.chunked = req.chunked || (a.chunked && req.body);
  if (req.chunked && a.http10) throw setup_error{usage, "--chunked needs HTTP/1.1"};
  // RFC 9110 §10.1.1: let the server refuse a large or endless upload before it is sent.
  const auto size = req.body ? req.body->size() : std::nullopt;
  req.expect_continue = req.body && (!size || *size > (1u << 20));
}

// Parses a command-line URL (scheme defaults to http://). -T FILE on a URL ending in '/'
// names the upload after the file, like curl.
http::url parse_arg_url(const std::string& text, const http_args& a) {
  auto full = text.find("://") == std::string::npos ? "http://" + text : text;
  if (!a.upload.empty() && a.upload != "-" && full.ends_with('/'))
    full += percent_encode(std::filesystem::path(a.upload).filename().string(), "");
  auto u = http::parse_url(full);
  if (!u) throw setup_error{bad_url, fmt::format("malformed or unsupported URL: {}", text)};
  return *u;
}

// The callbacks of one transfer: verbose log, heads for -i/-I, body to the output, -f and
// the progress meter.
class transfer_view {
 public:
  transfer_view(const http_args& a, hc::file_sink& out)
      : a_(a), out_(out),
        progress_(::isatty(STDERR_FILENO) && !a.silent && !a.verbose && !a.head &&
                  !out.to_terminal()) {}

  hc::callbacks callbacks() {
    hc::callbacks cb;
    if (a_.verbose) {
      cb.info = [](std::string_view line) { fmt::print(stderr, "* {}\n", line); };
      cb.request_sent = [](const http::request_head& h) { print_head(h, '>'); };
    }
    cb.response = [this](const http::response_head& h, hc::response_kind kind) {
      return on_head(h, kind);
    };
    cb.body = [this](std::span<const std::byte> bytes) { return on_body(bytes); };
    return cb;
  }
  bool refused() const { return refused_; }  // -f and status >= 400
  void done() {
    if (drawing_) fmt::print(stderr, "{}", meter_.finish(hc::progress_meter::clock::now()));
  }

 private:
  template <typename Head>
  static void print_head(const Head& h, char mark) {  // "> GET / HTTP/1.1", ..., ">"
    std::string text;
    http::serialize(h, text);
    for (auto line : split(std::string_view(text).substr(0, text.size() - 4), '\n'))
      fmt::print(stderr, "{} {}\n", mark, line.substr(0, line.size() - line.ends_with('\r')));
    fmt::print(stderr, "{}\n", mark);
  }

  std::error_code on_head(const http::response_head& h, hc::response_kind kind) {
    if (a_.verbose) print_head(h, '<');
    if (kind == hc::response_kind::interim) return {};
    refused_ = kind == hc::response_kind::final && a_.fail && h.status >= 400;
    if (refused_) return {};
    if (a_.include || a_.head) {
      std::string text;
      http::serialize(h, text);
      if (auto ec = out_.write(text)) return ec;
    }
    if (kind == hc::response_kind::redirect) return {};
    if (auto ec = out_.open()) return ec;  // an empty body still makes an (empty) file
    if (progress_) {
      const auto length = h.headers.get("Content-Length");
      meter_.start(length ? parse_uint(*length) : std::nullopt, hc::progress_meter::clock::now());
      drawing_ = true;
    }
    return {};
  }

  std::error_code on_body(std::span<const std::byte> bytes) {
    if (refused_) return {};
    if (auto ec = out_.write(as_chars(bytes))) return ec;
    if (drawing_) {
      if (auto line = meter_.advance(bytes.size(), hc::progress_meter::clock::now()))
        fmt::print(stderr, "{}", *line);
    }
    return {};
  }

  const http_args& a_;
  hc::file_sink& out_;
  bool progress_;
  bool drawing_ = false;
  bool refused_ = false;
  hc::progress_meter meter_;
};

int exit_code_for(const hc::result& r) {
  if (r.ec == hc::error::timed_out || r.ec == asio::error::timed_out) return timeout;
  if (r.ec == hc::error::too_many_redirects) return redirects;
  if (r.ec == hc::error::body_not_rewindable) return rewind_failed;
  switch (r.where) {
    case hc::stage::resolve: return resolve;
    case hc::stage::connect: return connect;
    case hc::stage::tls:
      return r.ec.category() == asio::error::get_ssl_category() &&
                     ERR_GET_REASON(static_cast<unsigned long>(r.ec.value())) ==
                         SSL_R_CERTIFICATE_VERIFY_FAILED
                 ? tls_verify : tls_failed;
    case hc::stage::send: return send_failed;
    case hc::stage::body_read: return read_error;
    case hc::stage::sink: return write_error;
    default: return receive_failed;
  }
}

// One URL: fetch, report, exit code.
net::awaitable<int> transfer(hc::client& client, hc::request req, hc::file_sink& out,
                             const http_args& a) {
  transfer_view view(a, out);
  const auto r = co_await client.fetch(std::move(req), view.callbacks());
  view.done();
  const auto flushed = out.finish();
  const bool say = !a.silent || a.show_error;
  if (r.ec || flushed) {
    const bool output_failed = flushed || r.where == hc::stage::sink;
    const auto text = output_failed ? fmt::format("write to {}: {}", out.name(),
                                                  (flushed ? flushed : r.ec).message())
                                    : r.message();
    if (say) fmt::print(stderr, "l7 http: {}\n", text);
    co_return output_failed ? write_error : exit_code_for(r);
  }
  if (view.refused()) {
    if (say) fmt::print(stderr, "l7 http: {}: the server answered {}\n", r.url, r.head.status);
    co_return http_error;
  }
  co_return ok;
}

hc::options client_options(const http_args& a) {
  hc::options o;
  if (!a.cacert.empty()) o.tls.ca_file = a.cacert;
  o.tls.insecure = a.insecure;
  if (a.connect_timeout > 0)
    o.connect_timeout = std::chrono::milliseconds(static_cast<long>(a.connect_timeout * 1000));
  if (a.max_time > 0)
    o.max_time = std::chrono::milliseconds(static_cast<long>(a.max_time * 1000));
  o.follow_redirects = a.location;
  o.max_redirects = a.max_redirs;
  o.user_agent = a.user_agent;
  return o;
}

// The file name -O takes from a URL: its last path segment.
std::string remote_name(const http::url& u) {
  const auto path = http::split_target(u.target).path;
  const auto name = std::string(path.substr(path.rfind('/') + 1));
  if (name.empty() || name == "." || name == "..")
    throw setup_error{write_error, fmt::format("-O: no file name in {}{}", u.origin(), u.target)};
  return name;
}

int run(const http_args& a) {
  if (a.urls.empty()) throw setup_error{usage, "no URL given (see l7 http --help)"};
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout pipe becomes a write error (exit 23)
  std::vector<hc::request> requests;
  std::vector<std::unique_ptr<hc::file_sink>> outputs;
  hc::request base;
  base.version = a.http10 ? 10 : 11;
  add_headers(a, base);
  add_body(a, base);
  for (std::size_t i = 0; i < a.urls.size(); ++i) {
    auto& req = requests.emplace_back(base);
    req.target = parse_arg_url(a.urls[i], a);
    const bool named = i < a.outputs.size() && a.outputs[i] != "-";
    outputs.push_back(std::make_unique<hc::file_sink>(
        named ? a.outputs[i] : (a.remote_name && i >= a.outputs.size() ? remote_name(req.target)
                                                                         : std::string())));
  }
  asio::io_context io;  // outlives the client's sockets
  std::unique_ptr<hc::client> client;
  try {
    client = std::make_unique<hc::client>(client_options(a));
  } catch (const std::runtime_error& e) {
    throw setup_error{ca_file, e.what()};
  }
  int code = ok;
  asio::co_spawn(
      io,
      [&]() -> net::awaitable<void> {
        for (std::size_t i = 0; i < requests.size(); ++i) {
          const int c = co_await transfer(*client, std::move(requests[i]), *outputs[i], a);
          if (code == ok) code = c;
        }
      },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  io.run();
  return code;
}

}  // namespace

void add_http_command(CLI::App& app) {
  auto a = std::make_shared<http_args>();
  auto* cmd = app.add_subcommand(
      "http", "HTTP/1.1 client, curl-like: fetch URLs (kept-alive connections are reused)");
  cmd->footer(std::string(exit_footer));
  cmd->add_option("URL", a->urls, "http:// or https:// URL (required); several are fetched in order");
  cmd->add_option("-X,--request", a->method, "Request method (default GET; POST with -d; PUT with -T)");
  cmd->add_option("-H,--header", a->headers, "Extra field \"Name: value\"; \"Name:\" removes a default; repeatable")
      ->allow_extra_args(false);  // one value per occurrence
  cmd->add_option("-d,--data", a->data, "POST this data (form type); @FILE reads a file without CR/LF, @- stdin; repeatable, joined with &")
      ->allow_extra_args(false);  // one value per occurrence
  cmd->add_option("--data-binary", a->data_binary, "POST this data as is; @FILE streams a file, @- reads stdin")
      ->allow_extra_args(false);  // one value per occurrence
  cmd->add_option("-T,--upload-file", a->upload, "PUT this file (- : stdin, sent chunked)");
  cmd->add_flag("--chunked", a->chunked, "Send the request body with Transfer-Encoding: chunked");
  cmd->add_option("-o,--output", a->outputs, "Write the body to FILE instead of stdout; one per URL, in order (- : stdout)")
      ->allow_extra_args(false);  // one value per occurrence
  cmd->add_flag("-O,--remote-name", a->remote_name, "Name output files after the URL's last path segment (URLs without -o)");
  cmd->add_flag("-L,--location", a->location, "Follow redirects (301/302/303 become GET after POST; 307/308 resend the body)");
  cmd->add_option("--max-redirs", a->max_redirs, "Maximum redirects to follow with -L (default 10; -1: no limit)");
  cmd->add_flag("-I,--head", a->head, "Send HEAD and print the response head");
  cmd->add_flag("-i,--include", a->include, "Print the response head before the body");
  cmd->add_flag("-v,--verbose", a->verbose, "Log connections (*), request (>) and response (<) heads to stderr");
  cmd->add_flag("-s,--silent", a->silent, "No progress meter and no error messages");
  cmd->add_flag("-S,--show-error", a->show_error, "With -s, still print error messages");
  cmd->add_flag("-f,--fail", a->fail, "On HTTP status >= 400 print no body and exit 22");
  cmd->add_option("--cacert", a->cacert, "Trust the CA certificates in this PEM file instead of the system store");
  cmd->add_flag("-k,--insecure", a->insecure, "Do not verify the server certificate");
  cmd->add_option("-A,--user-agent", a->user_agent, "User-Agent value (default l7/0.1; empty: none)");
  cmd->add_option("-u,--user", a->user, "Basic credentials USER:PASSWORD (dropped on redirects to another origin)");
  cmd->add_option("--connect-timeout", a->connect_timeout, "Seconds allowed for resolve + connect + TLS handshake");
  cmd->add_option("-m,--max-time", a->max_time, "Seconds allowed for each URL, redirects included");
  cmd->add_flag("--http1.0", a->http10, "Send HTTP/1.0 requests");
  cmd->callback([a] {
    int code = ok;
    try {
      code = run(*a);
    } catch (const setup_error& e) {
      fmt::print(stderr, "l7 http: {}\n", e.message);
      code = e.code;
    }
    std::fflush(stdout);
    if (code != ok) throw CLI::RuntimeError(code);
  });
}

}  // namespace l7::cli
