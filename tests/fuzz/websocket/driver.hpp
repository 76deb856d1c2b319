// Test driver for websocket::reader, shared by the unit tests and the fuzz targets. It behaves
// like a connection: input arrives in pieces (cut at given offsets) through prepare()/commit(),
// and every event the reader produces is recorded in a transcript, so runs with different
// splits can be compared. After a close event or an error the rest of the input is still
// offered to the reader: anything it produces then is recorded as an "after-end" event, which
// no correct run contains (RFC 6455 §5.5.1, §7.1.7: nothing is processed after those).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>
#include <vector>

#include "websocket/codec/reader.hpp"

namespace l7::websocket::testing {

struct event_record {
  std::string kind;  // "text", "binary", "ping", "pong", "close", "after-end"
  std::string payload;  // message or control payload; the reason for a close
  std::uint16_t code = 0;  // close code
  friend bool operator==(const event_record&, const event_record&) = default;
};

struct transcript {
  std::vector<event_record> events;
  std::error_code error;
  friend bool operator==(const transcript&, const transcript&) = default;
};

struct reader_setup {
  role r = role::server;
  reader_limits lim{};
  bool deflate = false;
  int window_bits = 15;
  bool no_context_takeover = false;
  compression_budget* budget = nullptr;
};

inline std::string to_string(std::span<const std::byte> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

inline event_record record_of(const event& ev) {
  if (const auto* m = std::get_if<message_event>(&ev))
    return {m->op == opcode::text ? "text" : "binary", to_string(m->payload)};
  if (const auto* p = std::get_if<ping_event>(&ev)) return {"ping", to_string(p->payload)};
  if (const auto* p = std::get_if<pong_event>(&ev)) return {"pong", to_string(p->payload)};
  const auto& c = std::get<close_event>(ev);
  return {"close", std::string(c.reason), c.code};
}

// Feeds `input` cut at the ascending offsets in `cuts` (empty: all at once, in pieces of at
// most 64 KiB) and drains the reader after each piece.
// `borrowed`: as the server's connection reads, each piece lands in a scratch buffer that the
// reader parses in place (borrow(), or feed() behind an incomplete frame), keep_rest() keeps
// what it needs, and the scratch is then overwritten: an event that still pointed into it, or
// bytes the reader forgot to keep, would change the transcript.
inline transcript run_reader(std::string_view input, const std::vector<std::size_t>& cuts,
                             const reader_setup& s, bool borrowed = false) {
  transcript t;
  reader rd(s.r, s.lim);
  if (s.deflate) rd.enable_deflate(s.window_bits, s.no_context_takeover, s.budget);
  bool ended = false;  // a close event or an error was seen
  std::size_t pos = 0, next_cut = 0;
  while (pos < input.size()) {
    while (next_cut < cuts.size() && cuts[next_cut] <= pos) ++next_cut;
    const std::size_t to = next_cut < cuts.size() ? std::min(cuts[next_cut], input.size())
                                                  : input.size();
    // A reader that has ended stops consuming: offer only what still fits in its buffer.
    const std::size_t fits = rd.buffered() < s.lim.max_buffer ? s.lim.max_buffer - rd.buffered() : 0;
    const std::size_t n = std::min({to - pos, std::size_t{1} << 16, fits});
    if (n == 0) break;
    std::string scratch;
    if (borrowed) {
      scratch.assign(input.data() + pos, n);
      auto piece = std::as_writable_bytes(std::span(scratch));
      if (rd.buffered() == 0) rd.borrow(piece);
      else rd.feed(piece);
    } else {
      auto space = rd.prepare(n);
      std::memcpy(space.data(), input.data() + pos, n);
      rd.commit(n);
    }
    pos += n;
    for (;;) {
      std::error_code ec;
      event ev = rd.next(ec);
      if (ended) {
        if (ec || !std::holds_alternative<need_more>(ev)) t.events.push_back({"after-end", "", 0});
        break;
      }
      if (ec) {
        t.error = ec;
        ended = true;
        break;
      }
      if (std::holds_alternative<need_more>(ev)) break;
      t.events.push_back(record_of(ev));
      if (std::holds_alternative<close_event>(ev)) ended = true;
    }
    if (borrowed) {
      rd.keep_rest();
      std::fill(scratch.begin(), scratch.end(), '\xee');
    }
  }
  return t;
}

inline transcript run_whole(std::string_view input, const reader_setup& s) {
  return run_reader(input, {}, s);
}

inline transcript run_split(std::string_view input, std::size_t at, const reader_setup& s) {
  return run_reader(input, {at}, s);
}

inline transcript run_bytewise(std::string_view input, const reader_setup& s, bool borrowed = false) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < input.size(); ++i) cuts.push_back(i);
  return run_reader(input, cuts, s, borrowed);
}

}  // namespace l7::websocket::testing
