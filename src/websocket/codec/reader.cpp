#include "websocket/codec/reader.hpp"

#include <algorithm>
#include <cstring>

#include "websocket/codec/error.hpp"

namespace l7::websocket {
namespace {

constexpr std::size_t keep_message_capacity = 64 * 1024;

bool is_data_opcode(opcode op) {
  return op == opcode::continuation || op == opcode::text || op == opcode::binary;
}

bool is_known_opcode(opcode op) {
  return is_data_opcode(op) || op == opcode::close || op == opcode::ping || op == opcode::pong;
}

std::span<const std::byte> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

// The bytes appended to `m` since it had `before` bytes, up to the message limit.
std::string_view added_within(const std::string& m, std::size_t before, std::uint64_t max) {
  std::size_t end = static_cast<std::size_t>(std::min<std::uint64_t>(m.size(), max));
  return std::string_view(m).substr(std::min(before, end), end - std::min(before, end));
}

}  // namespace

reader::reader(role r, reader_limits l) : role_(r), limits_(l), in_(l.max_buffer) {}

void reader::enable_deflate(int peer_window_bits, bool peer_no_context_takeover,
                            compression_budget* budget) {
  inflater_ = std::make_unique<inflater>(peer_window_bits, peer_no_context_takeover, budget);
}

void reader::feed(std::span<const std::byte> data) {
  while (!data.empty()) {
    // The caller hands over what arrived with the handshake: at most one read's worth.
    std::size_t n = std::min(data.size(), in_.capacity_left());
    if (n == 0) throw std::length_error("websocket::reader::feed: input buffer full");
    std::memcpy(in_.prepare(n).data(), data.data(), n);
    in_.commit(n);
    data = data.subspan(n);
  }
}

void reader::shrink_if_idle(std::size_t keep) {
  in_.shrink_if_empty(keep);
  if (!in_message_ && message_.capacity() > 0) std::string().swap(message_);
}

std::size_t reader::memory() const {
  return in_.storage() + message_.capacity() + (inflater_ ? inflater_->memory() : 0);
}

void reader::fail(std::error_code& ec, std::error_code why) {
  ec = why;
  state_ = state::failed;
}

event reader::next(std::error_code& ec) {
  ec.clear();
  for (;;) {
    std::size_t before = in_.size();
    event ev = need_more{};
    switch (state_) {
      case state::header: ev = on_header(ec); break;
      case state::payload: ev = on_payload(ec); break;
      case state::closed:
      case state::failed: return need_more{};
    }
    // A frame that does not end its message (FIN clear) yields no event: go on with the next
    // frame while bytes are buffered, so that need_more always means "read more".
    if (ec || !std::holds_alternative<need_more>(ev) || in_.size() == before) return ev;
  }
}

bool reader::check_header(const frame_header& h, std::error_code& ec) {
  if (h.rsv2 || h.rsv3) return fail(ec, error::reserved_bits), false;
  // RFC 7692 §6: RSV1 marks the first frame of a compressed message, nothing else.
  if (h.rsv1 && (!inflater_ || h.op == opcode::continuation || is_control(h.op)))
    return fail(ec, error::reserved_bits), false;
  if (!is_known_opcode(h.op)) return fail(ec, error::reserved_opcode), false;
  if (role_ == role::server && !h.masked) return fail(ec, error::unmasked_frame), false;
  if (role_ == role::client && h.masked) return fail(ec, error::masked_frame), false;
  if (h.op == opcode::continuation && !in_message_)
    return fail(ec, error::unexpected_continuation), false;
  if ((h.op == opcode::text || h.op == opcode::binary) && in_message_)
    return fail(ec, error::expected_continuation), false;
  // Uncompressed bytes count against the limit before they arrive; compressed ones as they
  // inflate (inflater::feed).
  if (is_data_opcode(h.op)) {
    bool continuing = h.op == opcode::continuation;
    bool compressed = continuing ? compressed_ : h.rsv1;
    std::uint64_t before = continuing ? message_.size() : 0;
    if (h.length > limits_.max_message || (!compressed && before + h.length > limits_.max_message))
      return fail(ec, error::message_too_big), false;
  }
  return true;
}

event reader::on_header(std::error_code& ec) {
  frame_header h;
  auto data = in_.data();
  std::size_t size = decode_header(data, h, ec);
  if (ec) {
    state_ = state::failed;
    return need_more{};
  }
  if (size == 0 || !check_header(h, ec)) return need_more{};

  if (is_control(h.op)) {  // ≤ 125 bytes (decode_header checked): wait for all of it
    if (data.size() - size < h.length) return need_more{};
    auto* p = const_cast<std::byte*>(data.data()) + size;
    std::span<std::byte> payload{p, static_cast<std::size_t>(h.length)};
    in_.consume(size + payload.size());
    return control(h, payload, ec);
  }

  // Fast path: a whole single-frame message, uncompressed, already buffered.
  if (h.fin && h.op != opcode::continuation && !h.rsv1 && data.size() - size >= h.length) {
    auto* p = const_cast<std::byte*>(data.data()) + size;
    std::span<std::byte> payload{p, static_cast<std::size_t>(h.length)};
    if (h.masked) apply_mask(payload, h.mask);
    in_.consume(size + payload.size());
    if (h.op == opcode::text) {
      utf8_.reset();
      if (!utf8_.feed(payload) || !utf8_.complete()) return fail(ec, error::invalid_utf8), need_more{};
    }
    return message_event{h.op, payload};
  }

  in_.consume(size);
  if (h.op != opcode::continuation) {  // a new message starts
    in_message_ = true;
    message_op_ = h.op;
    compressed_ = h.rsv1;
    // A big message earlier left a big buffer: do not keep it for small ones.
    if (message_.capacity() > keep_message_capacity) std::string().swap(message_);
    message_.clear();
    if (h.fin && !h.rsv1) message_.reserve(static_cast<std::size_t>(h.length));
    utf8_.reset();
  }
  frame_ = h;
  remaining_ = h.length;
  offset_ = 0;
  state_ = state::payload;
  return on_payload(ec);
}

event reader::on_payload(std::error_code& ec) {
  auto data = in_.data();
  std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, data.size()));
  if (n > 0) {
    std::span<std::byte> chunk{const_cast<std::byte*>(data.data()), n};
    if (frame_.masked) apply_mask(chunk, frame_.mask, offset_);
    std::size_t before = message_.size();
    std::error_code inflate_ec;
    if (compressed_) {
      inflater_->feed(chunk, message_, limits_.max_message, inflate_ec);
    } else {
      message_.append(reinterpret_cast<const char*>(chunk.data()), n);
    }
    in_.consume(n);
    remaining_ -= n;
    offset_ += n;
    // The text inflated so far is judged before an inflate error, so that which error comes
    // back does not depend on how the input was split.
    if (message_op_ == opcode::text &&
        !utf8_.feed(added_within(message_, before, limits_.max_message)))
      return fail(ec, error::invalid_utf8), need_more{};
    if (inflate_ec) return fail(ec, inflate_ec), need_more{};
  }
  if (remaining_ > 0) return need_more{};
  state_ = state::header;
  if (!frame_.fin) return need_more{};
  return finish_message(ec);
}

event reader::finish_message(std::error_code& ec) {
  in_message_ = false;
  if (compressed_) {
    std::size_t before = message_.size();
    std::error_code inflate_ec;
    inflater_->finish(message_, limits_.max_message, inflate_ec);
    if (message_op_ == opcode::text &&
        !utf8_.feed(added_within(message_, before, limits_.max_message)))
      return fail(ec, error::invalid_utf8), need_more{};
    if (inflate_ec) return fail(ec, inflate_ec), need_more{};
  }
  if (message_op_ == opcode::text && !utf8_.complete())
    return fail(ec, error::invalid_utf8), need_more{};
  return message_event{message_op_, bytes_of(message_)};
}

event reader::control(const frame_header& h, std::span<std::byte> payload, std::error_code& ec) {
  if (h.masked) apply_mask(payload, h.mask);
  if (h.op == opcode::ping) return ping_event{payload};
  if (h.op == opcode::pong) return pong_event{payload};
  // Close (§5.5.1): empty, or a 2-byte code and a UTF-8 reason.
  close_event c;
  if (payload.size() == 1) return fail(ec, error::bad_close_payload), need_more{};
  if (payload.size() >= 2) {
    c.code = static_cast<std::uint16_t>((std::to_integer<unsigned>(payload[0]) << 8) |
                                        std::to_integer<unsigned>(payload[1]));
    if (!is_valid_close_code(c.code)) return fail(ec, error::bad_close_code), need_more{};
    c.reason = std::string_view(reinterpret_cast<const char*>(payload.data()) + 2, payload.size() - 2);
    if (!is_valid_utf8(c.reason)) return fail(ec, error::invalid_utf8), need_more{};
  }
  state_ = state::closed;
  return c;
}

}  // namespace l7::websocket
