// A growable contiguous byte buffer for sessions: read into prepare(), commit() what arrived,
// parse data(), consume() what was used. Storage is compacted lazily (only when prepare()
// needs room), so spans into data() stay valid until the next prepare().
// It can also lend itself input it does not own (borrow()): bytes read into a buffer shared by
// many connections are parsed where they are, and only a remainder is ever copied.
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
    if (borrowed_) keep_rest();
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

  std::span<const std::byte> data() const { return {base() + begin_, end_ - begin_}; }
  std::string_view text() const {
    return {reinterpret_cast<const char*>(base() + begin_), end_ - begin_};
  }

  // Makes `bytes` the contents without copying; they must stay valid and unchanged until
  // keep_rest() (or clear()). Precondition: the buffer is empty.
  void borrow(std::span<std::byte> bytes) {
    if (!empty()) throw std::logic_error("flat_buffer::borrow: buffer not empty");
    borrowed_ = bytes.data();
    begin_ = 0;
    end_ = bytes.size();
  }
  // Ends borrowing: copies what was not consumed into owned storage.
  void keep_rest() {
    if (!borrowed_) return;
    const std::byte* from = borrowed_ + begin_;
    const std::size_t n = end_ - begin_;
    borrowed_ = nullptr;
    begin_ = end_ = 0;
    if (n == 0) return;
    if (n > max_) throw std::length_error("flat_buffer: max_size exceeded");
    if (store_.size() < n) store_.resize(n);
    std::memcpy(store_.data(), from, n);
    end_ = n;
  }
  bool borrowing() const { return borrowed_ != nullptr; }
  std::size_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }
  std::size_t max_size() const { return max_; }
  // Room left before max_size, counting space freed by compaction.
  std::size_t capacity_left() const { return max_ - size(); }
  void clear() {
    begin_ = end_ = 0;
    borrowed_ = nullptr;
  }
  // Frees the storage when the buffer is empty and holds more than `keep` bytes (idle
  // connections should not pin large buffers).
  void shrink_if_empty(std::size_t keep) {
    if (empty() && !borrowed_ && store_.capacity() > keep) std::vector<std::byte>().swap(store_);
  }
  std::size_t storage() const { return store_.capacity(); }

 private:
  const std::byte* base() const { return borrowed_ ? borrowed_ : store_.data(); }

  std::vector<std::byte> store_;
  std::byte* borrowed_ = nullptr;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::size_t max_;
};

}  // namespace l7
