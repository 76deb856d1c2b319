// Frame headers, masking and the writer (RFC 6455 §5.2-§5.7): the §5.7 examples byte for byte in
// both directions, every length form, and what the writer puts on the wire in each role.
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

#include "core/bytes.hpp"
#include "websocket/codec/writer.hpp"
#include "ws_test_util.hpp"

namespace l7::websocket::testing {
namespace {

struct example {
  const char* name;
  std::string wire;
  role reader_role;                  // the role that receives these bytes
  std::vector<event_record> events;  // what the reader produces
};

// RFC 6455 §5.7, plus the 256-byte and 64 KiB binary forms with generated payloads.
std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>(i * 7 + 3);
  return s;
}

std::vector<example> rfc_examples() {
  return {
      {"single-frame unmasked text", hex("81 05 48 65 6c 6c 6f"), role::client,
       {text_ev("Hello")}},
      {"single-frame masked text", hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"), role::server,
       {text_ev("Hello")}},
      {"fragmented unmasked text", hex("01 03 48 65 6c 80 02 6c 6f"), role::client,
       {text_ev("Hello")}},
      {"unmasked ping", hex("89 05 48 65 6c 6c 6f"), role::client, {ping_ev("Hello")}},
      {"masked pong", hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58"), role::server, {pong_ev("Hello")}},
      {"256-byte binary, 16-bit length", hex("82 7e 01 00") + pattern(256), role::client,
       {binary_ev(pattern(256))}},
      {"64 KiB binary, 64-bit length", hex("82 7f 00 00 00 00 00 01 00 00") + pattern(65536),
       role::client, {binary_ev(pattern(65536))}},
  };
}

TEST(websocket_frame, rfc_examples_decode_at_every_split) {
  for (const auto& ex : rfc_examples()) {
    SCOPED_TRACE(ex.name);
    reader_setup s{.r = ex.reader_role};
    // Every offset, the 64 KiB example too (about 3 s under ASan).
    auto t = read_all_ways(ex.wire, s);
    EXPECT_FALSE(t.error) << t.error.message();
    EXPECT_EQ(t.events, ex.events);
  }
}

TEST(websocket_frame, rfc_examples_encode_byte_exact) {
  // Server role: no mask, so the writer's output is fully determined.
  writer w(role::server);
  std::string out;
  w.text("Hello", out);
  EXPECT_EQ(to_hex(out), "81 05 48 65 6c 6c 6f");
  out.clear();
  w.ping(as_bytes("Hello"), out);
  EXPECT_EQ(to_hex(out), "89 05 48 65 6c 6c 6f");
  out.clear();
  w.frame({.fin = false, .op = opcode::text}, as_bytes("Hel"), out);
  w.frame({.fin = true, .op = opcode::continuation}, as_bytes("lo"), out);
  EXPECT_EQ(to_hex(out), "01 03 48 65 6c 80 02 6c 6f");
  out.clear();
  w.binary(as_bytes(pattern(256)), out);
  EXPECT_EQ(out, hex("82 7e 01 00") + pattern(256));
  out.clear();
  w.binary(as_bytes(pattern(65536)), out);
  EXPECT_EQ(out, hex("82 7f 00 00 00 00 00 01 00 00") + pattern(65536));

  // The masked example through encode_header + apply_mask with the RFC's key.
  frame_header h{.fin = true, .op = opcode::text, .masked = true, .mask = example_key, .length = 5};
  std::array<std::byte, max_header_size> head;
  std::size_t n = encode_header(h, head);
  std::string wire(reinterpret_cast<const char*>(head.data()), n);
  std::string payload = "Hello";
  apply_mask({reinterpret_cast<std::byte*>(payload.data()), payload.size()}, h.mask);
  EXPECT_EQ(to_hex(wire + payload), "81 85 37 fa 21 3d 7f 9f 4d 51 58");
  h.op = opcode::pong;
  n = encode_header(h, head);
  EXPECT_EQ(to_hex(std::string(reinterpret_cast<const char*>(head.data()), n) + payload),
            "8a 85 37 fa 21 3d 7f 9f 4d 51 58");
}

struct length_case {
  std::uint64_t length;
  std::string header;  // encoded, unmasked binary frame
};

TEST(websocket_frame, shortest_length_form_and_decode) {
  const length_case cases[] = {
      {0, "82 00"},
      {125, "82 7d"},
      {126, "82 7e 00 7e"},
      {127, "82 7e 00 7f"},
      {65535, "82 7e ff ff"},
      {65536, "82 7f 00 00 00 00 00 01 00 00"},
      {(1ull << 63) - 1, "82 7f 7f ff ff ff ff ff ff ff"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.length);
    frame_header h{.op = opcode::binary, .length = c.length};
    std::array<std::byte, max_header_size> head;
    std::size_t n = encode_header(h, head);
    std::string enc(reinterpret_cast<const char*>(head.data()), n);
    EXPECT_EQ(to_hex(enc), c.header);
    // Every proper prefix asks for more; the whole header decodes back.
    for (std::size_t k = 0; k < enc.size(); ++k) {
      frame_header out;
      std::error_code ec;
      EXPECT_EQ(decode_header(bytes(enc.substr(0, k)), out, ec), 0u);
      EXPECT_FALSE(ec);
    }
    frame_header out;
    std::error_code ec;
    EXPECT_EQ(decode_header(bytes(enc), out, ec), enc.size());
    EXPECT_FALSE(ec);
    EXPECT_EQ(out.length, c.length);
    EXPECT_EQ(out.op, opcode::binary);
    EXPECT_TRUE(out.fin);
  }
}

TEST(websocket_frame, non_minimal_lengths_are_accepted_on_input) {
  // §5.2 asks senders for the minimal form; the issue says receivers need not insist.
  const std::string wire = hex("82 7e 00 03") + "abc" + hex("82 7f 00 00 00 00 00 00 00 02") + "de";
  auto t = read_all_ways(wire, client_setup());
  EXPECT_FALSE(t.error);
  EXPECT_EQ(t.events, (std::vector{binary_ev("abc"), binary_ev("de")}));
}

TEST(websocket_frame, header_bits_round_trip) {
  for (int bits = 0; bits < 64; ++bits) {
    frame_header h{.fin = (bits & 1) != 0, .rsv1 = (bits & 2) != 0, .rsv2 = (bits & 4) != 0,
                   .rsv3 = (bits & 8) != 0, .op = (bits & 16) ? opcode::binary : opcode::text,
                   .masked = (bits & 32) != 0, .mask = example_key, .length = 300};
    std::array<std::byte, max_header_size> head;
    std::size_t n = encode_header(h, head);
    EXPECT_EQ(n, 4u + (h.masked ? 4 : 0));
    frame_header out;
    std::error_code ec;
    ASSERT_EQ(decode_header(std::span<const std::byte>(head.data(), n), out, ec), n);
    EXPECT_EQ(out.fin, h.fin);
    EXPECT_EQ(out.rsv1, h.rsv1);
    EXPECT_EQ(out.rsv2, h.rsv2);
    EXPECT_EQ(out.rsv3, h.rsv3);
    EXPECT_EQ(out.op, h.op);
    EXPECT_EQ(out.masked, h.masked);
    if (h.masked) {
      EXPECT_EQ(out.mask, h.mask);
    }
  }
}

TEST(websocket_frame, decode_header_syntax_errors) {
  struct bad {
    const char* wire;
    error e;
  };
  const bad cases[] = {
      {"82 7f 80 00 00 00 00 00 00 00", error::bad_length},  // §5.2: MSB must be 0
      {"89 7e 00 7e", error::control_too_long},              // §5.5: control ≤ 125
      {"88 7e 00 7e", error::control_too_long},
      {"09 00", error::control_fragmented},                  // §5.5: control never fragmented
      {"0a 00", error::control_fragmented},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.wire);
    frame_header out;
    std::error_code ec;
    EXPECT_EQ(decode_header(bytes(hex(c.wire)), out, ec), 0u);
    EXPECT_EQ(ec, c.e);
    EXPECT_EQ(close_code_for(ec), 1002);
  }
}

TEST(websocket_frame, mask_at_any_offset_equals_whole) {
  const std::string plain = pattern(37);
  std::string whole = plain;
  apply_mask({reinterpret_cast<std::byte*>(whole.data()), whole.size()}, example_key);
  for (std::size_t cut = 0; cut <= plain.size(); ++cut) {
    std::string pieces = plain;
    auto* p = reinterpret_cast<std::byte*>(pieces.data());
    apply_mask({p, cut}, example_key, 0);
    apply_mask({p + cut, pieces.size() - cut}, example_key, cut);
    EXPECT_EQ(pieces, whole) << "cut " << cut;
  }
  // Masking twice restores the payload (§5.3: the same algorithm both ways).
  apply_mask({reinterpret_cast<std::byte*>(whole.data()), whole.size()}, example_key);
  EXPECT_EQ(whole, plain);
}

TEST(websocket_writer, client_masks_every_frame_with_fresh_keys) {
  writer w(role::client);
  std::string a, b;
  w.text("Hello", a);
  w.text("Hello", b);
  frame_header ha, hb;
  std::error_code ec;
  ASSERT_EQ(decode_header(bytes(a), ha, ec), 6u);
  ASSERT_EQ(decode_header(bytes(b), hb, ec), 6u);
  EXPECT_TRUE(ha.masked);
  EXPECT_TRUE(hb.masked);
  EXPECT_NE(ha.mask, hb.mask);  // 2^-32 chance of a false failure
  std::string all = a + b;
  w.ping(as_bytes("p"), all);
  w.pong(as_bytes(""), all);
  w.close(1000, "bye", all);
  auto t = read_all_ways(all, server_setup());
  EXPECT_FALSE(t.error);
  EXPECT_EQ(t.events, (std::vector{text_ev("Hello"), text_ev("Hello"), ping_ev("p"), pong_ev(""),
                                   close_ev(1000, "bye")}));
}

TEST(websocket_writer, fragment_size_splits_messages) {
  writer w(role::server);
  std::string out;
  w.message(opcode::text, as_bytes("abcdefg"), out, 3);
  EXPECT_EQ(to_hex(out), "01 03 61 62 63 00 03 64 65 66 80 01 67");
  out.clear();
  w.message(opcode::binary, as_bytes("abc"), out, 3);  // fits: one frame
  EXPECT_EQ(to_hex(out), "82 03 61 62 63");
  out.clear();
  w.message(opcode::binary, {}, out, 3);
  EXPECT_EQ(to_hex(out), "82 00");
}

TEST(websocket_writer, close_frames) {
  writer w(role::server);
  std::string out;
  w.close(1005, "ignored", out);  // 1005: no status code at all (§7.1.5)
  EXPECT_EQ(to_hex(out), "88 00");
  out.clear();
  w.close(1001, "", out);
  EXPECT_EQ(to_hex(out), "88 02 03 e9");
  // A long reason is cut to 123 bytes without splitting a UTF-8 sequence: 61 two-byte
  // characters (122 bytes) fit, the 62nd would end at byte 124.
  std::string reason;
  for (int i = 0; i < 70; ++i) reason += "\xce\xba";
  out.clear();
  w.close(1000, reason, out);
  EXPECT_EQ(out.size(), 2u + 2 + 122);
  auto t = run_whole(out, client_setup());
  EXPECT_FALSE(t.error) << t.error.message();
  ASSERT_EQ(t.events.size(), 1u);
  EXPECT_EQ(t.events[0].payload, reason.substr(0, 122));
  std::string ascii(200, 'x');
  out.clear();
  w.close(1000, ascii, out);
  EXPECT_EQ(out.size(), 2u + 125);
}

TEST(websocket_writer, control_payload_over_125_is_a_precondition) {
  writer w(role::client);
  std::string out;
  const std::string big(126, 'x');
  EXPECT_THROW(w.ping(as_bytes(big), out), std::length_error);
  EXPECT_THROW(w.pong(as_bytes(big), out), std::length_error);
  EXPECT_NO_THROW(w.ping(as_bytes(big.substr(0, 125)), out));
}

TEST(websocket_error, category_and_mappings) {
  EXPECT_STREQ(category().name(), "l7.websocket");
  std::set<std::string> messages;
  for (int e = static_cast<int>(error::reserved_bits);
       e <= static_cast<int>(error::bad_extension_response); ++e)
    messages.insert(make_error_code(static_cast<error>(e)).message());
  EXPECT_EQ(messages.size(),
            static_cast<std::size_t>(static_cast<int>(error::bad_extension_response)));
  EXPECT_EQ(close_code_for(error::invalid_utf8), 1007);
  EXPECT_EQ(close_code_for(error::bad_compressed_data), 1007);
  EXPECT_EQ(close_code_for(error::message_too_big), 1009);
  EXPECT_EQ(close_code_for(error::reserved_opcode), 1002);
  EXPECT_EQ(status_for(error::not_get), 405);
  EXPECT_EQ(status_for(error::bad_version), 426);
  EXPECT_EQ(status_for(error::origin_refused), 403);
  EXPECT_EQ(status_for(error::bad_key), 400);
}

}  // namespace
}  // namespace l7::websocket::testing
