// Autobahn|Testsuite categories 9 (limits and big messages), 10 (auto-fragmentation) and
// 12/13 (permessage-deflate payloads and negotiated parameters) at codec level: messages
// written by one role's writer, read by the other role's reader.
#include <gtest/gtest.h>

#include <random>

#include "core/bytes.hpp"
#include "websocket/codec/handshake.hpp"
#include "websocket/codec/writer.hpp"
#include "ws_test_util.hpp"

namespace l7::websocket::testing {
namespace {

std::string payload_of(opcode op, std::size_t n, unsigned seed = 7) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(op == opcode::text ? 'a' + rng() % 26 : rng() % 256);
  return s;
}

event_record message_ev(opcode op, std::string payload) {
  return {op == opcode::text ? "text" : "binary", std::move(payload)};
}

// 9.1.x / 9.2.x: single-frame messages up to 16 MiB, read in 64 KiB pieces.
TEST(autobahn_9_limits, big_single_frame_messages) {
  for (auto op : {opcode::text, opcode::binary}) {
    for (std::size_t n : {64u << 10, 256u << 10, 1u << 20, 4u << 20, 8u << 20, 16u << 20}) {
      SCOPED_TRACE(n);
      writer w(role::client);
      std::string wire;
      const std::string payload = payload_of(op, n);
      w.message(op, as_bytes(payload), wire);
      auto t = run_whole(wire, server_setup());
      EXPECT_FALSE(t.error) << t.error.message();
      ASSERT_EQ(t.events.size(), 1u);
      EXPECT_TRUE(t.events[0] == message_ev(op, payload));
    }
  }
}

// 9.3.x / 9.4.x: a 4 MiB message in fragments of 64 B to 4 MiB.
TEST(autobahn_9_limits, fragmented_4_mib) {
  for (auto op : {opcode::text, opcode::binary}) {
    const std::string payload = payload_of(op, 4u << 20);
    for (std::size_t frag = 64; frag <= (4u << 20); frag *= 4) {
      SCOPED_TRACE(frag);
      writer w(role::client);
      std::string wire;
      w.message(op, as_bytes(payload), wire, frag);
      auto t = run_whole(wire, server_setup());
      EXPECT_FALSE(t.error) << t.error.message();
      ASSERT_EQ(t.events.size(), 1u);
      EXPECT_TRUE(t.events[0] == message_ev(op, payload));
    }
  }
}

// 9.5.x / 9.6.x: a 1 MiB message arriving in chunks of 64 B to 64 KiB.
TEST(autobahn_9_limits, chunked_delivery) {
  for (auto op : {opcode::text, opcode::binary}) {
    const std::string payload = payload_of(op, 1u << 20);
    writer w(role::client);
    std::string wire;
    w.message(op, as_bytes(payload), wire);
    for (std::size_t chunk = 64; chunk <= (64u << 10); chunk *= 2) {
      SCOPED_TRACE(chunk);
      std::vector<std::size_t> cuts;
      for (std::size_t at = chunk; at < wire.size(); at += chunk) cuts.push_back(at);
      auto t = run_reader(wire, cuts, server_setup());
      EXPECT_FALSE(t.error);
      ASSERT_EQ(t.events.size(), 1u);
      EXPECT_TRUE(t.events[0] == message_ev(op, payload));
    }
  }
}

// 9.7.x / 9.8.x: many small messages back to back; and the limit itself (1009).
TEST(autobahn_9_limits, many_messages_and_the_limit) {
  for (std::size_t n : {0u, 16u, 64u, 256u, 1024u, 4096u}) {
    writer w(role::client);
    std::string wire;
    std::vector<event_record> want;
    for (int i = 0; i < 1000; ++i) {
      auto op = i % 2 ? opcode::binary : opcode::text;
      std::string p = payload_of(op, n, static_cast<unsigned>(i));
      w.message(op, as_bytes(p), wire);
      want.push_back(message_ev(op, std::move(p)));
    }
    auto t = run_whole(wire, server_setup());
    EXPECT_FALSE(t.error);
    EXPECT_TRUE(t.events == want) << n;
  }
  writer w(role::client);
  std::string wire;
  w.binary(as_bytes(payload_of(opcode::binary, (1u << 20) + 1)), wire);
  auto t = run_whole(wire, server_setup({.max_message = 1u << 20}));
  EXPECT_EQ(t.error, error::message_too_big);
  EXPECT_EQ(close_code_for(t.error), 1009);
}

// 10.1.1: a 64 KiB message sent with auto-fragmentation at 1300 bytes, plain and compressed.
TEST(autobahn_10_misc, auto_fragmentation) {
  const std::string payload = payload_of(opcode::text, 65536);
  for (bool compress : {false, true}) {
    writer w(role::server);
    if (compress) w.enable_deflate(15, false, 0);
    std::string wire;
    w.message(opcode::text, as_bytes(payload), wire, 1300);
    // Every frame carries at most 1300 bytes; only the last has FIN.
    std::size_t pos = 0, frames = 0;
    frame_header h;
    std::error_code ec;
    while (pos < wire.size()) {
      std::size_t n = decode_header(bytes(wire).subspan(pos), h, ec);
      ASSERT_GT(n, 0u);
      EXPECT_LE(h.length, 1300u);
      pos += n + h.length;
      ++frames;
      EXPECT_EQ(h.fin, pos == wire.size());
    }
    EXPECT_GT(frames, compress ? 1u : 50u);
    auto t = run_whole(wire, {.r = role::client, .deflate = compress});
    EXPECT_FALSE(t.error);
    EXPECT_EQ(t.events, std::vector{text_ev(payload)});
  }
}

// Payload kinds of category 12: repetitive text, random text, random binary, structured binary.
std::string kind_payload(int kind, std::size_t n) {
  std::string s;
  switch (kind) {
    case 0:
      while (s.size() < n) s += "The quick brown fox jumps over the lazy dog. ";
      break;
    case 1: return payload_of(opcode::text, n, 12);
    case 2: return payload_of(opcode::binary, n, 13);
    default:
      for (std::size_t i = 0; s.size() < n; ++i) s += std::to_string(i * i) + '\0';
  }
  s.resize(n);
  return s;
}

// A pair of peers whose deflate settings come from one negotiated parameter set.
struct peers {
  writer server_w{role::server}, client_w{role::client};
  reader_setup server_r{.r = role::server, .deflate = true};
  reader_setup client_r{.r = role::client, .deflate = true};
  explicit peers(const deflate_params& p, std::size_t fragment = 0) : fragment(fragment) {
    server_w.enable_deflate(p.server_max_window_bits, p.server_no_context_takeover, 0);
    client_w.enable_deflate(p.client_max_window_bits, p.client_no_context_takeover, 0);
    server_r.window_bits = p.client_max_window_bits;
    server_r.no_context_takeover = p.client_no_context_takeover;
    client_r.window_bits = p.server_max_window_bits;
    client_r.no_context_takeover = p.server_no_context_takeover;
  }
  std::size_t fragment;
};

// Sends every message both ways; each side must read exactly what the other wrote.
void send_both_ways(peers& p, const std::vector<std::pair<opcode, std::string>>& messages) {
  std::string to_server, to_client;
  std::vector<event_record> want;
  for (const auto& [op, payload] : messages) {
    p.client_w.message(op, as_bytes(payload), to_server, p.fragment);
    p.server_w.message(op, as_bytes(payload), to_client, p.fragment);
    want.push_back(message_ev(op, payload));
  }
  auto at_server = run_whole(to_server, p.server_r);
  auto at_client = run_whole(to_client, p.client_r);
  EXPECT_FALSE(at_server.error) << at_server.error.message();
  EXPECT_FALSE(at_client.error) << at_client.error.message();
  EXPECT_TRUE(at_server.events == want);
  EXPECT_TRUE(at_client.events == want);
}

TEST(autobahn_12_compression, payload_kinds_and_sizes) {
  for (int kind = 0; kind < 4; ++kind) {
    for (std::size_t fragment : {0u, 256u}) {
      SCOPED_TRACE("kind " + std::to_string(kind) + " fragment " + std::to_string(fragment));
      peers p(deflate_params{}, fragment);
      std::vector<std::pair<opcode, std::string>> messages;
      auto op = kind == 0 || kind == 1 ? opcode::text : opcode::binary;
      for (std::size_t n = 16; n <= (128u << 10); n *= 2)
        for (int i = 0; i < 2; ++i) messages.push_back({op, kind_payload(kind, n)});
      send_both_ways(p, messages);
    }
  }
}

struct negotiation_case {
  const char* id;
  std::string offers;     // Sec-WebSocket-Extensions the client sends
  deflate_offer checked;  // the offer the client checks the answer against
  deflate_policy policy;
};

TEST(autobahn_13_compression, negotiated_parameters) {
  const negotiation_case cases[] = {
      {"13.1 default", "permessage-deflate; client_max_window_bits", {}, {}},
      {"13.2 client_no_context_takeover",
       "permessage-deflate; client_max_window_bits; client_no_context_takeover",
       {.client_no_context_takeover = true, .server_max_window_bits = {}}, {}},
      {"13.3 server window 9", "permessage-deflate; server_max_window_bits=9",
       {.server_max_window_bits = 9}, {}},
      {"13.4 server window 15", "permessage-deflate; server_max_window_bits=15",
       {.server_max_window_bits = 15}, {}},
      {"13.5 no takeover, window 9",
       "permessage-deflate; client_no_context_takeover; server_no_context_takeover; "
       "server_max_window_bits=9",
       {.client_no_context_takeover = true, .server_no_context_takeover = true,
        .server_max_window_bits = 9},
       {}},
      {"13.6 server policy drops context, window 10", "permessage-deflate", {},
       {.max_window_bits = 10, .server_no_context_takeover = true}},
      {"13.7 several offers, first acceptable one wins",
       "permessage-deflate; server_max_window_bits=8, permessage-deflate; "
       "server_max_window_bits=11, permessage-deflate",
       {.server_max_window_bits = 11}, {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.id);
    client_options copt;
    copt.host = "h";
    copt.deflate = c.checked;
    const std::string key = make_key();
    auto req = client_request(copt, key);
    req.headers.set("Sec-WebSocket-Extensions", c.offers);
    server_options sopt;
    sopt.deflate = c.policy;
    std::error_code ec;
    auto a = accept(req, sopt, ec);
    ASSERT_FALSE(ec) << ec.message();
    ASSERT_TRUE(a.deflate);
    auto cl = check_response(a.response, key, copt, ec);
    ASSERT_FALSE(ec) << ec.message();
    ASSERT_TRUE(cl.deflate);
    EXPECT_EQ(cl.deflate->server_max_window_bits, a.deflate->server_max_window_bits);
    EXPECT_EQ(cl.deflate->server_no_context_takeover, a.deflate->server_no_context_takeover);
    EXPECT_EQ(cl.deflate->client_no_context_takeover, a.deflate->client_no_context_takeover);
    // Each side configures its writer and reader from its own view of the parameters.
    peers p(*a.deflate);
    p.client_w.enable_deflate(cl.deflate->client_max_window_bits,
                              cl.deflate->client_no_context_takeover, 0);
    std::vector<std::pair<opcode, std::string>> messages;
    for (std::size_t n : {16u, 1024u, 65536u})
      for (int kind = 0; kind < 4; ++kind)
        messages.push_back({kind < 2 ? opcode::text : opcode::binary, kind_payload(kind, n)});
    send_both_ways(p, messages);
  }
}

// The negotiated window really bounds the compressor: data that repeats every 1000 bytes
// compresses well with a 32 KiB window and hardly at all with a 512-byte one.
TEST(autobahn_13_compression, window_bits_take_effect) {
  const std::string block = payload_of(opcode::binary, 1000, 99);
  std::string data;
  for (int i = 0; i < 20; ++i) data += block;
  std::size_t size[16] = {};
  for (int bits : {9, 15}) {
    writer w(role::server);
    w.enable_deflate(bits, false, 0);
    std::string out;
    w.binary(as_bytes(data), out);
    size[bits] = out.size();
  }
  EXPECT_LT(size[15] * 5, size[9]);
}

}  // namespace
}  // namespace l7::websocket::testing
