// websocket::reader (RFC 6455 §5-§7): multi-frame streams split at every offset, every framing
// error with the close code it maps to, message size limits, and that nothing comes out after
// a close or an error.
#include <gtest/gtest.h>

#include <cstring>

#include "ws_test_util.hpp"

namespace l7::websocket::testing {
namespace {

struct stream_case {
  const char* name;
  std::string wire;
  role r;
  std::vector<event_record> events;
  std::error_code error = {};
  reader_limits lim = {};
  bool deflate = false;
};

std::vector<stream_case> stream_cases() {
  const std::string big(300, 'b');
  const std::string huge(70000, 'h');
  return {
      {"fragmented text with control frames interleaved, then close",
       cframe(opcode::text, "Hel", false) + cframe(opcode::ping, "p1") +
           cframe(opcode::continuation, "lo ", false) + cframe(opcode::pong, "") +
           cframe(opcode::continuation, "world") + cframe(opcode::binary, big) +
           cframe(opcode::close, close_body(1000, "done")),
       role::server,
       {ping_ev("p1"), pong_ev(""), text_ev("Hello world"), binary_ev(big), close_ev(1000, "done")}},
      {"same stream, server to client", sframe(opcode::text, "Hel", false) +
           sframe(opcode::ping, "p1") + sframe(opcode::continuation, "lo ", false) +
           sframe(opcode::pong, "") + sframe(opcode::continuation, "world") +
           sframe(opcode::close, close_body(1001)),
       role::client, {ping_ev("p1"), pong_ev(""), text_ev("Hello world"), close_ev(1001)}},
      {"empty fragments and empty messages",
       cframe(opcode::text, "", false) + cframe(opcode::continuation, "", false) +
           cframe(opcode::continuation, "x") + cframe(opcode::binary, "") +
           cframe(opcode::text, "") + cframe(opcode::binary, "", false) +
           cframe(opcode::continuation, ""),
       role::server, {text_ev("x"), binary_ev(""), text_ev(""), binary_ev("")}},
      {"every length form across fragments",
       cframe(opcode::binary, huge.substr(0, 125), false) +
           cframe(opcode::continuation, huge.substr(125, 126), false) +
           cframe(opcode::continuation, huge.substr(251)) + cframe(opcode::text, big),
       role::server, {binary_ev(huge), text_ev(big)}},
      {"close without a status code", cframe(opcode::close, ""), role::server, {close_ev(1005)}},
      {"frames after close are not read",
       cframe(opcode::close, close_body(1000)) + cframe(opcode::text, "late") +
           cframe(opcode::ping, ""),
       role::server, {close_ev(1000)}},
      {"frames after an error are not read",
       cframe(opcode::text, "ok") + make_frame(3, "") + cframe(opcode::text, "late"),
       role::server, {text_ev("ok")}, error::reserved_opcode},
      {"continuation after a finished message",
       cframe(opcode::text, "x") + cframe(opcode::continuation, "y") + cframe(opcode::text, "z"),
       role::server, {text_ev("x")}, error::unexpected_continuation},
      {"ping in the middle of a long fragment sequence",
       cframe(opcode::binary, "a", false) + cframe(opcode::continuation, "b", false) +
           cframe(opcode::ping, "!") + cframe(opcode::continuation, "c", false) +
           cframe(opcode::continuation, "d"),
       role::server, {ping_ev("!"), binary_ev("abcd")}},
  };
}

TEST(websocket_reader, streams_at_every_split) {
  for (const auto& c : stream_cases()) {
    SCOPED_TRACE(c.name);
    reader_setup s{.r = c.r, .lim = c.lim, .deflate = c.deflate};
    // Long streams: every offset near the ends, every 97th in between (bounded runtime).
    auto t = read_all_ways(c.wire, s, c.wire.size() > 4096 ? 97 : 1);
    EXPECT_EQ(t.events, c.events) << show(t);
    EXPECT_EQ(t.error, c.error) << t.error.message();
  }
}

struct error_case {
  const char* name;
  std::string wire;
  error e;
  std::uint16_t close_code;
  role r = role::server;
  bool deflate = false;
  std::uint64_t max_message = 64ull << 20;
};

std::vector<error_case> error_cases() {
  std::vector<error_case> v = {
      {"RSV1 without deflate", make_frame(opcode::text, "x", {.rsv1 = true}), error::reserved_bits,
       1002},
      {"RSV2", make_frame(opcode::binary, "x", {.rsv2 = true}), error::reserved_bits, 1002},
      {"RSV3", make_frame(opcode::binary, "x", {.rsv3 = true}), error::reserved_bits, 1002},
      {"RSV2 with deflate", make_frame(opcode::binary, "x", {.rsv2 = true}), error::reserved_bits,
       1002, role::server, true},
      {"RSV1 on a continuation (deflate)",
       cframe(opcode::text, "a", false) + make_frame(opcode::continuation, "b", {.rsv1 = true}),
       error::reserved_bits, 1002, role::server, true},
      {"RSV1 on a ping (deflate)", make_frame(opcode::ping, "", {.rsv1 = true}),
       error::reserved_bits, 1002, role::server, true},
      {"RSV1 on a close (deflate)", make_frame(opcode::close, "", {.rsv1 = true}),
       error::reserved_bits, 1002, role::server, true},
      {"unmasked frame to a server", sframe(opcode::text, "x"), error::unmasked_frame, 1002},
      {"unmasked ping to a server", sframe(opcode::ping, ""), error::unmasked_frame, 1002},
      {"masked frame to a client", cframe(opcode::text, "x"), error::masked_frame, 1002,
       role::client},
      {"64-bit length with MSB set", hex("82 ff 80 00 00 00 00 00 00 01 37 fa 21 3d"),
       error::bad_length, 1002},
      {"ping over 125 bytes", cframe(opcode::ping, std::string(126, 'p')),
       error::control_too_long, 1002},
      {"close over 125 bytes", cframe(opcode::close, close_body(1000, std::string(124, 'r'))),
       error::control_too_long, 1002},
      {"fragmented ping", cframe(opcode::ping, "", false), error::control_fragmented, 1002},
      {"fragmented close", cframe(opcode::close, "", false), error::control_fragmented, 1002},
      {"continuation without a message", cframe(opcode::continuation, "x"),
       error::unexpected_continuation, 1002},
      {"text inside a fragmented message",
       cframe(opcode::text, "a", false) + cframe(opcode::text, "b"), error::expected_continuation,
       1002},
      {"binary inside a fragmented message",
       cframe(opcode::binary, "a", false) + cframe(opcode::binary, "b"),
       error::expected_continuation, 1002},
      {"close with a 1-byte payload", cframe(opcode::close, "\x03"), error::bad_close_payload,
       1002},
      {"single frame over max_message", cframe(opcode::binary, std::string(11, 'x')),
       error::message_too_big, 1009, role::server, false, 10},
      {"fragments over max_message",
       cframe(opcode::text, std::string(6, 'x'), false) +
           cframe(opcode::continuation, std::string(5, 'x')),
       error::message_too_big, 1009, role::server, false, 10},
      {"many empty-ish fragments over max_message",
       cframe(opcode::binary, "12345", false) + cframe(opcode::continuation, "", false) +
           cframe(opcode::continuation, "12345", false) + cframe(opcode::continuation, "1"),
       error::message_too_big, 1009, role::server, false, 10},
  };
  for (int op : {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF})
    v.push_back({"reserved opcode", make_frame(static_cast<std::uint8_t>(op), ""),
                 error::reserved_opcode, 1002});
  return v;
}

TEST(websocket_reader, errors_and_close_codes) {
  for (const auto& c : error_cases()) {
    SCOPED_TRACE(std::string(c.name) + " " + to_hex(c.wire.substr(0, 4)));
    reader_setup s{.r = c.r, .deflate = c.deflate};
    s.lim.max_message = c.max_message;
    // A valid frame after the bad one must never come out.
    auto t = read_all_ways(c.wire + cframe(opcode::text, "after"), s);
    EXPECT_EQ(t.error, c.e) << t.error.message();
    EXPECT_EQ(close_code_for(t.error), c.close_code);
    EXPECT_TRUE(t.events.empty()) << show(t);
  }
}

TEST(websocket_reader, limits_are_inclusive) {
  reader_setup s = server_setup({.max_message = 10});
  auto t = read_all_ways(cframe(opcode::binary, std::string(10, 'x')) +
                             cframe(opcode::text, "12345", false) +
                             cframe(opcode::continuation, "67890"),
                         s);
  EXPECT_FALSE(t.error) << t.error.message();
  EXPECT_EQ(t.events, (std::vector{binary_ev(std::string(10, 'x')), text_ev("1234567890")}));
}

// The 64-bit length is checked when the header arrives, before any payload byte: a peer cannot
// make the reader wait for (or buffer) a message it will refuse anyway.
TEST(websocket_reader, too_big_fails_at_the_header) {
  reader r(role::server, {.max_message = 1000});
  std::string head = cframe(opcode::binary, std::string(1001, 'x')).substr(0, 8);
  auto space = r.prepare(head.size());
  std::memcpy(space.data(), head.data(), head.size());
  r.commit(head.size());
  std::error_code ec;
  r.next(ec);
  EXPECT_EQ(ec, error::message_too_big);
  EXPECT_EQ(close_code_for(ec), 1009);
}

TEST(websocket_reader, nothing_after_close_or_error) {
  for (bool error_first : {false, true}) {
    reader r(role::server);
    std::string wire = (error_first ? make_frame(0xB, "") : cframe(opcode::close, "")) +
                       cframe(opcode::text, "x");
    r.feed(bytes(wire));
    std::error_code ec;
    auto first = r.next(ec);
    EXPECT_EQ(static_cast<bool>(ec), error_first);
    EXPECT_EQ(std::holds_alternative<close_event>(first), !error_first);
    for (int i = 0; i < 3; ++i) {
      auto ev = r.next(ec);
      EXPECT_FALSE(ec);
      EXPECT_TRUE(std::holds_alternative<need_more>(ev));
    }
  }
}

TEST(websocket_reader, busy_while_a_message_or_frame_is_open) {
  reader r(role::server);
  std::error_code ec;
  EXPECT_FALSE(r.busy());
  std::string f1 = cframe(opcode::text, "abc", false);
  r.feed(bytes(f1.substr(0, 7)));  // header and one payload byte
  EXPECT_TRUE(std::holds_alternative<need_more>(r.next(ec)));
  EXPECT_TRUE(r.busy());
  r.feed(bytes(f1.substr(7)));
  EXPECT_TRUE(std::holds_alternative<need_more>(r.next(ec)));
  EXPECT_TRUE(r.busy());  // the message is still open
  r.feed(bytes(cframe(opcode::continuation, "d")));
  auto ev = r.next(ec);
  ASSERT_TRUE(std::holds_alternative<message_event>(ev));
  EXPECT_EQ(std::get<message_event>(ev).text(), "abcd");
  EXPECT_FALSE(r.busy());
}

// Memory stays bounded by the buffer and the message limit, and an idle reader gives it back.
TEST(websocket_reader, memory_is_bounded_and_released) {
  reader r(role::server, {.max_message = 1 << 20, .max_buffer = 16 * 1024});
  const std::string wire = cframe(opcode::binary, std::string(1 << 20, 'm'));
  std::error_code ec;
  std::size_t pos = 0, messages = 0;
  while (pos < wire.size()) {
    std::size_t n = std::min<std::size_t>(wire.size() - pos, 16 * 1024);
    auto space = r.prepare(n);
    std::memcpy(space.data(), wire.data() + pos, n);
    r.commit(n);
    pos += n;
    auto ev = r.next(ec);
    ASSERT_FALSE(ec);
    if (auto* m = std::get_if<message_event>(&ev)) {
      EXPECT_EQ(m->payload.size(), 1u << 20);
      ++messages;
    }
    EXPECT_LE(r.buffered(), 0u);
  }
  EXPECT_EQ(messages, 1u);
  EXPECT_LE(r.memory(), (1u << 20) + 2 * 16 * 1024 + 4096);
  r.shrink_if_idle();
  EXPECT_LE(r.memory(), 16u * 1024);
  EXPECT_THROW(r.prepare(16 * 1024 + 1), std::length_error);
}

// A whole single-frame message already buffered is handed out from the input buffer itself.
TEST(websocket_reader, buffered_message_is_not_copied) {
  reader r(role::client);
  std::string wire = sframe(opcode::binary, "zero copy");
  auto space = r.prepare(wire.size());
  std::memcpy(space.data(), wire.data(), wire.size());
  r.commit(wire.size());
  std::error_code ec;
  auto ev = r.next(ec);
  ASSERT_TRUE(std::holds_alternative<message_event>(ev));
  const auto& m = std::get<message_event>(ev);
  EXPECT_EQ(m.text(), "zero copy");
  EXPECT_EQ(m.payload.data(), space.data() + 2);
}

}  // namespace
}  // namespace l7::websocket::testing
