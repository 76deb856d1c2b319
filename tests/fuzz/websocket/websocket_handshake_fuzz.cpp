// libFuzzer target: the opening handshake (RFC 6455 §4) on parsed HTTP heads, and the
// Sec-WebSocket-Extensions grammar on raw text. Checks:
// - a request websocket::accept() takes gets a 101 whose accept value and subprotocol a client
//   offering that subprotocol (and plain permessage-deflate) accepts; a refused one gets the
//   status status_for() names and no accept value;
// - a response check_response() takes is a 101 with the right accept value and an offered
//   subprotocol;
// - parsed extensions print and parse back to the same list, and an accepted deflate offer's
//   answer passes the client's check with the same parameters.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/text.hpp"
#include "http/codec/parser.hpp"
#include "websocket/codec/error.hpp"
#include "websocket/codec/handshake.hpp"

namespace {

using namespace l7;
using namespace l7::websocket;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "websocket handshake fuzz: %s\n", what);
  std::abort();
}

void check(bool ok, const char* what) {
  if (!ok) fail(what);
}

// Parses one head in `r`; false when the input does not hold a complete valid head.
bool parse_head(std::string_view in, http::parser& p) {
  std::error_code ec;
  p.parse(in, ec);
  return !ec && std::holds_alternative<http::head_event>(p.next());
}

void check_request(std::string_view in, std::uint8_t knobs) {
  http::parser p(http::role::request);
  if (!parse_head(in, p)) return;
  const auto& req = p.request();
  server_options opt;
  opt.protocols = {"chat", "superchat"};
  opt.deflate.enabled = (knobs & 1) != 0;
  opt.deflate.max_window_bits = 9 + (knobs >> 1) % 7;
  opt.deflate.server_no_context_takeover = (knobs & 0x10) != 0;
  opt.deflate.client_no_context_takeover = (knobs & 0x20) != 0;
  if (knobs & 0x40) opt.origin_allowed = [](std::string_view o) { return o.size() % 2 == 0; };
  std::error_code ec;
  auto a = accept(req, opt, ec);
  if (ec) {
    check(ec.category() == category(), "foreign error category");
    check(a.response.status == status_for(ec), "status differs from status_for");
    check(!a.response.headers.get("Sec-WebSocket-Accept"), "accept value on a refusal");
    return;
  }
  check(a.response.status == 101, "accepted without 101");
  const auto key = trim_ows(*req.headers.get("Sec-WebSocket-Key"));
  check(a.response.headers.get("Sec-WebSocket-Accept") == accept_key(key), "accept value");
  check(a.protocol.empty() || a.protocol == "chat" || a.protocol == "superchat", "protocol");
  // A client that offered what was chosen accepts the answer with the same parameters.
  client_options copt;
  if (!a.protocol.empty()) copt.protocols = {a.protocol};
  if (a.deflate) copt.deflate = deflate_offer{};
  auto c = check_response(a.response, key, copt, ec);
  check(!ec, "client refuses the server's answer");
  check(c.protocol == a.protocol, "client sees another protocol");
  check(c.deflate.has_value() == a.deflate.has_value(), "client sees other extensions");
  if (c.deflate) {
    check(c.deflate->server_max_window_bits == a.deflate->server_max_window_bits, "window bits");
    check(c.deflate->server_no_context_takeover == a.deflate->server_no_context_takeover,
          "server_no_context_takeover");
    check(c.deflate->client_no_context_takeover == a.deflate->client_no_context_takeover,
          "client_no_context_takeover");
  }
}

void check_response_head(std::string_view in, std::uint8_t knobs) {
  http::parser p(http::role::response);
  p.expect_response_to("GET");
  if (!parse_head(in, p)) return;
  client_options copt;
  copt.host = "example.com";
  copt.protocols = {"chat"};
  if (knobs & 1) {
    copt.deflate = deflate_offer{.client_no_context_takeover = (knobs & 2) != 0,
                                 .server_no_context_takeover = (knobs & 4) != 0,
                                 .server_max_window_bits = {}};
    if (knobs & 8) copt.deflate->server_max_window_bits = 9 + (knobs >> 4) % 7;
  }
  const std::string key = "dGhlIHNhbXBsZSBub25jZQ==";
  std::error_code ec;
  auto c = check_response(p.response(), key, copt, ec);
  if (ec) {
    check(ec.category() == category(), "foreign error category");
    return;
  }
  check(p.response().status == 101, "accepted a non-101 response");
  check(c.protocol.empty() || c.protocol == "chat", "accepted an unoffered protocol");
  check(!c.deflate || copt.deflate, "accepted an unoffered extension");
}

std::string print(const std::vector<extension>& exts) {
  std::string out;
  for (const auto& e : exts) {
    if (!out.empty()) out += ", ";
    out += e.name;
    for (const auto& p : e.params) out += "; " + p.name + (p.value ? "=" + *p.value : "");
  }
  return out;
}

bool same(const std::vector<extension>& a, const std::vector<extension>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].params.size() != b[i].params.size()) return false;
    for (std::size_t j = 0; j < a[i].params.size(); ++j)
      if (a[i].params[j].name != b[i].params[j].name ||
          a[i].params[j].value != b[i].params[j].value)
        return false;
  }
  return true;
}

void check_extensions(std::string_view text, std::uint8_t knobs) {
  http::fields f;
  f.add("Sec-WebSocket-Extensions", text);
  auto exts = parse_extensions(f);
  if (!exts) return;
  http::fields again;
  again.add("Sec-WebSocket-Extensions", print(*exts));
  auto back = parse_extensions(again);
  check(back && same(*back, *exts), "extensions do not print and parse back");
  deflate_policy policy;
  policy.max_window_bits = 9 + knobs % 7;
  std::string response;
  auto p = accept_deflate(*exts, policy, response);
  if (!p) return;
  check(p->server_max_window_bits >= 9 && p->server_max_window_bits <= policy.max_window_bits,
        "server window out of range");
  http::fields answer;
  answer.add("Sec-WebSocket-Extensions", response);
  auto parsed = parse_extensions(answer);
  check(parsed && parsed->size() == 1, "deflate answer does not parse");
  auto c = check_deflate_response((*parsed)[0], {});
  check(c && c->server_max_window_bits == p->server_max_window_bits &&
            c->server_no_context_takeover == p->server_no_context_takeover &&
            c->client_no_context_takeover == p->client_no_context_takeover,
        "client refuses or misreads the deflate answer");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t knobs = data[0];
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  check_request(in, knobs);
  check_response_head(in, knobs);
  check_extensions(in, knobs);
  return 0;
}
