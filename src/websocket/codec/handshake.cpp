#include "websocket/codec/handshake.hpp"

#include <array>

#include "core/base64.hpp"
#include "core/hash.hpp"
#include "core/random.hpp"
#include "core/text.hpp"
#include "http/codec/grammar.hpp"
#include "websocket/codec/error.hpp"

namespace l7::websocket {
namespace {

constexpr std::string_view guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// The comma-separated values of every field `name`, trimmed, empty ones dropped.
std::vector<std::string> list_values(const http::fields& headers, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& f : headers) {
    if (!iequals(f.name, name)) continue;
    for (auto v : split(f.value, ',')) {
      v = trim_ows(v);
      if (!v.empty()) out.emplace_back(v);
    }
  }
  return out;
}

bool valid_key(std::string_view key) {
  auto raw = base64_decode(key);
  return raw && raw->size() == 16;  // §4.2.1 item 5: 16 bytes when decoded
}

http::response_head error_response(std::error_code ec) {
  http::response_head r;
  r.status = status_for(ec);
  if (ec == error::bad_version) r.headers.add("Sec-WebSocket-Version", "13");  // §4.4
  if (r.status == 426) {
    r.headers.add("Upgrade", "websocket");
    r.headers.add("Connection", "Upgrade");
  }
  return r;
}

}  // namespace

std::string accept_key(std::string_view key) {
  std::string s(key);
  s += guid;
  auto digest = sha1(s);
  return base64_encode(digest);
}

std::string make_key() {
  std::array<std::byte, 16> raw;
  random_fill(raw);
  return base64_encode(raw);
}

bool is_upgrade_request(const http::request_head& req) {
  return req.method == "GET" && req.headers.has_token("Upgrade", "websocket");
}

server_accept accept(const http::request_head& req, const server_options& opt, std::error_code& ec) {
  server_accept out;
  auto failed = [&](error e) {
    ec = e;
    out.response = error_response(ec);
    return out;
  };
  ec.clear();
  if (req.method != "GET") return failed(error::not_get);
  if (req.version < 11) return failed(error::bad_http_version);
  if (!req.headers.has_token("Upgrade", "websocket")) return failed(error::missing_upgrade);
  if (!req.headers.has_token("Connection", "upgrade")) return failed(error::missing_connection);
  auto key = req.headers.get("Sec-WebSocket-Key");
  if (req.headers.count("Sec-WebSocket-Key") != 1 || !valid_key(trim_ows(*key)))
    return failed(error::bad_key);
  auto version = req.headers.get("Sec-WebSocket-Version");
  if (req.headers.count("Sec-WebSocket-Version") != 1 || trim_ows(*version) != "13")
    return failed(error::bad_version);
  if (opt.origin_allowed && !opt.origin_allowed(req.headers.get("Origin").value_or("")))
    return failed(error::origin_refused);
  auto offers = parse_extensions(req.headers);
  if (!offers) return failed(error::bad_extensions);

  auto& r = out.response;
  r.status = 101;
  r.headers.add("Upgrade", "websocket");
  r.headers.add("Connection", "Upgrade");
  r.headers.add("Sec-WebSocket-Accept", accept_key(trim_ows(*key)));
  // §4.2.2 item 5.3: the first of the client's protocols that we speak, in the client's order.
  auto wanted = list_values(req.headers, "Sec-WebSocket-Protocol");
  for (const auto& p : wanted) {
    bool ours = false;
    for (const auto& q : opt.protocols) ours = ours || q == p;
    if (ours) {
      out.protocol = p;
      r.headers.add("Sec-WebSocket-Protocol", p);
      break;
    }
  }
  std::string ext;
  out.deflate = accept_deflate(*offers, opt.deflate, ext);
  if (out.deflate) r.headers.add("Sec-WebSocket-Extensions", ext);
  return out;
}

http::request_head client_request(const client_options& opt, std::string_view key) {
  http::request_head r;
  r.method = "GET";
  r.target = opt.target.empty() ? "/" : opt.target;
  r.headers.add("Host", opt.host);
  r.headers.add("Upgrade", "websocket");
  r.headers.add("Connection", "Upgrade");
  r.headers.add("Sec-WebSocket-Key", key);
  r.headers.add("Sec-WebSocket-Version", "13");
  if (!opt.origin.empty()) r.headers.add("Origin", opt.origin);
  if (!opt.protocols.empty()) {
    std::string list;
    for (const auto& p : opt.protocols) list += (list.empty() ? "" : ", ") + p;
    r.headers.add("Sec-WebSocket-Protocol", list);
  }
  if (opt.deflate) r.headers.add("Sec-WebSocket-Extensions", offer_text(*opt.deflate));
  for (const auto& f : opt.headers) r.headers.add(f.name, f.value);
  return r;
}

client_accept check_response(const http::response_head& res, std::string_view key,
                             const client_options& opt, std::error_code& ec) {
  client_accept out;
  ec.clear();
  if (res.status != 101) return ec = error::bad_status, out;
  if (!res.headers.has_token("Upgrade", "websocket")) return ec = error::missing_upgrade, out;
  if (!res.headers.has_token("Connection", "upgrade")) return ec = error::missing_connection, out;
  auto accept_value = res.headers.get("Sec-WebSocket-Accept");
  if (!accept_value || trim_ows(*accept_value) != accept_key(key)) return ec = error::bad_accept, out;

  auto protocols = list_values(res.headers, "Sec-WebSocket-Protocol");
  if (protocols.size() > 1) return ec = error::bad_protocol, out;
  if (protocols.size() == 1) {
    bool offered = false;
    for (const auto& p : opt.protocols) offered = offered || p == protocols[0];
    if (!offered) return ec = error::bad_protocol, out;
    out.protocol = protocols[0];
  }
  auto exts = parse_extensions(res.headers);
  if (!exts) return ec = error::bad_extension_response, out;
  for (const auto& e : *exts) {
    // Only permessage-deflate can have been offered, and only once.
    if (!opt.deflate || out.deflate) return ec = error::bad_extension_response, out;
    out.deflate = check_deflate_response(e, *opt.deflate);
    if (!out.deflate) return ec = error::bad_extension_response, out;
  }
  return out;
}

}  // namespace l7::websocket
