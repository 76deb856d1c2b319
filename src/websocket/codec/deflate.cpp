#include "websocket/codec/deflate.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "websocket/codec/error.hpp"

namespace l7::websocket {

// zlib allocation hooks that charge every block to the owner's budget. A block carries its
// size in front so that free can give the same amount back.
struct zlib_alloc {
  struct account {
    compression_budget* budget;
    std::size_t* charged;
  };
  static constexpr std::size_t header = alignof(std::max_align_t);

  static void* alloc(void* opaque, unsigned items, unsigned size) {
    auto* a = static_cast<account*>(opaque);
    std::size_t n = std::size_t{items} * size;
    if (a->budget && !a->budget->reserve(n)) return Z_NULL;
    auto* p = static_cast<unsigned char*>(std::malloc(n + header));
    if (!p) {
      if (a->budget) a->budget->release(n);
      return Z_NULL;
    }
    std::memcpy(p, &n, sizeof n);
    *a->charged += n;
    return p + header;
  }

  static void free(void* opaque, void* ptr) {
    if (!ptr) return;
    auto* a = static_cast<account*>(opaque);
    auto* p = static_cast<unsigned char*>(ptr) - header;
    std::size_t n;
    std::memcpy(&n, p, sizeof n);
    if (a->budget) a->budget->release(n);
    *a->charged -= n;
    std::free(p);
  }
};

namespace {

struct stream_with_account {
  z_stream z{};
  zlib_alloc::account account{};
};

z_stream* make_stream(compression_budget* budget, std::size_t* charged) {
  auto* s = new stream_with_account;
  s->account = {budget, charged};
  s->z.zalloc = &zlib_alloc::alloc;
  s->z.zfree = &zlib_alloc::free;
  s->z.opaque = &s->account;
  return &s->z;  // first member: the z_stream pointer is the object's address
}

void destroy_stream(z_stream* z) { delete reinterpret_cast<stream_with_account*>(z); }

constexpr unsigned char tail[4] = {0x00, 0x00, 0xff, 0xff};  // RFC 7692 §7.2.1
constexpr int mem_level = 8;

}  // namespace

bool compression_budget::reserve(std::size_t n) {
  auto cur = used_.load(std::memory_order_relaxed);
  do {
    if (cur + n > cap_) return false;
  } while (!used_.compare_exchange_weak(cur, cur + n, std::memory_order_relaxed));
  return true;
}

bool compression_budget::would_fit(int deflate_window_bits, int inflate_window_bits) const {
  return used() + deflate_memory(deflate_window_bits) + inflate_memory(inflate_window_bits) <= cap_;
}

std::size_t deflate_memory(int window_bits) {
  // zconf.h: (1 << (windowBits+2)) + (1 << (memLevel+9)), plus the state struct.
  return (std::size_t{1} << (window_bits + 2)) + (std::size_t{1} << (mem_level + 9)) + 6 * 1024;
}

std::size_t inflate_memory(int window_bits) {
  return (std::size_t{1} << window_bits) + 7 * 1024;  // zconf.h: window + ~7 KiB of state
}

// ---- inflater ----

inflater::inflater(int window_bits, bool reset_each_message, compression_budget* budget)
    : window_bits_(std::clamp(window_bits, 8, 15)),
      reset_each_message_(reset_each_message),
      budget_(budget) {}

inflater::~inflater() { end(); }

std::size_t inflater::memory() const { return charged_; }

bool inflater::start(std::error_code& ec) {
  if (z_) return true;
  z_ = make_stream(budget_, &charged_);
  // Always inflate with the largest window: valid for any smaller window the peer used.
  if (inflateInit2(z_, -15) != Z_OK) {
    destroy_stream(z_);
    z_ = nullptr;
    ec = error::bad_compressed_data;
    return false;
  }
  return true;
}

void inflater::end() {
  if (!z_) return;
  inflateEnd(z_);
  destroy_stream(z_);
  z_ = nullptr;
}

void inflater::run(std::span<const std::byte> in, std::string& out, std::size_t max,
                   std::error_code& ec) {
  z_->next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data()));
  z_->avail_in = static_cast<uInt>(in.size());
  for (;;) {
    std::size_t have = out.size();
    // One byte past the limit tells "exactly max" from "more than max" (SIZE_MAX: no limit,
    // and max + 1 would wrap to 0).
    std::size_t limit = max == SIZE_MAX ? max : max + 1;
    std::size_t room = limit - std::min(have, limit);
    if (room == 0) {
      ec = error::message_too_big;
      return;
    }
    std::size_t grow = std::min<std::size_t>(room, std::max<std::size_t>(16 * 1024, in.size() * 2));
    out.resize(have + grow);
    z_->next_out = reinterpret_cast<Bytef*>(out.data() + have);
    z_->avail_out = static_cast<uInt>(grow);
    int rc = inflate(z_, Z_SYNC_FLUSH);
    out.resize(have + grow - z_->avail_out);
    if (out.size() > max) {
      ec = error::message_too_big;
      return;
    }
    if (rc == Z_STREAM_END) {
      // The sender ended the DEFLATE stream (BFINAL): what follows starts a new one.
      inflateReset(z_);
      if (z_->avail_in == 0) return;
      continue;
    }
    if (rc == Z_BUF_ERROR) return;  // no progress possible: everything consumed
    if (rc != Z_OK) {
      ec = error::bad_compressed_data;
      return;
    }
    if (z_->avail_in == 0 && z_->avail_out != 0) return;
  }
}

void inflater::feed(std::span<const std::byte> in, std::string& out, std::size_t max,
                    std::error_code& ec) {
  if (in.empty() || !start(ec)) return;
  run(in, out, max, ec);
}

void inflater::finish(std::string& out, std::size_t max, std::error_code& ec) {
  if (!start(ec)) return;
  run({reinterpret_cast<const std::byte*>(tail), 4}, out, max, ec);
  // With the tail the message must end on a block boundary (zlib sets 128 in data_type);
  // otherwise it was cut short (an empty payload, a BFINAL block without the 0x00 octet of
  // RFC 7692 §7.2.3.3) and the next message would be inflated from the middle of a block.
  if (!ec && (z_->data_type & 128) == 0) ec = error::bad_compressed_data;
  if (reset_each_message_ || ec) end();
}

// ---- deflater ----

deflater::deflater(int window_bits, bool reset_each_message, compression_budget* budget, int level)
    : window_bits_(std::clamp(window_bits, 9, 15)),
      reset_each_message_(reset_each_message),
      budget_(budget),
      level_(level) {}

deflater::~deflater() { end(); }

std::size_t deflater::memory() const { return charged_; }

bool deflater::start() {
  if (z_) return true;
  z_ = make_stream(budget_, &charged_);
  if (deflateInit2(z_, level_, Z_DEFLATED, -window_bits_, mem_level, Z_DEFAULT_STRATEGY) != Z_OK) {
    destroy_stream(z_);
    z_ = nullptr;
    return false;
  }
  return true;
}

void deflater::end() {
  if (!z_) return;
  deflateEnd(z_);
  destroy_stream(z_);
  z_ = nullptr;
}

bool deflater::compress(std::span<const std::byte> in, std::string& out) {
  if (!start()) return false;
  std::size_t begin = out.size();
  z_->next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data()));
  z_->avail_in = static_cast<uInt>(in.size());
  for (;;) {
    std::size_t have = out.size();
    std::size_t grow = deflateBound(z_, z_->avail_in) + 16;
    out.resize(have + grow);
    z_->next_out = reinterpret_cast<Bytef*>(out.data() + have);
    z_->avail_out = static_cast<uInt>(grow);
    int rc = deflate(z_, Z_SYNC_FLUSH);
    out.resize(have + grow - z_->avail_out);
    if (rc == Z_STREAM_ERROR) {
      out.resize(begin);
      end();
      return false;
    }
    if (z_->avail_in == 0 && z_->avail_out != 0) break;
  }
  // A sync flush ends with an empty stored block, 00 00 ff ff, which the frame leaves out.
  if (out.size() - begin >= 4 && std::memcmp(out.data() + out.size() - 4, tail, 4) == 0)
    out.resize(out.size() - 4);
  // zlib writes nothing for an empty message when it has nothing to flush; the receiver
  // appends 00 00 ff ff, which needs a block header before it: one 00 byte (RFC 7692 §7.2.3.6).
  if (out.size() == begin) out.push_back('\0');
  if (reset_each_message_) end();
  return true;
}

}  // namespace l7::websocket
