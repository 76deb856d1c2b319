// UTF-8 of text messages and close reasons (RFC 6455 §8.1, RFC 3629) and close frames (§5.5.1,
// §7.4): the validator fails at the first bad byte even when the rest of the frame has not
// arrived, sequences may straddle fragments, and the close-code table.
#include <gtest/gtest.h>

#include <cstring>

#include "ws_test_util.hpp"

namespace l7::websocket::testing {
namespace {

struct utf8_case {
  const char* name;
  std::string text;
  bool valid;
};

std::vector<utf8_case> utf8_cases() {
  return {
      {"ascii", "Hello", true},
      {"kosme", "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5", true},
      {"U+0000", std::string(1, '\0'), true},
      {"U+0080", "\xc2\x80", true},
      {"U+07FF", "\xdf\xbf", true},
      {"U+0800", "\xe0\xa0\x80", true},
      {"U+D7FF", "\xed\x9f\xbf", true},
      {"U+E000", "\xee\x80\x80", true},
      {"U+FFFE", "\xef\xbf\xbe", true},
      {"U+FFFF", "\xef\xbf\xbf", true},
      {"U+10000", "\xf0\x90\x80\x80", true},
      {"U+10FFFF", "\xf4\x8f\xbf\xbf", true},
      {"overlong NUL, 2 bytes", "\xc0\x80", false},
      {"overlong U+007F, 2 bytes", "\xc1\xbf", false},
      {"overlong NUL, 3 bytes", "\xe0\x80\x80", false},
      {"overlong U+07FF, 3 bytes", "\xe0\x9f\xbf", false},
      {"overlong NUL, 4 bytes", "\xf0\x80\x80\x80", false},
      {"overlong U+FFFF, 4 bytes", "\xf0\x8f\xbf\xbf", false},
      {"surrogate U+D800", "\xed\xa0\x80", false},
      {"surrogate U+DFFF", "\xed\xbf\xbf", false},
      {"surrogate pair", "\xed\xa0\x80\xed\xb0\x80", false},
      {"U+110000", "\xf4\x90\x80\x80", false},
      {"F5 lead", "\xf5\x80\x80\x80", false},
      {"F8 lead", "\xf8\x88\x80\x80\x80", false},
      {"FE", "\xfe", false},
      {"FF", "\xff", false},
      {"lone continuation", "a\x80z", false},
      {"truncated 2-byte at end", "a\xce", false},
      {"truncated 3-byte at end", "a\xe1\xbd", false},
      {"truncated 4-byte at end", "a\xf0\x9f\x98", false},
      {"truncated sequence followed by ASCII", "\xce" "A", false},
  };
}

std::error_code expected(bool valid) {
  return valid ? std::error_code{} : make_error_code(error::invalid_utf8);
}

TEST(websocket_utf8, text_messages_whole_and_in_two_fragments) {
  for (const auto& c : utf8_cases()) {
    SCOPED_TRACE(std::string(c.name) + ": " + to_hex(c.text));
    auto t = read_all_ways(cframe(opcode::text, c.text), server_setup());
    EXPECT_EQ(t.error, expected(c.valid)) << t.error.message();
    EXPECT_EQ(t.events.size(), c.valid ? 1u : 0u);
    if (!c.valid) {
      EXPECT_EQ(close_code_for(t.error), 1007);
    }
    // A sequence cut by a fragment boundary is judged as if it were whole (§5.4, §8.1).
    for (std::size_t cut = 0; cut <= c.text.size(); ++cut) {
      std::string wire = cframe(opcode::text, c.text.substr(0, cut), false) +
                         cframe(opcode::continuation, c.text.substr(cut));
      auto f = read_all_ways(wire, server_setup());
      EXPECT_EQ(f.error, expected(c.valid)) << "cut " << cut;
      if (c.valid) {
        EXPECT_EQ(f.events, std::vector{text_ev(c.text)}) << "cut " << cut;
      }
    }
    // The same bytes in a binary message are nobody's business.
    auto b = run_whole(cframe(opcode::binary, c.text), server_setup());
    EXPECT_FALSE(b.error);
  }
}

TEST(websocket_utf8, sequence_never_completed_fails_at_message_end) {
  // Each fragment alone ends mid-sequence; only the final one decides.
  auto ok = read_all_ways(cframe(opcode::text, "a\xf0", false) +
                              cframe(opcode::continuation, "\x9f", false) +
                              cframe(opcode::continuation, "\x98", false) +
                              cframe(opcode::continuation, "\x80"),
                          server_setup());
  EXPECT_FALSE(ok.error);
  EXPECT_EQ(ok.events, std::vector{text_ev("a\xf0\x9f\x98\x80")});
  auto bad = read_all_ways(cframe(opcode::text, "a\xf0", false) +
                               cframe(opcode::continuation, "\x9f", false) +
                               cframe(opcode::continuation, ""),
                           server_setup());
  EXPECT_EQ(bad.error, error::invalid_utf8);
  EXPECT_TRUE(bad.events.empty());
}

// §8.1 fail fast: "When an endpoint is to interpret a byte stream as UTF-8 but finds that the
// byte stream is not, in fact, a valid UTF-8 stream, that endpoint MUST _Fail the WebSocket
// Connection_" - at the bad byte, not when the frame or message is complete.
TEST(websocket_utf8, fails_fast_in_the_first_half_of_a_frame) {
  const std::string payload = std::string("ab\xff") + std::string(997, 'c');
  const std::string wire = cframe(opcode::text, payload);
  const std::size_t head = wire.size() - payload.size();
  EXPECT_FALSE(error_after(wire, head + 2));  // the bad byte has not arrived yet
  EXPECT_EQ(error_after(wire, head + 3), error::invalid_utf8);
  EXPECT_EQ(error_after(wire, head + 500), error::invalid_utf8);
}

TEST(websocket_utf8, fails_fast_in_a_second_fragment) {
  const std::string first = cframe(opcode::text, "hello \xce", false);
  // The 2nd fragment continues the sequence with a non-continuation byte at its 1st position,
  // then holds 1000 more bytes that have not arrived.
  const std::string second = cframe(opcode::continuation, "A" + std::string(1000, 'z'));
  const std::string wire = first + second;
  const std::size_t head = second.size() - 1001;
  EXPECT_FALSE(error_after(wire, first.size() + head));
  EXPECT_EQ(error_after(wire, first.size() + head + 1), error::invalid_utf8);
  // A surrogate detected at its second byte, deep inside the 2nd fragment.
  const std::string third = cframe(opcode::continuation, std::string(100, 'y') + "\xed\xa0" +
                                                             std::string(900, 'y'));
  const std::string wire2 = cframe(opcode::text, "ok", false) + third;
  const std::size_t at = wire2.size() - 900;  // just past the 0xA0
  EXPECT_FALSE(error_after(wire2, at - 1));
  EXPECT_EQ(error_after(wire2, at), error::invalid_utf8);
}

// F5..FF can never appear in UTF-8 (RFC 3629 §1): the byte itself fails, mid-frame.
TEST(websocket_utf8, bytes_f5_to_ff_fail_at_once) {
  for (int b = 0xf5; b <= 0xff; ++b) {
    SCOPED_TRACE(b);
    const std::string payload = std::string("a") + static_cast<char>(b) + "\x80\x80\x80tail";
    auto t = read_all_ways(cframe(opcode::text, payload), server_setup());
    EXPECT_EQ(t.error, error::invalid_utf8);
    const std::string wire = cframe(opcode::text, payload);
    const std::size_t head = wire.size() - payload.size();
    EXPECT_FALSE(error_after(wire, head + 1));
    EXPECT_EQ(error_after(wire, head + 2), error::invalid_utf8);
  }
}

TEST(websocket_close, valid_and_invalid_codes) {
  for (std::uint16_t code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013,
                             1014, 3000, 3999, 4000, 4999}) {
    SCOPED_TRACE(code);
    EXPECT_TRUE(is_valid_close_code(code));
    auto t = read_all_ways(cframe(opcode::close, close_body(code, "why")), server_setup());
    EXPECT_FALSE(t.error) << t.error.message();
    EXPECT_EQ(t.events, std::vector{close_ev(code, "why")});
  }
  for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535}) {
    SCOPED_TRACE(code);
    EXPECT_FALSE(is_valid_close_code(code));
    auto t = read_all_ways(cframe(opcode::close, close_body(code)), server_setup());
    EXPECT_EQ(t.error, error::bad_close_code);
    EXPECT_EQ(close_code_for(t.error), 1002);
    EXPECT_TRUE(t.events.empty());
  }
  // The whole range agrees with §7.4.1 / §7.4.2 and the IANA registry.
  int valid = 0;
  for (unsigned code = 0; code <= 0xffff; ++code)
    valid += is_valid_close_code(static_cast<std::uint16_t>(code));
  EXPECT_EQ(valid, 4 + 8 + 2000);
}

TEST(websocket_close, reason_must_be_utf8) {
  auto good = read_all_ways(cframe(opcode::close, close_body(1000, "\xce\xba\xe1\xbd\xb9")),
                            server_setup());
  EXPECT_FALSE(good.error);
  EXPECT_EQ(good.events, std::vector{close_ev(1000, "\xce\xba\xe1\xbd\xb9")});
  for (const char* bad : {"\xff", "ok\xce", "\xed\xa0\x80", "\xc0\x80"}) {
    SCOPED_TRACE(to_hex(bad));
    auto t = read_all_ways(cframe(opcode::close, close_body(1000, bad)), server_setup());
    EXPECT_EQ(t.error, error::invalid_utf8);
    EXPECT_EQ(close_code_for(t.error), 1007);
    EXPECT_TRUE(t.events.empty());
  }
  // Server to client: the same rules.
  auto c = read_all_ways(sframe(opcode::close, close_body(1011, "\xff")), client_setup());
  EXPECT_EQ(c.error, error::invalid_utf8);
}

TEST(websocket_close, code_names) {
  EXPECT_EQ(close_code_name(1000), "normal closure");
  EXPECT_EQ(close_code_name(1009), "message too big");
  EXPECT_EQ(close_code_name(1005), "no status received");
  EXPECT_EQ(close_code_name(4000), "");
}

}  // namespace
}  // namespace l7::websocket::testing
