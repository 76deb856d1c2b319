// permessage-deflate (RFC 7692): raw DEFLATE through zlib, one message at a time.
//
// Each inflater and deflater charges the memory zlib allocates for it to a compression_budget
// shared by every connection of a service, so the total stays under a cap: negotiation asks
// would_fit() before accepting the extension, and an allocation that would pass the cap fails
// (the message then fails with error::message_too_big's sibling, see below).
// Streams that negotiated "no context takeover" free their zlib state between messages, so an
// idle connection holds no compression memory at all.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <system_error>

struct z_stream_s;

namespace l7::websocket {

// Memory that zlib may hold across connections. Thread-safe.
class compression_budget {
 public:
  explicit compression_budget(std::size_t cap) : cap_(cap) {}
  bool reserve(std::size_t n);
  void release(std::size_t n) { used_.fetch_sub(n, std::memory_order_relaxed); }
  std::size_t used() const { return used_.load(std::memory_order_relaxed); }
  std::size_t cap() const { return cap_; }
  // True when a connection using these windows would still fit (RFC 7692 negotiation).
  bool would_fit(int deflate_window_bits, int inflate_window_bits) const;

 private:
  std::size_t cap_;
  std::atomic<std::size_t> used_{0};
};

// What zlib allocates for a raw deflate stream at these settings, approximately (zlib's zconf.h).
std::size_t deflate_memory(int window_bits);
std::size_t inflate_memory(int window_bits);

// Decompresses the payloads of compressed messages (RFC 7692 §7.2.2).
class inflater {
 public:
  // window_bits: the peer's LZ77 window (8-15); reset_each_message: the peer does not take
  // context over (its no_context_takeover was negotiated), so state is dropped after a message.
  inflater(int window_bits, bool reset_each_message, compression_budget* budget = nullptr);
  ~inflater();
  inflater(const inflater&) = delete;
  inflater& operator=(const inflater&) = delete;

  // Inflates `in` (part of a message) and appends the output to `out`. Fails with
  // message_too_big once `out` would pass `max` bytes (no deflate bombs), with
  // bad_compressed_data on corrupt input or when the budget has no room.
  void feed(std::span<const std::byte> in, std::string& out, std::size_t max, std::error_code& ec);
  // Ends the message: feeds the 00 00 ff ff tail that §7.2.1 removed.
  void finish(std::string& out, std::size_t max, std::error_code& ec);
  std::size_t memory() const;

 private:
  bool start(std::error_code& ec);
  void run(std::span<const std::byte> in, std::string& out, std::size_t max, std::error_code& ec);
  void end();

  z_stream_s* z_ = nullptr;
  int window_bits_;
  bool reset_each_message_;
  compression_budget* budget_;
  std::size_t charged_ = 0;
  friend struct zlib_alloc;
};

// Compresses whole messages (RFC 7692 §7.2.1).
class deflater {
 public:
  // window_bits: our LZ77 window (9-15: zlib cannot produce raw streams with 8);
  // reset_each_message: our no_context_takeover was negotiated.
  deflater(int window_bits, bool reset_each_message, compression_budget* budget = nullptr,
           int level = 6);
  ~deflater();
  deflater(const deflater&) = delete;
  deflater& operator=(const deflater&) = delete;

  // Appends the compressed form of `in` to `out`, without the trailing 00 00 ff ff.
  // False (out unchanged) when zlib state cannot be allocated within the budget: send the
  // message uncompressed then.
  bool compress(std::span<const std::byte> in, std::string& out);
  std::size_t memory() const;

 private:
  bool start();
  void end();

  z_stream_s* z_ = nullptr;
  int window_bits_;
  bool reset_each_message_;
  compression_budget* budget_;
  int level_;
  std::size_t charged_ = 0;
  friend struct zlib_alloc;
};

}  // namespace l7::websocket
