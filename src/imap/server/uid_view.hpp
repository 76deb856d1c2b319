// A session's view of its selected mailbox (RFC 9051 §2.3.1.2): message sequence number n is
// the n-th UID of the view. The view changes only when the session tells the client (EXISTS
// adds at the end, EXPUNGE / VANISHED removes), so it may lag behind the store.
// Memory: UIDs are kept as runs of consecutive numbers, so a mailbox whose UIDs have few gaps
// costs a few bytes per run however many messages it has (an idle IMAP session on a 50,000
// message mailbox should not hold 200 KB of UIDs). Sans-I/O, not thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "imap/codec/types.hpp"

namespace l7::imap::server {

class uid_view {
 public:
  std::uint32_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  // The UID of sequence number `seq` (1-based); 0 when out of range.
  std::uint32_t uid_at(std::uint32_t seq) const;
  // The sequence number of `uid`; 0 when it is not in the view.
  std::uint32_t seq_of(std::uint32_t uid) const;
  std::uint32_t last_uid() const { return runs_.empty() ? 0 : runs_.back().first + runs_.back().count - 1; }

  void clear();
  // Adds `uid` as the new last message. Precondition: uid > last_uid().
  void push_back(std::uint32_t uid);
  // Removes the message with this sequence number (later ones move down by one).
  void erase_seq(std::uint32_t seq);
  // Removes these UIDs (ascending; ones not in the view are ignored) in one pass.
  void erase_uids(const std::vector<std::uint32_t>& sorted);

  // The UIDs a sequence set names (RFC 9051 §9: "*" is the last message; ranges in either
  // order), ascending, without duplicates. With `by_uid`, the set holds UIDs (UID commands,
  // §6.4.9: "*" is the last UID, and a range that names none of the view's UIDs is empty
  // except that "n:*" always includes the last message).
  // `out_of_range` (sequence numbers only) is set when a number exceeds the view's size
  // (RFC 9051 §9: a BAD response), the valid rest is still returned.
  std::vector<std::uint32_t> resolve(const sequence_set& set, bool by_uid, bool* out_of_range = nullptr) const;
  // Every UID, ascending.
  std::vector<std::uint32_t> all() const;
  // Runs of consecutive UIDs (for tests and memory accounting).
  std::size_t runs() const { return runs_.size(); }

 private:
  struct run {
    std::uint32_t first;  // first UID
    std::uint32_t count;  // UIDs first .. first + count - 1
    std::uint32_t seq;    // sequence number of `first`
  };
  void renumber(std::size_t from);
  std::vector<run> runs_;
  std::uint32_t count_ = 0;
};

}  // namespace l7::imap::server
