#include "imap/server/uid_view.hpp"

#include <algorithm>

namespace l7::imap::server {

std::uint32_t uid_view::uid_at(std::uint32_t seq) const {
  if (seq == 0 || seq > count_) return 0;
  auto it = std::upper_bound(runs_.begin(), runs_.end(), seq, [](std::uint32_t s, const run& r) { return s < r.seq; });
  --it;  // the run whose first sequence number is <= seq
  return it->first + (seq - it->seq);
}

std::uint32_t uid_view::seq_of(std::uint32_t uid) const {
  auto it = std::upper_bound(runs_.begin(), runs_.end(), uid, [](std::uint32_t u, const run& r) { return u < r.first; });
  if (it == runs_.begin()) return 0;
  --it;
  if (uid - it->first >= it->count) return 0;
  return it->seq + (uid - it->first);
}

void uid_view::clear() {
  runs_.clear();
  runs_.shrink_to_fit();
  count_ = 0;
}

void uid_view::push_back(std::uint32_t uid) {
  if (!runs_.empty() && runs_.back().first + runs_.back().count == uid) {
    ++runs_.back().count;
  } else {
    runs_.push_back({uid, 1, count_ + 1});
  }
  ++count_;
}

void uid_view::renumber(std::size_t from) {
  std::uint32_t seq = from == 0 ? 1 : runs_[from - 1].seq + runs_[from - 1].count;
  for (std::size_t i = from; i < runs_.size(); ++i) {
    runs_[i].seq = seq;
    seq += runs_[i].count;
  }
}

void uid_view::erase_seq(std::uint32_t seq) {
  if (seq == 0 || seq > count_) return;
  auto it = std::upper_bound(runs_.begin(), runs_.end(), seq, [](std::uint32_t s, const run& r) { return s < r.seq; });
  --it;
  auto i = static_cast<std::size_t>(it - runs_.begin());
  const std::uint32_t off = seq - runs_[i].seq;
  run& r = runs_[i];
  if (r.count == 1) {
    runs_.erase(runs_.begin() + static_cast<std::ptrdiff_t>(i));
  } else if (off == 0) {
    ++r.first;
    --r.count;
    ++i;  // this run keeps its first sequence number
  } else if (off == r.count - 1) {
    --r.count;
    ++i;
  } else {  // split: [first, first+off) and [first+off+1, first+count)
    run tail{r.first + off + 1, r.count - off - 1, 0};
    r.count = off;
    runs_.insert(runs_.begin() + static_cast<std::ptrdiff_t>(i) + 1, tail);
    ++i;
  }
  --count_;
  renumber(i);
  if (runs_.capacity() > 2 * runs_.size() + 16) runs_.shrink_to_fit();
}

void uid_view::erase_uids(const std::vector<std::uint32_t>& sorted) {
  if (sorted.empty()) return;
  std::vector<run> kept;
  std::uint32_t count = 0;
  std::size_t g = 0;
  for (const auto& r : runs_) {
    std::uint64_t u = r.first;  // 64 bits: UID 4294967295 + 1 must not wrap
    const std::uint64_t end = std::uint64_t(r.first) + r.count;
    while (u < end) {
      while (g < sorted.size() && sorted[g] < u) ++g;
      // The part of this run before the next removed UID.
      const std::uint64_t stop = g < sorted.size() ? std::min<std::uint64_t>(end, sorted[g]) : end;
      if (stop > u) {
        const auto n = static_cast<std::uint32_t>(stop - u);
        kept.push_back({static_cast<std::uint32_t>(u), n, count + 1});
        count += n;
      }
      if (stop >= end) break;
      u = stop + 1;  // past the removed UID
    }
  }
  runs_ = std::move(kept);
  count_ = count;
}

std::vector<std::uint32_t> uid_view::all() const {
  std::vector<std::uint32_t> out;
  out.reserve(count_);
  for (const auto& r : runs_)
    for (std::uint32_t k = 0; k < r.count; ++k) out.push_back(r.first + k);
  return out;
}

std::vector<std::uint32_t> uid_view::resolve(const sequence_set& set, bool by_uid, bool* out_of_range) const {
  std::vector<std::uint32_t> out;
  if (out_of_range) *out_of_range = false;
  if (!by_uid) {
    for (const auto& range : set.ranges) {
      // A range with "*" is never out of range ("1:*" on an empty mailbox names nothing).
      const bool has_star = range.first == star || range.last == star;
      std::uint32_t a = range.first == star ? count_ : range.first;
      std::uint32_t b = range.last == star ? count_ : range.last;
      if (a > b) std::swap(a, b);
      if (b > count_ && !has_star && out_of_range) *out_of_range = true;
      b = std::min(b, count_);
      if (a == 0) a = 1;
      for (std::uint32_t s = a; s <= b && s != 0; ++s) out.push_back(uid_at(s));
    }
  } else {
    if (count_ == 0) return out;
    const std::uint32_t last = last_uid();
    for (const auto& range : set.ranges) {
      std::uint32_t a = range.first == star ? last : range.first;
      std::uint32_t b = range.last == star ? last : range.last;
      if (a > b) std::swap(a, b);
      // Walk the runs that overlap [a, b] rather than every number in it ("1:4294967295").
      for (const auto& r : runs_) {
        const std::uint32_t lo = std::max(a, r.first);
        const std::uint32_t hi = std::min<std::uint64_t>(b, std::uint64_t(r.first) + r.count - 1);
        for (std::uint64_t u = lo; u <= hi; ++u) out.push_back(static_cast<std::uint32_t>(u));
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace l7::imap::server
