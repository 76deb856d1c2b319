// Autobahn|Testsuite categories 1-5 (framing, pings, reserved bits, opcodes, fragmentation)
// expressed at codec level: what a server's reader must make of each case's client frames.
// "Fail" means the connection fails with close code 1002; events before it still count.
#include <gtest/gtest.h>

#include "ws_test_util.hpp"

namespace l7::websocket::testing {
namespace {

struct ab_case {
  const char* id;
  std::string wire;
  std::vector<event_record> events;
  error fail = {};  // error{} (0): no failure
};

void run_cases(const std::vector<ab_case>& cases) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.id);
    // Autobahn also sends many cases in chunks and byte by byte: read_all_ways covers both.
    auto t = read_all_ways(c.wire, server_setup(), c.wire.size() > 4096 ? 997 : 1);
    EXPECT_EQ(t.events, c.events) << show(t);
    if (c.fail == error{}) {
      EXPECT_FALSE(t.error) << t.error.message();
    } else {
      EXPECT_EQ(t.error, c.fail) << t.error.message();
      EXPECT_EQ(close_code_for(t.error), 1002);
    }
  }
}

std::string text_of(std::size_t n) { return std::string(n, '*'); }
std::string binary_of(std::size_t n) { return std::string(n, '\xfe'); }

TEST(autobahn_1_framing, text_and_binary_lengths) {
  std::vector<ab_case> cases;
  for (std::size_t n : {0, 125, 126, 127, 128, 65535, 65536}) {
    cases.push_back({"1.1.x text", cframe(opcode::text, text_of(n)), {text_ev(text_of(n))}});
    cases.push_back({"1.2.x binary", cframe(opcode::binary, binary_of(n)),
                     {binary_ev(binary_of(n))}});
  }
  run_cases(cases);
  // 1.1.8 / 1.2.8: 65536 bytes delivered in chunks of 997 bytes.
  for (auto op : {opcode::text, opcode::binary}) {
    const std::string payload = op == opcode::text ? text_of(65536) : binary_of(65536);
    const std::string wire = cframe(op, payload);
    std::vector<std::size_t> cuts;
    for (std::size_t at = 997; at < wire.size(); at += 997) cuts.push_back(at);
    auto t = run_reader(wire, cuts, server_setup());
    EXPECT_FALSE(t.error);
    const event_record want{op == opcode::text ? "text" : "binary", payload, 0};
    EXPECT_EQ(t.events, std::vector{want});
  }
}

TEST(autobahn_2_pings, pings_and_pongs) {
  std::string ten_pings;
  std::vector<event_record> ten;
  for (int i = 0; i < 10; ++i) {
    ten_pings += cframe(opcode::ping, "payload-" + std::to_string(i));
    ten.push_back(ping_ev("payload-" + std::to_string(i)));
  }
  const std::string binary_ping("\x00\xff\xfe\xfd\xfc\xfb\x00\xff", 8);
  run_cases({
      {"2.1 empty ping", cframe(opcode::ping, ""), {ping_ev("")}},
      {"2.2 text ping", cframe(opcode::ping, "Hello, world!"), {ping_ev("Hello, world!")}},
      {"2.3 binary ping", cframe(opcode::ping, binary_ping), {ping_ev(binary_ping)}},
      {"2.4 ping of 125", cframe(opcode::ping, binary_of(125)), {ping_ev(binary_of(125))}},
      {"2.5 ping of 126", cframe(opcode::ping, binary_of(126)), {}, error::control_too_long},
      {"2.7 unsolicited empty pong", cframe(opcode::pong, ""), {pong_ev("")}},
      {"2.8 unsolicited pong", cframe(opcode::pong, "unsolicited"), {pong_ev("unsolicited")}},
      {"2.9 pong then ping", cframe(opcode::pong, "x") + cframe(opcode::ping, "y"),
       {pong_ev("x"), ping_ev("y")}},
      {"2.10/2.11 ten pings", ten_pings, ten},
  });
}

TEST(autobahn_3_reserved_bits, rsv_without_extension) {
  const std::string ok = cframe(opcode::text, "Hello, world!");
  const std::string ping = cframe(opcode::ping, "");
  run_cases({
      {"3.1 RSV=1 text", make_frame(opcode::text, "Hello, world!", {.rsv3 = true}), {},
       error::reserved_bits},
      {"3.2 RSV=2 after a text", ok + make_frame(opcode::text, "x", {.rsv2 = true}) + ping,
       {text_ev("Hello, world!")}, error::reserved_bits},
      {"3.3 RSV=3", ok + make_frame(opcode::text, "x", {.rsv2 = true, .rsv3 = true}) + ping,
       {text_ev("Hello, world!")}, error::reserved_bits},
      {"3.4 RSV=4", ok + make_frame(opcode::text, "x", {.rsv1 = true}) + ping,
       {text_ev("Hello, world!")}, error::reserved_bits},
      {"3.5 RSV=5 binary", make_frame(opcode::binary, "\xff", {.rsv1 = true, .rsv3 = true}), {},
       error::reserved_bits},
      {"3.6 RSV=6 ping", make_frame(opcode::ping, "p", {.rsv1 = true, .rsv2 = true}), {},
       error::reserved_bits},
      {"3.7 RSV=7 close",
       make_frame(opcode::close, "", {.rsv1 = true, .rsv2 = true, .rsv3 = true}), {},
       error::reserved_bits},
  });
}

TEST(autobahn_4_opcodes, reserved_opcodes) {
  std::vector<ab_case> cases;
  const std::string ok = cframe(opcode::text, "Hello, world!");
  for (std::uint8_t op : {3, 4, 5, 6, 7}) {
    cases.push_back({"4.1.1/2 reserved non-control", make_frame(op, op % 2 ? "" : "reserved"), {},
                     error::reserved_opcode});
    cases.push_back({"4.1.3-5 after a text, before a ping",
                     ok + make_frame(op, "reserved") + cframe(opcode::ping, ""),
                     {text_ev("Hello, world!")}, error::reserved_opcode});
  }
  for (std::uint8_t op : {11, 12, 13, 14, 15}) {
    cases.push_back({"4.2.1/2 reserved control", make_frame(op, op % 2 ? "" : "reserved"), {},
                     error::reserved_opcode});
    cases.push_back({"4.2.3-5 after a text, before a ping",
                     ok + make_frame(op, "reserved") + cframe(opcode::ping, ""),
                     {text_ev("Hello, world!")}, error::reserved_opcode});
  }
  run_cases(cases);
}

TEST(autobahn_5_fragmentation, fragments_and_control_frames) {
  auto frag = [](opcode op, const char* p, bool fin) { return cframe(op, p, fin); };
  const auto cont = opcode::continuation;
  run_cases({
      {"5.1 fragmented ping", frag(opcode::ping, "frag1", false) + frag(cont, "frag2", true), {},
       error::control_fragmented},
      {"5.2 fragmented pong", frag(opcode::pong, "frag1", false) + frag(cont, "frag2", true), {},
       error::control_fragmented},
      {"5.3-5.5 text in two fragments",
       frag(opcode::text, "fragment1", false) + frag(cont, "fragment2", true),
       {text_ev("fragment1fragment2")}},
      {"5.6-5.8 ping between fragments",
       frag(opcode::text, "fragment1", false) + frag(opcode::ping, "ping payload", true) +
           frag(cont, "fragment2", true),
       {ping_ev("ping payload"), text_ev("fragment1fragment2")}},
      {"5.9-5.11 continuation (FIN) without a message, then text",
       frag(cont, "non-continuation payload", true) + frag(opcode::text, "Hello, world!", true),
       {}, error::unexpected_continuation},
      {"5.12-5.14 continuation (no FIN) without a message, then text",
       frag(cont, "non-continuation payload", false) + frag(opcode::text, "Hello, world!", true),
       {}, error::unexpected_continuation},
      {"5.15 two fragments, then a stray continuation",
       frag(opcode::text, "fragment1", false) + frag(cont, "fragment2", true) +
           frag(cont, "fragment3", false) + frag(opcode::text, "fragment4", true),
       {text_ev("fragment1fragment2")}, error::unexpected_continuation},
      {"5.16 repeated stray continuations",
       frag(cont, "fragment1", false) + frag(opcode::text, "fragment2", false) +
           frag(cont, "fragment3", true),
       {}, error::unexpected_continuation},
      {"5.17 repeated stray continuations, FIN set",
       frag(cont, "fragment1", true) + frag(opcode::text, "fragment2", false) +
           frag(cont, "fragment3", true),
       {}, error::unexpected_continuation},
      {"5.18 text fragments both with the text opcode",
       frag(opcode::text, "fragment1", false) + frag(opcode::text, "fragment2", true), {},
       error::expected_continuation},
      {"5.19/5.20 five fragments with pings in between",
       frag(opcode::text, "fragment1", false) + frag(cont, "fragment2", false) +
           frag(opcode::ping, "pongme 1!", true) + frag(cont, "fragment3", false) +
           frag(cont, "fragment4", false) + frag(opcode::ping, "pongme 2!", true) +
           frag(cont, "fragment5", true),
       {ping_ev("pongme 1!"), ping_ev("pongme 2!"),
        text_ev("fragment1fragment2fragment3fragment4fragment5")}},
  });
}

}  // namespace
}  // namespace l7::websocket::testing
