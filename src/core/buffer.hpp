// A growable contiguous byte buffer for sessions: read into prepare(), commit() what arrived,
// parse data(), consume() what was used. Storage is compacted lazily (only when prepare()
// needs room), so spans into data() stay valid until the next prepare().
#pragma once

#include <cstddef>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace l7 {

class flat_buffer {
 public:
  explicit flat_buffer(std::size_t max_size = 1 << 20) : max_(max_size) {}

  // Writable space of at least n bytes; throws std::length_error past max_size
  // (callers size max_size from their protocol limits, so this is a broken precondition).
  std::span<std::byte> prepare(std::size_t n) {
    if (end_ + n > store_.size()) {
      if (begin_ > 0) {
        std::memmove(store_.data(), store_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
      }
      if (end_ + n > store_.size()) {
        if (end_ + n > max_) throw std::length_error("flat_buffer: max_size exceeded");
        store_.resize(std::max(end_ + n, std::min(max_, store_.size() * 2)));
      }
    }
    return {store_.data() + end_, n};
  }
  void commit(std::size_t n) { end_ += n; }
  void consume(std::size_t n) {
    begin_ += std::min(n, size());
    if (begin_ == end_) begin_ = end_ = 0;
  }

  std::span<const std::byte> data() const { return {store_.data() + begin_, end_ - begin_}; }
  std::string_view text() const {
    return {reinterpret_cast<const char*>(store_.data() + begin_), end_ - begin_};
  }
  std::size_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }
  std::size_t max_size() const { return max_; }
  // Room left before max_size, counting space freed by compaction.
  std::size_t capacity_left() const { return max_ - size(); }
  void clear() { begin_ = end_ = 0; }
  // Frees the storage when the buffer is empty and holds more than `keep` bytes (idle
  // connections should not pin large buffers).
  void shrink_if_empty(std::size_t keep) {
    if (empty() && store_.capacity() > keep) std::vector<std::byte>().swap(store_);
  }
  std::size_t storage() const { return store_.capacity(); }

 private:
  std::vector<std::byte> store_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::size_t max_;
};

}  // namespace l7
