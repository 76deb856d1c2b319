// Sans-I/O WebSocket receiver (RFC 6455 §5-§7, RFC 7692 §6-§7): frames in, whole messages and
// control frames out. The reader owns its input buffer:
//
//   auto space = r.prepare(n);  read into space;  r.commit(got);
//   for (;;) { auto ev = r.next(ec); if (ec) fail(close_code_for(ec)); if need_more: break; ... }
//
// Events are pulled with next(): message (text or binary, reassembled from its fragments and
// inflated), ping, pong, close. Payload spans are valid until the next call to next(),
// prepare() or feed(). A whole unfragmented, uncompressed message already in the buffer is
// unmasked in place and handed out without a copy; other messages are assembled as their
// frames arrive, so a frame never has to fit in the buffer and memory stays bounded by
// limits.max_message.
//
// Checks, each failing the connection with the close code close_code_for() gives:
// masking by role (§5.1), RSV bits without an extension (§5.2), reserved opcodes, control
// frame rules (§5.5), fragmentation order (§5.4), message size (1009), UTF-8 of text messages
// incrementally, so a bad byte fails at once even mid-frame (§8.1, 1007), close payloads
// (§5.5.1, §7.4). After an error or a close event the reader produces nothing more.
// Every input split at every byte offset yields the same events.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>

#include "core/buffer.hpp"
#include "core/utf8.hpp"
#include "websocket/codec/deflate.hpp"
#include "websocket/codec/frame.hpp"

namespace l7::websocket {

struct reader_limits {
  std::uint64_t max_message = 64ull << 20;  // reassembled (and inflated) message bytes -> 1009
  std::size_t max_buffer = 256 * 1024;      // input buffered at once (prepare() sizes)
};

struct need_more {};
struct message_event {
  opcode op;  // text or binary
  std::span<const std::byte> payload;
  std::string_view text() const {
    return {reinterpret_cast<const char*>(payload.data()), payload.size()};
  }
};
struct ping_event {
  std::span<const std::byte> payload;
};
struct pong_event {
  std::span<const std::byte> payload;
};
struct close_event {
  std::uint16_t code = 1005;  // 1005: the frame had no status code (§7.1.5)
  std::string_view reason;
};
using event = std::variant<need_more, message_event, ping_event, pong_event, close_event>;

class reader {
 public:
  explicit reader(role r, reader_limits l = {});

  // permessage-deflate was negotiated: RSV1 marks compressed messages. `peer_window_bits` and
  // `peer_no_context_takeover` are the peer's (client_* for a server, server_* for a client).
  void enable_deflate(int peer_window_bits, bool peer_no_context_takeover,
                      compression_budget* budget = nullptr);

  std::span<std::byte> prepare(std::size_t n) { return in_.prepare(n); }
  void commit(std::size_t n) { in_.commit(n); }
  // Copies `data` into the input buffer (bytes that arrived before the reader existed).
  void feed(std::span<const std::byte> data);
  // Parses `input` where it is (no copy): events point into it, and a whole unmasked message
  // is unmasked in place. Call keep_rest() before `input` changes: it copies the bytes of a
  // frame not yet complete into the reader's own buffer. Precondition: buffered() == 0
  // (otherwise feed() the new bytes).
  void borrow(std::span<std::byte> input) { in_.borrow(input); }
  void keep_rest() { in_.keep_rest(); }

  event next(std::error_code& ec);

  std::size_t buffered() const { return in_.size(); }
  // In the middle of a message or a frame (a close now would cut it short).
  bool busy() const { return state_ != state::header || in_message_; }
  // Between messages: frees the input buffer if it holds more than `keep` bytes of storage,
  // and the message buffer.
  void shrink_if_idle(std::size_t keep = 0);
  std::size_t memory() const;

 private:
  enum class state { header, payload, closed, failed };

  event on_header(std::error_code& ec);
  event on_payload(std::error_code& ec);
  event control(const frame_header& h, std::span<std::byte> payload, std::error_code& ec);
  event finish_message(std::error_code& ec);
  bool check_header(const frame_header& h, std::error_code& ec);
  void fail(std::error_code& ec, std::error_code why);

  role role_;
  reader_limits limits_;
  flat_buffer in_;
  state state_ = state::header;
  frame_header frame_;           // the data frame whose payload is being read
  std::uint64_t remaining_ = 0;  // its payload bytes still to come
  std::uint64_t offset_ = 0;     // its payload bytes seen (mask position)
  bool in_message_ = false;      // a fragmented message is open
  opcode message_op_ = opcode::text;
  bool compressed_ = false;
  std::string message_;          // assembled payload of the open message
  utf8_validator utf8_;
  std::unique_ptr<inflater> inflater_;
};

}  // namespace l7::websocket
