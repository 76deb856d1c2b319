// The opening handshake (RFC 6455 §4): the accept value, the server's checks with the status each
// failure answers with, subprotocol choice, and the client's request and response checks.
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "core/base64.hpp"
#include "websocket/codec/error.hpp"
#include "websocket/codec/handshake.hpp"

namespace l7::websocket {
namespace {

constexpr const char* rfc_key = "dGhlIHNhbXBsZSBub25jZQ==";

TEST(websocket_handshake, accept_key_rfc6455_1_3) {
  EXPECT_EQ(accept_key(rfc_key), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(websocket_handshake, make_key_is_16_random_bytes) {
  std::set<std::string> keys;
  for (int i = 0; i < 20; ++i) {
    auto k = make_key();
    EXPECT_EQ(k.size(), 24u);
    auto raw = base64_decode(k);
    ASSERT_TRUE(raw);
    EXPECT_EQ(raw->size(), 16u);
    keys.insert(k);
  }
  EXPECT_EQ(keys.size(), 20u);
}

// RFC 6455 §1.2's example request.
http::request_head good_request() {
  http::request_head r;
  r.method = "GET";
  r.target = "/chat";
  r.headers.add("Host", "server.example.com");
  r.headers.add("Upgrade", "websocket");
  r.headers.add("Connection", "Upgrade");
  r.headers.add("Sec-WebSocket-Key", rfc_key);
  r.headers.add("Origin", "http://example.com");
  r.headers.add("Sec-WebSocket-Protocol", "chat, superchat");
  r.headers.add("Sec-WebSocket-Version", "13");
  return r;
}

TEST(websocket_handshake, accepts_a_valid_request) {
  std::error_code ec;
  server_options opt;
  opt.protocols = {"superchat", "chat"};
  auto a = accept(good_request(), opt, ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(a.response.status, 101);
  EXPECT_TRUE(a.response.headers.has_token("Upgrade", "websocket"));
  EXPECT_TRUE(a.response.headers.has_token("Connection", "upgrade"));
  EXPECT_EQ(a.response.headers.get("Sec-WebSocket-Accept"), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  // §4.2.2 item 5.3: the client's order decides, not ours.
  EXPECT_EQ(a.protocol, "chat");
  EXPECT_EQ(a.response.headers.get("Sec-WebSocket-Protocol"), "chat");
  EXPECT_FALSE(a.deflate);
  EXPECT_FALSE(a.response.headers.get("Sec-WebSocket-Extensions"));
  EXPECT_TRUE(is_upgrade_request(good_request()));
}

// Builds a variant of the good request: `edit` changes it.
template <typename F>
http::request_head variant(F edit) {
  auto r = good_request();
  edit(r);
  return r;
}

http::request_head without(const char* name) {
  return variant([&](http::request_head& r) { r.headers.erase(name); });
}

http::request_head with(const char* name, const char* value) {
  return variant([&](http::request_head& r) { r.headers.set(name, value); });
}

struct failure_case {
  const char* name;
  http::request_head req;
  error e;
  int status;
};

TEST(websocket_handshake, failures_and_statuses) {
  const failure_case cases[] = {
      {"POST", variant([](auto& r) { r.method = "POST"; }), error::not_get, 405},
      {"lower-case get", variant([](auto& r) { r.method = "get"; }), error::not_get, 405},
      {"HTTP/1.0", variant([](auto& r) { r.version = 10; }), error::bad_http_version, 400},
      {"no Upgrade", without("Upgrade"), error::missing_upgrade, 400},
      {"Upgrade: h2c", with("Upgrade", "h2c"), error::missing_upgrade, 400},
      {"no Connection", without("Connection"), error::missing_connection, 400},
      {"Connection: keep-alive", with("Connection", "keep-alive"), error::missing_connection, 400},
      {"no key", without("Sec-WebSocket-Key"), error::bad_key, 400},
      {"key not base64", with("Sec-WebSocket-Key", "not base64 at all!!!!!!"), error::bad_key,
       400},
      {"key of 15 bytes", with("Sec-WebSocket-Key", "MTIzNDU2Nzg5MDEyMzQ1"), error::bad_key, 400},
      {"key of 17 bytes", with("Sec-WebSocket-Key", "MTIzNDU2Nzg5MDEyMzQ1Njc="), error::bad_key,
       400},
      {"two keys", variant([](auto& r) { r.headers.add("Sec-WebSocket-Key", rfc_key); }),
       error::bad_key, 400},
      {"version 8", with("Sec-WebSocket-Version", "8"), error::bad_version, 426},
      {"no version", without("Sec-WebSocket-Version"), error::bad_version, 426},
      {"two versions", variant([](auto& r) { r.headers.add("Sec-WebSocket-Version", "13"); }),
       error::bad_version, 426},
      {"bad extension syntax", with("Sec-WebSocket-Extensions", "permessage-deflate;"),
       error::bad_extensions, 400},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::error_code ec;
    auto a = accept(c.req, {}, ec);
    EXPECT_EQ(ec, c.e) << ec.message();
    EXPECT_EQ(status_for(ec), c.status);
    EXPECT_EQ(a.response.status, c.status);
    EXPECT_FALSE(a.response.headers.get("Sec-WebSocket-Accept"));
    // §4.4: a version mismatch names the versions we speak.
    if (c.e == error::bad_version) {
      EXPECT_EQ(a.response.headers.get("Sec-WebSocket-Version"), "13");
    }
  }
}

TEST(websocket_handshake, token_lists_and_case) {
  for (auto req : {with("Connection", "keep-alive, Upgrade"), with("Connection", "UPGRADE"),
                   with("Upgrade", "WebSocket"), with("Upgrade", "h2c, websocket"),
                   variant([](auto& r) {
                     r.headers.set("Connection", "keep-alive");
                     r.headers.add("Connection", "upgrade");
                   })}) {
    std::error_code ec;
    accept(req, {}, ec);
    EXPECT_FALSE(ec) << ec.message();
  }
  EXPECT_FALSE(is_upgrade_request(with("Upgrade", "h2c")));
  EXPECT_FALSE(is_upgrade_request(variant([](auto& r) { r.method = "POST"; })));
}

TEST(websocket_handshake, origin_policy) {
  server_options opt;
  std::string seen = "unset";
  opt.origin_allowed = [&](std::string_view origin) {
    seen = origin;
    return origin == "https://good.example";
  };
  std::error_code ec;
  auto a = accept(good_request(), opt, ec);
  EXPECT_EQ(ec, error::origin_refused);
  EXPECT_EQ(a.response.status, 403);
  EXPECT_EQ(seen, "http://example.com");
  accept(with("Origin", "https://good.example"), opt, ec);
  EXPECT_FALSE(ec);
  accept(without("Origin"), opt, ec);  // no Origin (not a browser): the policy sees ""
  EXPECT_EQ(seen, "");
  EXPECT_EQ(ec, error::origin_refused);
}

TEST(websocket_handshake, subprotocol_selection) {
  struct proto_case {
    std::vector<std::string> ours;
    std::vector<const char*> fields;  // Sec-WebSocket-Protocol fields sent by the client
    std::string chosen;
  };
  const proto_case cases[] = {
      {{"chat"}, {"chat, superchat"}, "chat"},
      {{"superchat", "chat"}, {"chat, superchat"}, "chat"},
      {{"superchat"}, {"chat, superchat"}, "superchat"},
      {{"mqtt"}, {"chat, superchat"}, ""},
      {{}, {"chat"}, ""},
      {{"b"}, {"a", "b"}, "b"},  // several fields form one list
      {{"Chat"}, {"chat"}, ""},   // protocol names are case-sensitive
  };
  for (const auto& c : cases) {
    auto req = without("Sec-WebSocket-Protocol");
    for (const char* f : c.fields) req.headers.add("Sec-WebSocket-Protocol", f);
    server_options opt;
    opt.protocols = c.ours;
    std::error_code ec;
    auto a = accept(req, opt, ec);
    ASSERT_FALSE(ec);
    EXPECT_EQ(a.protocol, c.chosen);
    EXPECT_EQ(a.response.headers.get("Sec-WebSocket-Protocol").value_or(""), c.chosen);
  }
}

client_options full_client() {
  client_options o;
  o.host = "server.example.com:8080";
  o.target = "/chat?room=a";
  o.origin = "http://example.com";
  o.protocols = {"superchat", "chat"};
  o.deflate = deflate_offer{.server_max_window_bits = 12};
  o.headers.add("Authorization", "Bearer x");
  return o;
}

TEST(websocket_handshake, client_request_and_check_response_round_trip) {
  const auto opt = full_client();
  const std::string key = make_key();
  auto req = client_request(opt, key);
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.target, "/chat?room=a");
  EXPECT_EQ(req.headers.get("Host"), "server.example.com:8080");
  EXPECT_EQ(req.headers.get("Authorization"), "Bearer x");
  EXPECT_EQ(req.headers.get("Sec-WebSocket-Protocol"), "superchat, chat");
  server_options sopt;
  sopt.protocols = {"chat", "superchat"};
  std::error_code ec;
  auto a = accept(req, sopt, ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(a.protocol, "superchat");
  ASSERT_TRUE(a.deflate);
  EXPECT_EQ(a.deflate->server_max_window_bits, 12);
  auto c = check_response(a.response, key, opt, ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(c.protocol, "superchat");
  ASSERT_TRUE(c.deflate);
  EXPECT_EQ(c.deflate->server_max_window_bits, 12);

  // Without options: "/" and no optional fields.
  client_options bare;
  bare.host = "h";
  auto r2 = client_request(bare, key);
  EXPECT_EQ(r2.target, "/");
  EXPECT_FALSE(r2.headers.get("Origin"));
  EXPECT_FALSE(r2.headers.get("Sec-WebSocket-Protocol"));
  EXPECT_FALSE(r2.headers.get("Sec-WebSocket-Extensions"));
  auto a2 = accept(r2, {}, ec);
  ASSERT_FALSE(ec);
  auto c2 = check_response(a2.response, key, bare, ec);
  EXPECT_FALSE(ec);
  EXPECT_EQ(c2.protocol, "");
  EXPECT_FALSE(c2.deflate);
}

TEST(websocket_handshake, check_response_failures) {
  const auto opt = full_client();
  const std::string key = rfc_key;
  http::response_head good;
  good.status = 101;
  good.headers.add("Upgrade", "websocket");
  good.headers.add("Connection", "Upgrade");
  good.headers.add("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  std::error_code ec;
  check_response(good, key, opt, ec);
  ASSERT_FALSE(ec) << ec.message();

  struct bad {
    const char* name;
    std::function<void(http::response_head&)> edit;
    error e;
  };
  const bad cases[] = {
      {"200", [](auto& r) { r.status = 200; }, error::bad_status},
      {"426", [](auto& r) { r.status = 426; }, error::bad_status},
      {"no Upgrade", [](auto& r) { r.headers.erase("Upgrade"); }, error::missing_upgrade},
      {"no Connection", [](auto& r) { r.headers.erase("Connection"); }, error::missing_connection},
      {"wrong accept", [](auto& r) { r.headers.set("Sec-WebSocket-Accept", "x3pPLMBiTxaQ9kYGzzhZRbK+xOo="); },
       error::bad_accept},
      {"no accept", [](auto& r) { r.headers.erase("Sec-WebSocket-Accept"); }, error::bad_accept},
      {"unoffered protocol", [](auto& r) { r.headers.add("Sec-WebSocket-Protocol", "mqtt"); },
       error::bad_protocol},
      {"two protocols", [](auto& r) { r.headers.add("Sec-WebSocket-Protocol", "chat, superchat"); },
       error::bad_protocol},
      {"unoffered extension", [](auto& r) { r.headers.add("Sec-WebSocket-Extensions", "x-foo"); },
       error::bad_extension_response},
      {"deflate twice",
       [](auto& r) {
         r.headers.add("Sec-WebSocket-Extensions",
                       "permessage-deflate; server_max_window_bits=12, "
                       "permessage-deflate; server_max_window_bits=12");
       },
       error::bad_extension_response},
      {"window larger than asked",
       [](auto& r) {
         r.headers.add("Sec-WebSocket-Extensions", "permessage-deflate; server_max_window_bits=13");
       },
       error::bad_extension_response},
      {"malformed extensions", [](auto& r) { r.headers.add("Sec-WebSocket-Extensions", ";"); },
       error::bad_extension_response},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto res = good;
    c.edit(res);
    check_response(res, key, opt, ec);
    EXPECT_EQ(ec, c.e) << ec.message();
  }
  // Deflate in the answer when the client offered none.
  auto res = good;
  res.headers.add("Sec-WebSocket-Extensions", "permessage-deflate");
  client_options plain;
  check_response(res, key, plain, ec);
  EXPECT_EQ(ec, error::bad_extension_response);
}

}  // namespace
}  // namespace l7::websocket
