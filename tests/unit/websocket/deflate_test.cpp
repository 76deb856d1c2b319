// permessage-deflate (RFC 7692 §6-§7): writer -> reader round trips in both directions for every
// window size and context-takeover setting, RFC 7692 §7.2.3's examples, the threshold,
// fragmented compressed messages, deflate bombs, corrupt data and the memory budget.
#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <random>

#include "core/bytes.hpp"
#include "websocket/codec/deflate.hpp"
#include "websocket/codec/writer.hpp"
#include "ws_test_util.hpp"

namespace l7::websocket::testing {
namespace {

std::string random_bytes(std::size_t n, unsigned seed, bool ascii) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(ascii ? 0x20 + rng() % 95 : rng() % 256);
  return s;
}

std::string repetitive(std::size_t n) {
  static const std::string unit = "permessage-deflate repeats itself; ";
  std::string s;
  while (s.size() < n) s += unit;
  s.resize(n);
  return s;
}

struct message {
  opcode op;
  std::string payload;
};

std::vector<message> sample_messages() {
  return {
      {opcode::text, ""},
      {opcode::binary, ""},
      {opcode::text, "x"},
      {opcode::binary, std::string(1, '\xff')},
      {opcode::binary, random_bytes(1024, 1, false)},
      {opcode::text, repetitive(1024)},
      {opcode::binary, random_bytes(1 << 20, 2, false)},
      {opcode::text, random_bytes(1 << 20, 3, true)},
      {opcode::text, repetitive(1 << 20)},
      {opcode::binary, repetitive(1024)},  // again: with context takeover it refers back
  };
}

std::vector<event_record> expected_events(const std::vector<message>& ms) {
  std::vector<event_record> v;
  for (const auto& m : ms) v.push_back({m.op == opcode::text ? "text" : "binary", m.payload});
  return v;
}

bool first_frame_compressed(const std::string& wire) {
  return !wire.empty() && (static_cast<unsigned char>(wire[0]) & 0x40) != 0;
}

TEST(websocket_deflate, round_trips_every_window_and_takeover_setting) {
  const auto messages = sample_messages();
  for (role sender : {role::server, role::client}) {
    for (bool nct : {false, true}) {
      for (int bits = 9; bits <= 15; ++bits) {
        SCOPED_TRACE(std::string(sender == role::server ? "server" : "client") + " sends, bits " +
                     std::to_string(bits) + (nct ? ", no context takeover" : ""));
        writer w(sender);
        w.enable_deflate(bits, nct, 0);
        std::string wire;
        for (const auto& m : messages) {
          std::string one;
          w.message(m.op, as_bytes(m.payload), one);
          EXPECT_TRUE(first_frame_compressed(one));
          if (m.payload == repetitive(1 << 20)) {
            EXPECT_LT(one.size(), m.payload.size() / 50);  // it really was compressed
          }
          wire += one;
        }
        reader_setup s{.r = sender == role::server ? role::client : role::server,
                       .deflate = true, .window_bits = bits, .no_context_takeover = nct};
        auto t = run_whole(wire, s);
        EXPECT_FALSE(t.error) << t.error.message();
        EXPECT_TRUE(t.events == expected_events(messages)) << show(t);
      }
    }
  }
}

TEST(websocket_deflate, fragmented_compressed_messages_at_every_split) {
  writer w(role::client);
  w.enable_deflate(15, false, 0);
  const std::string text = random_bytes(600, 4, true) + repetitive(400);
  std::string wire;
  w.message(opcode::text, as_bytes(text), wire, 64);
  w.message(opcode::binary, as_bytes(repetitive(3000)), wire, 7);
  // RSV1 on the first frame of each message only (RFC 7692 §6.1).
  frame_header h;
  std::error_code ec;
  std::size_t n = decode_header(bytes(wire), h, ec);
  EXPECT_TRUE(h.rsv1);
  EXPECT_FALSE(h.fin);
  decode_header(bytes(wire).subspan(n + h.length), h, ec);
  EXPECT_FALSE(h.rsv1);
  EXPECT_EQ(h.op, opcode::continuation);
  reader_setup s{.r = role::server, .deflate = true};
  auto t = read_all_ways(wire, s);
  EXPECT_FALSE(t.error) << t.error.message();
  EXPECT_EQ(t.events, (std::vector{text_ev(text), binary_ev(repetitive(3000))}));
}

TEST(websocket_deflate, threshold_leaves_small_messages_uncompressed) {
  writer w(role::server);
  w.enable_deflate(15, false, 64);
  std::string small, large;
  w.text(std::string(63, 'a'), small);
  w.text(std::string(64, 'a'), large);
  EXPECT_FALSE(first_frame_compressed(small));
  EXPECT_EQ(small.size(), 2u + 63);
  EXPECT_TRUE(first_frame_compressed(large));
  auto t = read_all_ways(small + large, {.r = role::client, .deflate = true});
  EXPECT_EQ(t.events, (std::vector{text_ev(std::string(63, 'a')), text_ev(std::string(64, 'a'))}));
}

// RFC 7692 §7.2.3: the examples, received by a client (server frames are unmasked).
TEST(websocket_deflate, rfc7692_examples_decode) {
  struct rfc_case {
    const char* name;
    std::string wire;
    std::vector<event_record> events;
  };
  const rfc_case cases[] = {
      {"7.2.3.1 Hello", hex("c1 07 f2 48 cd c9 c9 07 00"), {text_ev("Hello")}},
      {"7.2.3.1 fragmented", hex("41 03 f2 48 cd 80 04 c9 c9 07 00"), {text_ev("Hello")}},
      {"7.2.3.2 shared window",
       hex("c1 07 f2 48 cd c9 c9 07 00 c1 05 f2 00 11 00 00"),
       {text_ev("Hello"), text_ev("Hello")}},
      {"7.2.3.3 stored block", hex("c1 0b 00 05 00 fa ff 48 65 6c 6c 6f 00"), {text_ev("Hello")}},
      {"7.2.3.4 BFINAL set", hex("c1 08 f3 48 cd c9 c9 07 00 00"), {text_ev("Hello")}},
      {"7.2.3.5 two blocks", hex("c1 0d f2 48 05 00 00 00 ff ff ca c9 c9 07 00"),
       {text_ev("Hello")}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto t = read_all_ways(c.wire, {.r = role::client, .deflate = true});
    EXPECT_FALSE(t.error) << t.error.message();
    EXPECT_EQ(t.events, c.events);
  }
  // The shared-window example cannot be read by a receiver that drops its window.
  auto t = run_whole(cases[2].wire, {.r = role::client, .deflate = true,
                                     .no_context_takeover = true});
  EXPECT_EQ(t.error, error::bad_compressed_data);
  EXPECT_EQ(t.events, std::vector{text_ev("Hello")});
}

// zlib at level 6 produces the RFC's bytes (§7.2.3.1-2), so the server writer is byte-exact.
TEST(websocket_deflate, writer_produces_rfc7692_bytes) {
  writer w(role::server);
  w.enable_deflate(15, false, 0);
  std::string out;
  w.text("Hello", out);
  EXPECT_EQ(to_hex(out), "c1 07 f2 48 cd c9 c9 07 00");
  out.clear();
  w.text("Hello", out);
  EXPECT_EQ(to_hex(out), "c1 05 f2 00 11 00 00");
  writer fresh(role::server);
  fresh.enable_deflate(15, true, 0);
  out.clear();
  fresh.text("Hello", out);
  fresh.text("Hello", out);
  EXPECT_EQ(to_hex(out), "c1 07 f2 48 cd c9 c9 07 00 c1 07 f2 48 cd c9 c9 07 00");
}

std::string compress(std::string_view data) {
  deflater d(15, true);
  std::string out;
  EXPECT_TRUE(d.compress(as_bytes(data), out));
  return out;
}

TEST(websocket_deflate, bomb_fails_without_inflating_everything) {
  const std::string bomb = compress(std::string(16 << 20, '\0'));  // 16 MiB -> ~16 KiB
  ASSERT_LT(bomb.size(), 64u * 1024);
  const std::string wire = make_frame(opcode::binary, bomb, {.rsv1 = true, .masked = false});
  reader r(role::client, {.max_message = 1 << 20});
  r.enable_deflate(15, false);
  // A quarter of the compressed bytes already inflates past the limit: the error comes then,
  // and the reader never holds much more than max_message.
  const std::size_t part = wire.size() / 4;
  auto space = r.prepare(part);
  std::memcpy(space.data(), wire.data(), part);
  r.commit(part);
  std::error_code ec;
  r.next(ec);
  EXPECT_EQ(ec, error::message_too_big);
  EXPECT_EQ(close_code_for(ec), 1009);
  EXPECT_LE(r.memory(), 2 * (1u << 20) + 64u * 1024) << r.memory();

  // The inflater alone: output stops at max + 1 bytes.
  inflater inf(15, false);
  std::string out;
  inf.feed(bytes(bomb), out, 1000, ec);
  EXPECT_EQ(ec, error::message_too_big);
  EXPECT_LE(out.size(), 1001u);
}

TEST(websocket_deflate, limit_is_exact_for_compressed_messages) {
  for (std::uint64_t max : {999u, 1000u}) {
    writer w(role::client);
    w.enable_deflate(15, false, 0);
    std::string wire;
    w.text(std::string(1000, 'a'), wire);
    reader_setup s{.r = role::server, .deflate = true};
    s.lim.max_message = max;
    auto t = read_all_ways(wire, s);
    EXPECT_EQ(t.error, max == 1000 ? std::error_code{} : make_error_code(error::message_too_big));
  }
  inflater inf(15, false);
  std::string out;
  std::error_code ec;
  const std::string hello = compress("Hello");
  inf.feed(bytes(hello), out, 5, ec);
  inf.finish(out, 5, ec);
  EXPECT_FALSE(ec);
  EXPECT_EQ(out, "Hello");
}

// Invalid UTF-8 within the limit is reported as such however the compressed bytes are split,
// even when one piece inflates past the limit.
TEST(websocket_deflate, error_does_not_depend_on_the_split) {
  const std::string wire = make_frame(opcode::text, compress("ok\xff" + std::string(300, 'a')),
                                      {.rsv1 = true, .masked = false});
  reader_setup s{.r = role::client, .deflate = true};
  s.lim.max_message = 100;
  auto t = read_all_ways(wire, s);
  EXPECT_EQ(t.error, error::invalid_utf8) << t.error.message();
  // Past the limit with valid text: message_too_big at every split.
  const std::string fine = make_frame(opcode::text, compress(std::string(300, 'a')),
                                      {.rsv1 = true, .masked = false});
  EXPECT_EQ(read_all_ways(fine, s).error, error::message_too_big);
}

// The largest limit means "no limit", not an overflow to 0.
TEST(websocket_deflate, unlimited_message_size) {
  reader_setup s{.r = role::client, .deflate = true};
  s.lim.max_message = std::numeric_limits<std::uint64_t>::max();
  auto t = read_all_ways(hex("c1 07 f2 48 cd c9 c9 07 00"), s);
  EXPECT_FALSE(t.error) << t.error.message();
  EXPECT_EQ(t.events, std::vector{text_ev("Hello")});
}

TEST(websocket_deflate, corrupt_data_is_1007) {
  // Invalid block type; a back reference before the start of the window; invalid block type.
  for (const char* payload : {"ff ff ff ff", "f2 00 11 00 00", "07 00 00 00 ff"}) {
    SCOPED_TRACE(payload);
    auto t = read_all_ways(make_frame(opcode::text, hex(payload), {.rsv1 = true, .masked = false}),
                           {.r = role::client, .deflate = true});
    EXPECT_EQ(t.error, error::bad_compressed_data) << t.error.message();
    EXPECT_EQ(close_code_for(t.error), 1007);
  }
  // Inflated text that is not UTF-8 is still 1007, as invalid_utf8.
  auto t = run_whole(make_frame(opcode::text, compress("ok\xff"), {.rsv1 = true, .masked = false}),
                     {.r = role::client, .deflate = true});
  EXPECT_EQ(t.error, error::invalid_utf8);
}

TEST(websocket_deflate, budget_caps_zlib_memory) {
  compression_budget tiny(1000);
  deflater d(15, false, &tiny);
  std::string out = "keep";
  EXPECT_FALSE(d.compress(as_bytes("Hello"), out));
  EXPECT_EQ(out, "keep");
  EXPECT_EQ(tiny.used(), 0u);

  inflater inf(15, false, &tiny);
  std::error_code ec;
  std::string plain;
  inf.feed(bytes(compress("Hello")), plain, 100, ec);
  EXPECT_EQ(ec, error::bad_compressed_data);
  EXPECT_EQ(tiny.used(), 0u);

  // A writer without room sends the message uncompressed, and it still arrives.
  writer w(role::server);
  w.enable_deflate(15, false, 0, &tiny);
  std::string wire;
  w.text("Hello", wire);
  EXPECT_FALSE(first_frame_compressed(wire));
  auto t = run_whole(wire, {.r = role::client, .deflate = true});
  EXPECT_EQ(t.events, std::vector{text_ev("Hello")});

  // A reader without room fails the compressed message.
  auto r = run_whole(hex("c1 07 f2 48 cd c9 c9 07 00"),
                     {.r = role::client, .deflate = true, .budget = &tiny});
  EXPECT_EQ(r.error, error::bad_compressed_data);
}

TEST(websocket_deflate, budget_is_returned_and_estimates_hold) {
  compression_budget budget(64u << 20);
  {
    deflater d(15, false, &budget);
    std::string compressed;
    ASSERT_TRUE(d.compress(as_bytes(repetitive(10000)), compressed));
    EXPECT_GT(budget.used(), 0u);
    EXPECT_EQ(budget.used(), d.memory());
    EXPECT_LE(d.memory(), deflate_memory(15));
    inflater inf(15, false, &budget);
    std::string out;
    std::error_code ec;
    inf.feed(bytes(compressed), out, 1 << 20, ec);
    inf.finish(out, 1 << 20, ec);
    EXPECT_FALSE(ec);
    EXPECT_EQ(out, repetitive(10000));
    EXPECT_GT(inf.memory(), 0u);
    EXPECT_LE(inf.memory(), inflate_memory(15));
    EXPECT_EQ(budget.used(), d.memory() + inf.memory());
  }
  EXPECT_EQ(budget.used(), 0u);
  for (int bits = 9; bits <= 15; ++bits) {
    deflater d(bits, false, &budget);
    std::string out;
    ASSERT_TRUE(d.compress(as_bytes(repetitive(5000)), out));
    EXPECT_LE(d.memory(), deflate_memory(bits)) << bits;
  }
  EXPECT_EQ(budget.used(), 0u);
  compression_budget exact(deflate_memory(12) + inflate_memory(10));
  EXPECT_TRUE(exact.would_fit(12, 10));
  EXPECT_FALSE(exact.would_fit(13, 10));
  EXPECT_TRUE(exact.reserve(exact.cap()));
  EXPECT_FALSE(exact.reserve(1));
  exact.release(exact.cap());
  EXPECT_EQ(exact.used(), 0u);
}

TEST(websocket_deflate, no_context_takeover_frees_memory_between_messages) {
  for (bool nct : {false, true}) {
    SCOPED_TRACE(nct);
    writer w(role::client);
    w.enable_deflate(15, nct, 0);
    std::string wire;
    w.text(repetitive(5000), wire);
    EXPECT_EQ(w.memory() == 0, nct);
    reader r(role::server);
    r.enable_deflate(15, nct);
    r.feed(bytes(wire));
    std::error_code ec;
    auto ev = r.next(ec);
    ASSERT_TRUE(std::holds_alternative<message_event>(ev)) << ec.message();
    // Without takeover only the (small) input buffer is left; with it, zlib's 32 KiB window.
    r.shrink_if_idle();
    EXPECT_EQ(r.memory() < 16 * 1024, nct) << r.memory();
    inflater inf(15, nct);
    std::string out;
    inf.feed(bytes(compress("abc")), out, 100, ec);
    inf.finish(out, 100, ec);
    EXPECT_EQ(inf.memory() == 0, nct);
  }
}

}  // namespace
}  // namespace l7::websocket::testing
