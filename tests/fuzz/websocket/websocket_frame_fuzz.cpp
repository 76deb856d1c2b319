// libFuzzer target: websocket::reader in both roles, with and without permessage-deflate, small
// limits. The first two bytes choose the setup, the rest is the byte stream. Checks:
// - the same events and error whole, split at data-derived offsets and byte by byte;
// - nothing after a close or an error; text is UTF-8; sizes within the limits; error close
//   codes are 1002/1007/1009;
// - what was read, written again by the peer's writer (fragmented and compressed as the data
//   says), reads back to the same events.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/utf8.hpp"
#include "driver.hpp"
#include "websocket/codec/error.hpp"
#include "websocket/codec/writer.hpp"

namespace {

using namespace l7::websocket;
using namespace l7::websocket::testing;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "websocket frame fuzz: %s\n", what);
  std::abort();
}

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  return h;
}

void check_transcript(const transcript& t, const reader_setup& s) {
  for (std::size_t i = 0; i < t.events.size(); ++i) {
    const auto& e = t.events[i];
    if (e.kind == "after-end") fail("event after close or error");
    if (e.kind == "close" && i + 1 != t.events.size()) fail("event after close");
    if ((e.kind == "text" || e.kind == "binary") && e.payload.size() > s.lim.max_message)
      fail("message over max_message");
    if (e.kind == "text" && !l7::is_valid_utf8(e.payload)) fail("text is not UTF-8");
    if ((e.kind == "ping" || e.kind == "pong" || e.kind == "close") && e.payload.size() > 125)
      fail("control payload over 125");
    if (e.kind == "close" && e.code != 1005 && !is_valid_close_code(e.code))
      fail("invalid close code delivered");
    if (e.kind == "close" && !l7::is_valid_utf8(e.payload)) fail("close reason is not UTF-8");
  }
  if (t.error) {
    auto code = close_code_for(t.error);
    if (code != 1002 && code != 1007 && code != 1009) fail("error close code");
    if (t.error.category() != category()) fail("foreign error category");
  }
}

void check_splits(std::string_view input, const reader_setup& s, const transcript& whole) {
  const std::uint64_t h = fnv1a(input);
  const std::size_t a = static_cast<std::size_t>(h % (input.size() + 1));
  const std::size_t b = static_cast<std::size_t>((h >> 32) % (input.size() + 1));
  if (run_split(input, a, s) != whole) fail("split differs from whole");
  if (run_reader(input, {std::min(a, b), std::max(a, b)}, s) != whole)
    fail("two-cut split differs from whole");
  if (input.size() <= 512 && run_bytewise(input, s) != whole) fail("bytewise differs");
  // Parsed where it was read (the server's connection): the same events.
  if (run_reader(input, {}, s, true) != whole) fail("borrowed whole differs");
  if (run_reader(input, {std::min(a, b), std::max(a, b)}, s, true) != whole)
    fail("borrowed two-cut split differs from whole");
  if (input.size() <= 256 && run_bytewise(input, s, true) != whole) fail("borrowed bytewise differs");
}

// The peer writes the events again; our reader must read the same events back.
void check_rewrite(const transcript& t, const reader_setup& s, std::uint8_t knobs) {
  writer w(s.r == role::server ? role::client : role::server);
  if (s.deflate) w.enable_deflate(s.window_bits, s.no_context_takeover, knobs & 0x0f);
  const std::size_t fragment = (knobs >> 4) * 3;  // 0: no fragmentation
  std::string wire;
  transcript expected;
  for (const auto& e : t.events) {
    const auto p = l7::as_bytes(e.payload);
    if (e.kind == "text") w.message(opcode::text, p, wire, fragment);
    else if (e.kind == "binary") w.message(opcode::binary, p, wire, fragment);
    else if (e.kind == "ping") w.ping(p, wire);
    else if (e.kind == "pong") w.pong(p, wire);
    else w.close(e.code, e.payload, wire);
    expected.events.push_back(e);
  }
  // A compressed message may grow past max_message on the wire: give the reader room for it.
  reader_setup again = s;
  again.lim.max_message = s.lim.max_message + 64 + s.lim.max_message / 8;
  transcript got = run_whole(wire, again);
  if (got != expected) fail("rewritten events read back differently");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint8_t setup = data[0], knobs = data[1];
  const std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);
  reader_setup s;
  s.r = (setup & 1) ? role::client : role::server;
  s.deflate = (setup & 2) != 0;
  s.no_context_takeover = (setup & 4) != 0;
  s.window_bits = 9 + (setup >> 3) % 7;
  s.lim.max_message = 16 + ((setup >> 6) * 97) + (knobs & 0x0f) * 13;
  s.lim.max_buffer = 1024;
  const transcript whole = run_whole(input, s);
  check_transcript(whole, s);
  check_splits(input, s, whole);
  check_rewrite(whole, s, knobs);
  return 0;
}
