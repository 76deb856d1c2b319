// libFuzzer target: the permessage-deflate inflate path (RFC 7692 §7.2.2) on arbitrary bytes,
// and deflate -> inflate round trips of the input. The first byte chooses window, context
// takeover and limits. Checks:
// - inflating the input as one message gives the same output and error fed whole or split at a
//   data-derived offset; output never passes max + 1 bytes, and only message_too_big or
//   bad_compressed_data come back;
// - the input compressed (twice, as two messages sharing a context unless no_context_takeover)
//   inflates back to itself; one byte less of limit fails with message_too_big;
// - a compression_budget is back to 0 once every stream is gone.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

#include "websocket/codec/deflate.hpp"
#include "websocket/codec/error.hpp"

namespace {

using namespace l7::websocket;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "websocket inflate fuzz: %s\n", what);
  std::abort();
}

struct result {
  std::string out;
  std::error_code ec;
};

result inflate_message(std::span<const std::byte> in, std::size_t cut, std::size_t max,
                       compression_budget* budget) {
  inflater inf(15, true, budget);
  result r;
  inf.feed(in.first(cut), r.out, max, r.ec);
  if (!r.ec) inf.feed(in.subspan(cut), r.out, max, r.ec);
  if (!r.ec) inf.finish(r.out, max, r.ec);
  return r;
}

void check_inflate(std::span<const std::byte> in, std::size_t max, compression_budget* budget) {
  const result whole = inflate_message(in, 0, max, budget);
  if (whole.ec && whole.ec != error::message_too_big && whole.ec != error::bad_compressed_data)
    fail("unexpected inflate error");
  if (whole.out.size() > max + 1) fail("inflated past max + 1");
  if (!whole.ec && whole.out.size() > max) fail("over max without an error");
  const std::size_t cut = in.empty() ? 0 : (std::to_integer<std::size_t>(in[0]) * 31) % in.size();
  const result split = inflate_message(in, cut, max, budget);
  if (split.ec != whole.ec) fail("split changes the error");
  if (!whole.ec && split.out != whole.out) fail("split changes the output");
}

void check_round_trip(std::span<const std::byte> in, int bits, bool nct, int level,
                      compression_budget* budget) {
  deflater d(bits, nct, budget, level);
  inflater inf(bits, nct, budget);
  const std::string original(reinterpret_cast<const char*>(in.data()), in.size());
  for (int message = 0; message < 2; ++message) {
    std::string compressed;
    if (!d.compress(in, compressed)) fail("compress failed with room in the budget");
    if (compressed.empty()) fail("empty compressed payload");
    std::string out;
    std::error_code ec;
    inf.feed({reinterpret_cast<const std::byte*>(compressed.data()), compressed.size()}, out,
             in.size(), ec);
    inf.finish(out, in.size(), ec);
    if (ec || out != original) fail("round trip differs");
    if (!in.empty()) {
      // The same payload against a limit one byte short: message_too_big.
      inflater fresh(15, true, budget);
      std::string first;
      deflater once(bits, true, budget, level);
      once.compress(in, first);
      std::string again;
      fresh.feed({reinterpret_cast<const std::byte*>(first.data()), first.size()}, again,
                 in.size() - 1, ec);
      if (!ec) fresh.finish(again, in.size() - 1, ec);
      if (ec != error::message_too_big) fail("limit one short did not fail");
    }
  }
  if (nct && (d.memory() != 0 || inf.memory() != 0)) fail("no_context_takeover kept memory");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t knobs = data[0];
  std::span<const std::byte> in(reinterpret_cast<const std::byte*>(data) + 1, size - 1);
  compression_budget budget(64u << 20);
  {
    const std::size_t max = 1 + (static_cast<std::size_t>(knobs) * 131) % 8192;
    check_inflate(in, max, &budget);
    check_round_trip(in, 9 + knobs % 7, (knobs & 0x80) != 0, 1 + (knobs >> 3) % 9, &budget);
  }
  if (budget.used() != 0) fail("budget not returned");
  return 0;
}
