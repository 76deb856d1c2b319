// Autobahn|Testsuite categories 6 (UTF-8 handling) and 7 (close handling) at codec level,
// against a server's reader. For invalid UTF-8 the table names the byte at which the
// connection must fail (6.4.x "fail fast"): the reader must fail as soon as that byte is
// committed, with the rest of the frame still missing, and not one byte earlier.
#include <gtest/gtest.h>

#include <cstring>

#include "ws_test_util.hpp"

namespace l7::websocket::testing {
namespace {

constexpr int valid = -1;
constexpr int at_end = -2;  // a sequence cut short by the end of the message

struct autobahn_utf8_case {
  const char* id;
  std::string text;
  int fail_at;  // valid, at_end, or the index of the first byte that cannot be UTF-8
};

const std::string kosme = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5";

std::vector<autobahn_utf8_case> category_6() {
  std::vector<autobahn_utf8_case> v = {
      {"6.1.1 empty", "", valid},
      {"6.2.1 mixed", "Hello-\xc2\xb5@\xc3\x9f\xc3\xb6\xc3\xa4\xc3\xbc\xc3\xa0\xc3\xa1-UTF-8!!",
       valid},
      {"6.3.1 surrogate inside", kosme + "\xed\xa0\x80" + "edited", 12},
      {"6.4.1 above U+10FFFF inside", kosme + "\xf4\x90\x80\x80" + "edited", 12},
      {"6.5.1 kosme", kosme, valid},
      {"6.7.1 U+0000", std::string(1, '\0'), valid},
      {"6.7.2 U+0080", "\xc2\x80", valid},
      {"6.7.3 U+0800", "\xe0\xa0\x80", valid},
      {"6.7.4 U+10000", "\xf0\x90\x80\x80", valid},
      {"6.8.1 5-byte", "\xf8\x88\x80\x80\x80", 0},
      {"6.8.2 6-byte", "\xfc\x84\x80\x80\x80\x80", 0},
      {"6.9.1 U+007F", "\x7f", valid},
      {"6.9.2 U+07FF", "\xdf\xbf", valid},
      {"6.9.3 U+FFFF", "\xef\xbf\xbf", valid},
      {"6.9.4 U+10FFFF", "\xf4\x8f\xbf\xbf", valid},
      {"6.10.1 U+1FFFFF", "\xf7\xbf\xbf\xbf", 0},
      {"6.10.2 5-byte max", "\xfb\xbf\xbf\xbf\xbf", 0},
      {"6.10.3 6-byte max", "\xfd\xbf\xbf\xbf\xbf\xbf", 0},
      {"6.11.1 U+D7FF", "\xed\x9f\xbf", valid},
      {"6.11.2 U+E000", "\xee\x80\x80", valid},
      {"6.11.3 U+FFFD", "\xef\xbf\xbd", valid},
      {"6.11.5 U+110000", "\xf4\x90\x80\x80", 1},
      {"6.12.1 continuation 80", "\x80", 0},
      {"6.12.2 continuation BF", "\xbf", 0},
      {"6.12.3 two continuations", "\x80\xbf", 0},
      {"6.12.8 after ASCII", "ab\x80\xbf\x80", 2},
      {"6.13.1 lonely C0", "\xc0 ", 0},
      {"6.13.2 lonely E0", "\xe0 ", 1},
      {"6.13.3 lonely F0", "\xf0 ", 1},
      {"6.13.4 lonely F8", "\xf8 ", 0},
      {"6.13.5 lonely FC", "\xfc ", 0},
      {"6.14.1 C0 cut", "\xc0", 0},
      {"6.14.2 E0 80 cut", "\xe0\x80", 1},
      {"6.14.3 F0 80 80 cut", "\xf0\x80\x80", 1},
      {"6.14.6 DF cut", "\xdf", at_end},
      {"6.14.7 EF BF cut", "\xef\xbf", at_end},
      {"6.14.8 F4 8F BF cut", "\xf4\x8f\xbf", at_end},
      {"6.15.1 concatenated cut sequences", "\xdf\xef\xbf", 1},
      {"6.16.1 FE", "\xfe", 0},
      {"6.16.2 FF", "\xff", 0},
      {"6.16.3 FE FE FF FF", "\xfe\xfe\xff\xff", 0},
      {"6.17.1 overlong / 2", "\xc0\xaf", 0},
      {"6.17.2 overlong / 3", "\xe0\x80\xaf", 1},
      {"6.17.3 overlong / 4", "\xf0\x80\x80\xaf", 1},
      {"6.18.1 max overlong 2", "\xc1\xbf", 0},
      {"6.18.2 max overlong 3", "\xe0\x9f\xbf", 1},
      {"6.18.3 max overlong 4", "\xf0\x8f\xbf\xbf", 1},
      {"6.19.1 overlong NUL 2", "\xc0\x80", 0},
      {"6.19.2 overlong NUL 3", "\xe0\x80\x80", 1},
      {"6.19.3 overlong NUL 4", "\xf0\x80\x80\x80", 1},
      {"6.20.1 U+D800", "\xed\xa0\x80", 1},
      {"6.20.2 U+DB7F", "\xed\xad\xbf", 1},
      {"6.20.3 U+DB80", "\xed\xae\x80", 1},
      {"6.20.4 U+DBFF", "\xed\xaf\xbf", 1},
      {"6.20.5 U+DC00", "\xed\xb0\x80", 1},
      {"6.20.6 U+DF80", "\xed\xbe\x80", 1},
      {"6.20.7 U+DFFF", "\xed\xbf\xbf", 1},
      {"6.21.1 surrogate pair", "\xed\xa0\x80\xed\xb0\x80", 1},
      {"6.22.1 U+FFFE", "\xef\xbf\xbe", valid},
      {"6.22.3 U+1FFFE", "\xf0\x9f\xbf\xbe", valid},
      {"6.22.33 U+FDD0", "\xef\xb7\x90", valid},
      {"6.22.34 U+FDEF", "\xef\xb7\xaf", valid},
      {"6.23.1 U+FFFD", "\xef\xbf\xbd", valid},
  };
  // 6.6.x: every prefix of kosme; only those ending on a character boundary are valid.
  for (std::size_t n = 1; n <= kosme.size(); ++n) {
    bool boundary = n == 2 || n == 5 || n == 7 || n == 9 || n == 11;
    v.push_back({"6.6.x kosme prefix", kosme.substr(0, n), boundary ? valid : at_end});
  }
  return v;
}

TEST(autobahn_6_utf8, single_frame_fragments_and_fail_fast) {
  for (const auto& c : category_6()) {
    SCOPED_TRACE(std::string(c.id) + ": " + to_hex(c.text));
    const std::error_code want = c.fail_at == valid ? std::error_code{}
                                                    : make_error_code(error::invalid_utf8);
    const std::vector<event_record> events =
        c.fail_at == valid ? std::vector{text_ev(c.text)} : std::vector<event_record>{};
    // 6.x.1: one frame; 6.x.2: fragmented at character boundaries or anywhere; 6.x.3: one
    // fragment per byte.
    auto whole = read_all_ways(cframe(opcode::text, c.text), server_setup());
    EXPECT_EQ(whole.error, want);
    EXPECT_EQ(whole.events, events);
    std::string per_byte;
    for (std::size_t i = 0; i < c.text.size(); ++i)
      per_byte += cframe(i == 0 ? opcode::text : opcode::continuation, c.text.substr(i, 1),
                         i + 1 == c.text.size());
    if (c.text.empty()) per_byte = cframe(opcode::text, "");
    auto frags = read_all_ways(per_byte, server_setup());
    EXPECT_EQ(frags.error, want);
    EXPECT_EQ(frags.events, events);
    if (c.fail_at >= 0) {
      // 6.4.x: with 100 more payload bytes still to come, the bad byte fails at once.
      const std::string wire = cframe(opcode::text, c.text + std::string(100, 'x'));
      const std::size_t head = wire.size() - c.text.size() - 100;
      const std::size_t bad = head + static_cast<std::size_t>(c.fail_at);
      EXPECT_FALSE(error_after(wire, bad)) << "failed before the bad byte";
      EXPECT_EQ(error_after(wire, bad + 1), error::invalid_utf8) << "did not fail at the bad byte";
    }
  }
}

TEST(autobahn_6_utf8, fail_fast_across_fragments) {
  // 6.4.1: the bad 4-byte sequence is the whole 2nd fragment; the 3rd has not arrived.
  std::string wire = cframe(opcode::text, kosme, false) +
                     cframe(opcode::continuation, "\xf4\x90\x80\x80", false);
  const std::size_t after_two = wire.size();
  wire += cframe(opcode::continuation, "edited");
  EXPECT_EQ(error_after(wire, after_two), error::invalid_utf8);
  EXPECT_FALSE(error_after(wire, after_two - 3));  // only F4 of the 2nd fragment so far
  EXPECT_EQ(error_after(wire, after_two - 2), error::invalid_utf8);
  // 6.1.2 / 6.1.3: empty fragments around a middle one.
  auto t = read_all_ways(cframe(opcode::text, "", false) +
                             cframe(opcode::continuation, "middle frame payload", false) +
                             cframe(opcode::continuation, ""),
                         server_setup());
  EXPECT_EQ(t.events, std::vector{text_ev("middle frame payload")});
}

struct close_case {
  const char* id;
  std::string wire;
  std::vector<event_record> events;
  error fail = {};
};

TEST(autobahn_7_close, close_handling) {
  const std::string hello = cframe(opcode::text, "Hello World!");
  const std::string bye = cframe(opcode::close, close_body(1000));
  std::vector<close_case> cases = {
      {"7.1.1 text then close", hello + bye, {text_ev("Hello World!"), close_ev(1000)}},
      {"7.1.2 close twice", bye + bye, {close_ev(1000)}},
      {"7.1.3 ping after close", bye + cframe(opcode::ping, "x"), {close_ev(1000)}},
      {"7.1.4 text after close", bye + hello, {close_ev(1000)}},
      {"7.1.5 close between fragments",
       cframe(opcode::text, "fragment1", false) + bye +
           cframe(opcode::continuation, "fragment2"),
       {close_ev(1000)}},
      {"7.1.6 large message then close", cframe(opcode::text, std::string(256 * 1024, 'B')) + bye,
       {text_ev(std::string(256 * 1024, 'B')), close_ev(1000)}},
      {"7.3.1 empty close", cframe(opcode::close, ""), {close_ev(1005)}},
      {"7.3.2 1-byte close", cframe(opcode::close, "a"), {}, error::bad_close_payload},
      {"7.3.3 code only", cframe(opcode::close, close_body(1000)), {close_ev(1000)}},
      {"7.3.4 code and reason", cframe(opcode::close, close_body(1000, "Hello World!")),
       {close_ev(1000, "Hello World!")}},
      {"7.3.5 reason of 123", cframe(opcode::close, close_body(1000, std::string(123, '*'))),
       {close_ev(1000, std::string(123, '*'))}},
      {"7.3.6 reason of 124", cframe(opcode::close, close_body(1000, std::string(124, '*'))), {},
       error::control_too_long},
      {"7.5.1 invalid UTF-8 reason",
       cframe(opcode::close, close_body(1000, kosme + "\xed\xa0\x80" + "edited")), {},
       error::invalid_utf8},
  };
  for (std::uint16_t code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999,
                             4000, 4999})
    cases.push_back({"7.7.x valid code", cframe(opcode::close, close_body(code)), {close_ev(code)}});
  for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    cases.push_back({"7.9.x / 7.13.x invalid code", cframe(opcode::close, close_body(code)), {},
                     error::bad_close_code});
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.id) + " " + to_hex(c.wire.substr(0, 8)));
    auto t = read_all_ways(c.wire, server_setup(), c.wire.size() > 4096 ? 4999 : 1);
    EXPECT_EQ(t.events, c.events) << show(t);
    if (c.fail == error{}) {
      EXPECT_FALSE(t.error) << t.error.message();
    } else {
      EXPECT_EQ(t.error, c.fail);
      EXPECT_EQ(close_code_for(t.error), c.fail == error::invalid_utf8 ? 1007 : 1002);
    }
  }
}

}  // namespace
}  // namespace l7::websocket::testing
