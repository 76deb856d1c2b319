// Sec-WebSocket-Extensions (RFC 6455 §9.1) and permessage-deflate negotiation (RFC 7692 §7.1):
// the grammar, how a server picks an offer, and how a client checks the answer.
#include <gtest/gtest.h>

#include "websocket/codec/extensions.hpp"

namespace l7::websocket {
namespace {

http::fields ext_fields(std::initializer_list<const char*> values) {
  http::fields f;
  for (const char* v : values) f.add("Sec-WebSocket-Extensions", v);
  return f;
}

// "name; p=v; q" per extension, " , " between extensions.
std::string describe(const std::vector<extension>& exts) {
  std::string out;
  for (const auto& e : exts) {
    if (!out.empty()) out += " , ";
    out += e.name;
    for (const auto& p : e.params) out += "; " + p.name + (p.value ? "=" + *p.value : "");
  }
  return out;
}

TEST(websocket_extensions, parse_grammar) {
  struct parse_case {
    std::vector<const char*> fields;
    std::optional<std::string> parsed;  // nullopt: malformed
  };
  const parse_case cases[] = {
      {{"permessage-deflate"}, "permessage-deflate"},
      {{"permessage-deflate; client_max_window_bits"},
       "permessage-deflate; client_max_window_bits"},
      {{" permessage-deflate ;\tserver_max_window_bits = 10 ; server_no_context_takeover "},
       "permessage-deflate; server_max_window_bits=10; server_no_context_takeover"},
      {{"permessage-deflate; server_max_window_bits=\"10\""},
       "permessage-deflate; server_max_window_bits=10"},
      {{"a; b=\"c\\d\""}, "a; b=cd"},  // quoted-pair
      {{"permessage-deflate, x-webkit-deflate-frame"},
       "permessage-deflate , x-webkit-deflate-frame"},
      {{"a", "b; c", "d"}, "a , b; c , d"},  // several fields, in order
      {{"a,,  ,b"}, "a , b"},                // empty list elements are ignored
      {{""}, ""},
      {{"a;"}, std::nullopt},
      {{";a"}, std::nullopt},
      {{"a; =1"}, std::nullopt},
      {{"a; b="}, std::nullopt},
      {{"a; b=\"unterminated"}, std::nullopt},
      {{"a; b=\"c,d\""}, std::nullopt},  // a quoted value must be a token (§9.1)
      {{"a; b=\"\""}, std::nullopt},
      {{"a b"}, std::nullopt},
      {{"a; b=c d"}, std::nullopt},
      {{"@"}, std::nullopt},
      {{"ok", "bad;"}, std::nullopt},
  };
  for (const auto& c : cases) {
    http::fields f;
    std::string trace;
    for (const char* v : c.fields) {
      f.add("Sec-WebSocket-Extensions", v);
      trace += std::string("[") + v + "]";
    }
    SCOPED_TRACE(trace);
    auto parsed = parse_extensions(f);
    ASSERT_EQ(parsed.has_value(), c.parsed.has_value());
    if (parsed) {
      EXPECT_EQ(describe(*parsed), *c.parsed);
    }
  }
  // Field names match case-insensitively; other fields are not looked at.
  http::fields f;
  f.add("sec-websocket-extensions", "a");
  f.add("X-Other", "b;");
  ASSERT_TRUE(parse_extensions(f));
  EXPECT_EQ(describe(*parse_extensions(f)), "a");
}

struct accept_case {
  const char* offers;
  std::optional<std::string> response;  // nullopt: declined
  deflate_params params = {};
  deflate_policy policy = {};
};

TEST(websocket_extensions, accept_deflate) {
  const accept_case cases[] = {
      {"permessage-deflate", "permessage-deflate"},
      {"permessage-deflate; client_max_window_bits", "permessage-deflate"},
      {"permessage-deflate; client_max_window_bits=10", "permessage-deflate",
       {.client_max_window_bits = 10}},
      {"permessage-deflate; client_max_window_bits=8", "permessage-deflate",
       {.client_max_window_bits = 8}},
      {"permessage-deflate; server_no_context_takeover",
       "permessage-deflate; server_no_context_takeover", {.server_no_context_takeover = true}},
      {"permessage-deflate; client_no_context_takeover",
       "permessage-deflate; client_no_context_takeover", {.client_no_context_takeover = true}},
      {"permessage-deflate; server_max_window_bits=10",
       "permessage-deflate; server_max_window_bits=10", {.server_max_window_bits = 10}},
      {"permessage-deflate; server_max_window_bits=9",
       "permessage-deflate; server_max_window_bits=9", {.server_max_window_bits = 9}},
      // First acceptable offer wins; unusable ones are skipped, not errors (§7.1).
      {"x-webkit-deflate-frame, permessage-deflate; server_max_window_bits=8, "
       "permessage-deflate; foo, permessage-deflate; server_max_window_bits=11, permessage-deflate",
       "permessage-deflate; server_max_window_bits=11", {.server_max_window_bits = 11}},
      {"permessage-deflate; server_no_context_takeover; server_no_context_takeover", std::nullopt},
      {"permessage-deflate; client_max_window_bits; client_max_window_bits=9", std::nullopt},
      {"permessage-deflate; unknown", std::nullopt},
      {"permessage-deflate; server_max_window_bits=8", std::nullopt},  // zlib cannot do 256 B
      {"permessage-deflate; server_max_window_bits=010", std::nullopt},
      {"permessage-deflate; server_max_window_bits=16", std::nullopt},
      {"permessage-deflate; server_max_window_bits=7", std::nullopt},
      {"permessage-deflate; server_max_window_bits", std::nullopt},
      {"permessage-deflate; server_max_window_bits=abc", std::nullopt},
      {"permessage-deflate; client_max_window_bits=16", std::nullopt},
      {"permessage-deflate; client_max_window_bits=09", std::nullopt},
      {"permessage-deflate; server_no_context_takeover=1", std::nullopt},
      {"x-webkit-deflate-frame", std::nullopt},
      {"", std::nullopt},
      // Policy: a smaller window of our own, context dropping on either side, or off.
      {"permessage-deflate", "permessage-deflate; server_max_window_bits=12",
       {.server_max_window_bits = 12}, {.max_window_bits = 12}},
      {"permessage-deflate; server_max_window_bits=14",
       "permessage-deflate; server_max_window_bits=12", {.server_max_window_bits = 12},
       {.max_window_bits = 12}},
      {"permessage-deflate",
       "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
       {.server_no_context_takeover = true, .client_no_context_takeover = true},
       {.server_no_context_takeover = true, .client_no_context_takeover = true}},
      {"permessage-deflate", std::nullopt, {}, {.enabled = false}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.offers);
    auto offers = parse_extensions(ext_fields({c.offers}));
    ASSERT_TRUE(offers);
    std::string response;
    auto p = accept_deflate(*offers, c.policy, response);
    ASSERT_EQ(p.has_value(), c.response.has_value());
    if (!p) continue;
    EXPECT_EQ(response, *c.response);
    EXPECT_EQ(p->server_no_context_takeover, c.params.server_no_context_takeover);
    EXPECT_EQ(p->client_no_context_takeover, c.params.client_no_context_takeover);
    EXPECT_EQ(p->server_max_window_bits, c.params.server_max_window_bits);
    EXPECT_EQ(p->client_max_window_bits, c.params.client_max_window_bits);
    // The answer is one a client that made a plain offer accepts, with the same parameters.
    auto answer = parse_extensions(ext_fields({response.c_str()}));
    ASSERT_TRUE(answer && answer->size() == 1);
    auto back = check_deflate_response((*answer)[0], {});
    ASSERT_TRUE(back);
    EXPECT_EQ(back->server_no_context_takeover, p->server_no_context_takeover);
    EXPECT_EQ(back->server_max_window_bits, p->server_max_window_bits);
  }
}

struct response_case {
  const char* answer;
  deflate_offer offer;
  std::optional<deflate_params> params;  // nullopt: the answer is refused
};

TEST(websocket_extensions, check_deflate_response) {
  const response_case cases[] = {
      {"permessage-deflate", {}, deflate_params{}},
      {"permessage-deflate; server_no_context_takeover", {},
       deflate_params{.server_no_context_takeover = true}},
      {"permessage-deflate; client_no_context_takeover", {},
       deflate_params{.client_no_context_takeover = true}},
      {"permessage-deflate", {.client_no_context_takeover = true, .server_max_window_bits = {}},
       deflate_params{.client_no_context_takeover = true}},
      // §7.1.1.1: asked for server_no_context_takeover, the server must agree.
      {"permessage-deflate", {.server_no_context_takeover = true, .server_max_window_bits = {}},
       std::nullopt},
      {"permessage-deflate; server_no_context_takeover",
       {.server_no_context_takeover = true, .server_max_window_bits = {}},
       deflate_params{.server_no_context_takeover = true}},
      // §7.1.2.1: server_max_window_bits no larger than asked, and present when asked.
      {"permessage-deflate; server_max_window_bits=10", {.server_max_window_bits = 10},
       deflate_params{.server_max_window_bits = 10}},
      {"permessage-deflate; server_max_window_bits=9", {.server_max_window_bits = 10},
       deflate_params{.server_max_window_bits = 9}},
      {"permessage-deflate; server_max_window_bits=11", {.server_max_window_bits = 10},
       std::nullopt},
      {"permessage-deflate", {.server_max_window_bits = 10}, std::nullopt},
      {"permessage-deflate; server_max_window_bits=12", {},
       deflate_params{.server_max_window_bits = 12}},
      // §7.1.2.2: client_max_window_bits needs a value; 8 cannot be honoured by zlib.
      {"permessage-deflate; client_max_window_bits=12", {},
       deflate_params{.client_max_window_bits = 12}},
      {"permessage-deflate; client_max_window_bits", {}, std::nullopt},
      {"permessage-deflate; client_max_window_bits=8", {}, std::nullopt},
      {"permessage-deflate; client_max_window_bits=16", {}, std::nullopt},
      {"permessage-deflate; server_max_window_bits=08", {}, std::nullopt},
      {"permessage-deflate; foo", {}, std::nullopt},
      {"permessage-deflate; server_no_context_takeover; server_no_context_takeover", {},
       std::nullopt},
      {"x-webkit-deflate-frame", {}, std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.answer);
    auto answer = parse_extensions(ext_fields({c.answer}));
    ASSERT_TRUE(answer && answer->size() == 1);
    auto p = check_deflate_response((*answer)[0], c.offer);
    ASSERT_EQ(p.has_value(), c.params.has_value());
    if (!p) continue;
    EXPECT_EQ(p->server_no_context_takeover, c.params->server_no_context_takeover);
    EXPECT_EQ(p->client_no_context_takeover, c.params->client_no_context_takeover);
    EXPECT_EQ(p->server_max_window_bits, c.params->server_max_window_bits);
    EXPECT_EQ(p->client_max_window_bits, c.params->client_max_window_bits);
  }
}

TEST(websocket_extensions, offer_text_is_accepted_by_a_server) {
  const deflate_offer offers[] = {
      {},
      {.client_no_context_takeover = true, .server_no_context_takeover = true,
       .server_max_window_bits = {}},
      {.server_max_window_bits = 10},
  };
  for (const auto& o : offers) {
    std::string text = offer_text(o);
    SCOPED_TRACE(text);
    auto parsed = parse_extensions(ext_fields({text.c_str()}));
    ASSERT_TRUE(parsed && parsed->size() == 1);
    std::string response;
    auto p = accept_deflate(*parsed, {}, response);
    ASSERT_TRUE(p);
    auto answer = parse_extensions(ext_fields({response.c_str()}));
    ASSERT_TRUE(answer && answer->size() == 1);
    auto client_side = check_deflate_response((*answer)[0], o);
    ASSERT_TRUE(client_side);
    EXPECT_EQ(client_side->server_max_window_bits, p->server_max_window_bits);
    EXPECT_EQ(client_side->server_no_context_takeover, p->server_no_context_takeover);
    EXPECT_EQ(client_side->client_no_context_takeover, p->client_no_context_takeover);
  }
  EXPECT_EQ(offer_text({}), "permessage-deflate; client_max_window_bits");
}

}  // namespace
}  // namespace l7::websocket
