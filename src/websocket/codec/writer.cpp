#include "websocket/codec/writer.hpp"

#include <stdexcept>

#include "core/bytes.hpp"
#include "core/random.hpp"

namespace l7::websocket {
namespace {

std::span<const std::byte> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

// Shortens a reason to at most n bytes without splitting a UTF-8 sequence.
std::string_view cut_utf8(std::string_view s, std::size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

}  // namespace

void writer::enable_deflate(int own_window_bits, bool own_no_context_takeover,
                            std::size_t threshold, compression_budget* budget, int level) {
  deflater_ = std::make_unique<deflater>(own_window_bits, own_no_context_takeover, budget, level);
  threshold_ = threshold;
}

void writer::frame(frame_header h, std::span<const std::byte> payload, std::string& out) {
  h.length = payload.size();
  h.masked = role_ == role::client;
  if (h.masked) random_fill(h.mask);
  std::array<std::byte, max_header_size> head;
  std::size_t n = encode_header(h, head);
  out.append(reinterpret_cast<const char*>(head.data()), n);
  std::size_t at = out.size();
  out.append(reinterpret_cast<const char*>(payload.data()), payload.size());
  if (h.masked)
    apply_mask({reinterpret_cast<std::byte*>(out.data() + at), payload.size()}, h.mask);
}

void writer::message(opcode op, std::span<const std::byte> payload, std::string& out,
                     std::size_t fragment_size) {
  bool compressed = false;
  if (deflater_ && payload.size() >= threshold_) {
    scratch_.clear();
    if (deflater_->compress(payload, scratch_)) {
      compressed = true;
      payload = bytes_of(scratch_);
    }
  }
  if (fragment_size == 0 || payload.size() <= fragment_size) {
    frame({.fin = true, .rsv1 = compressed, .op = op}, payload, out);
    return;
  }
  for (std::size_t at = 0; at < payload.size(); at += fragment_size) {
    auto part = payload.subspan(at, std::min(fragment_size, payload.size() - at));
    bool first = at == 0;
    bool last = at + part.size() == payload.size();
    frame({.fin = last, .rsv1 = compressed && first, .op = first ? op : opcode::continuation},
          part, out);
  }
}

void writer::text(std::string_view payload, std::string& out) {
  message(opcode::text, as_bytes(payload), out);
}

void writer::binary(std::span<const std::byte> payload, std::string& out) {
  message(opcode::binary, payload, out);
}

void writer::ping(std::span<const std::byte> payload, std::string& out) {
  if (payload.size() > 125) throw std::length_error("websocket ping payload over 125 bytes");
  frame({.op = opcode::ping}, payload, out);
}

void writer::pong(std::span<const std::byte> payload, std::string& out) {
  if (payload.size() > 125) throw std::length_error("websocket pong payload over 125 bytes");
  frame({.op = opcode::pong}, payload, out);
}

void writer::close(std::uint16_t code, std::string_view reason, std::string& out) {
  std::string body;
  if (code != 1005) {
    body.push_back(static_cast<char>(code >> 8));
    body.push_back(static_cast<char>(code & 0xff));
    body.append(cut_utf8(reason, 123));
  }
  frame({.op = opcode::close}, bytes_of(body), out);
}

}  // namespace l7::websocket
