#include "net/timer_wheel.hpp"

#include <bit>

namespace l7::net {

wheel_timer::~wheel_timer() {
  if (wheel_) wheel_->disarm(*this);
}

timer_wheel::timer_wheel(clock::time_point now, std::function<void(clock::time_point)> wake)
    : base_(now), wake_(std::move(wake)) {}

timer_wheel::~timer_wheel() {
  for (auto*& head : slots_) {
    for (auto* t = head; t;) {
      auto* next = t->next_;
      t->wheel_ = nullptr;
      t->prev_ = t->next_ = nullptr;
      t = next;
    }
    head = nullptr;
  }
}

std::uint64_t timer_wheel::ticks_at(clock::time_point t) const {
  if (t <= base_) return 0;
  const auto d = t - base_;
  return static_cast<std::uint64_t>((d + tick - clock::duration(1)) / tick);
}

void timer_wheel::link(wheel_timer& t, unsigned slot) {
  t.wheel_ = this;
  t.slot_ = static_cast<std::uint16_t>(slot);
  t.prev_ = nullptr;
  t.next_ = slots_[slot];
  if (t.next_) t.next_->prev_ = &t;
  else if (slot < due_now) used_[slot / 64] |= std::uint64_t{1} << (slot % 64);
  slots_[slot] = &t;
  ++size_;
}

void timer_wheel::unlink(wheel_timer& t) {
  if (t.prev_) t.prev_->next_ = t.next_;
  else slots_[t.slot_] = t.next_;
  if (t.next_) t.next_->prev_ = t.prev_;
  if (!slots_[t.slot_] && t.slot_ < due_now) used_[t.slot_ / 64] &= ~(std::uint64_t{1} << (t.slot_ % 64));
  t.prev_ = t.next_ = nullptr;
  t.wheel_ = nullptr;
  --size_;
}

// Level 0 takes what is due within `ring` ticks (slot current_ % ring has had its turn, so it
// serves tick current_ + ring); level 1 the rest, by coarse index k = tick / ring, whose slot is
// emptied (cascaded) at tick k * ring - 1, when all of it is within `ring` ticks. The coarse
// indices still ahead are first .. first + ring - 1; a deadline beyond them waits in the last.
void timer_wheel::insert(wheel_timer& t) {
  const std::uint64_t due = t.due_ <= current_ ? current_ + 1 : t.due_;
  if (due - current_ <= ring) return link(t, static_cast<unsigned>(due % ring));
  const std::uint64_t first = (current_ + 1) / ring + 1;
  std::uint64_t k = std::max(due / ring, first);
  if (k - first >= ring) k = first + ring - 1;
  link(t, ring + static_cast<unsigned>(k % ring));
}

void timer_wheel::arm(wheel_timer& t, clock::time_point when) {
  const std::uint64_t due = ticks_at(when);
  if (t.wheel_ == this) {
    if (due >= t.due_) {  // later: the entry moves when its current slot comes due
      t.due_ = due;
      return;
    }
    unlink(t);
  } else if (t.wheel_) {
    t.wheel_->disarm(t);
  }
  t.due_ = due;
  insert(t);
  request_wake();
}

void timer_wheel::disarm(wheel_timer& t) {
  if (t.wheel_ == this) unlink(t);
}

std::uint64_t timer_wheel::next_work() const {
  // The first set bit of `words` (ring bits) at or after `from`, wrapping; ring if none.
  auto first_set = [](const std::uint64_t* words, unsigned from) -> unsigned {
    for (unsigned i = 0; i <= ring / 64; ++i) {
      const unsigned w = (from / 64 + i) % (ring / 64);
      std::uint64_t bits = words[w];
      if (i == 0) bits &= ~std::uint64_t{0} << (from % 64);
      else if (i == ring / 64) bits &= (std::uint64_t{1} << (from % 64)) - 1;
      if (bits) return (w * 64 + static_cast<unsigned>(std::countr_zero(bits)) + ring - from) % ring;
    }
    return ring;
  };
  std::uint64_t best = 0;
  // Level 0: ticks current_ + 1 .. current_ + ring.
  const unsigned d0 = first_set(used_.data(), static_cast<unsigned>((current_ + 1) % ring));
  if (d0 < ring) best = current_ + 1 + d0;
  // Level 1: coarse indices first .. first + ring - 1.
  const std::uint64_t first = (current_ + 1) / ring + 1;
  const unsigned d1 = first_set(used_.data() + ring / 64, static_cast<unsigned>(first % ring));
  if (d1 < ring) {
    const std::uint64_t cascade_tick = (first + d1) * ring - 1;
    if (best == 0 || cascade_tick < best) best = cascade_tick;
  }
  return best;
}

void timer_wheel::request_wake() {
  if (running_) return;  // run() asks once at its end
  const std::uint64_t next = next_work();
  if (next == 0 || (wake_at_ != 0 && wake_at_ <= next)) return;
  wake_at_ = next;
  wake_(base_ + next * tick);
}

void timer_wheel::fire_slot(std::uint64_t at) {
  const unsigned slot = static_cast<unsigned>(at % ring);
  // Sort the slot first: what moved later since it was placed goes where it belongs now
  // (perhaps this same slot, one turn later), the rest to the due-now list. No user code
  // runs while sorting, so the detached list cannot change under us.
  wheel_timer* list = detach(slot);
  while (list) {
    wheel_timer* t = list;
    list = t->next_;
    if (t->due_ > at) insert(*t);
    else link(*t, due_now);
  }
  // One at a time from the live due-now list: on_timer() may disarm or destroy any of them.
  while (wheel_timer* t = slots_[due_now]) {
    unlink(*t);
    t->on_timer();
  }
}

wheel_timer* timer_wheel::detach(unsigned slot) {
  wheel_timer* list = slots_[slot];
  for (auto* t = list; t; t = t->next_) --size_;
  slots_[slot] = nullptr;
  used_[slot / 64] &= ~(std::uint64_t{1} << (slot % 64));
  return list;
}

void timer_wheel::cascade(std::uint64_t coarse) {
  // Detach the whole list first: a far deadline may belong in this same slot again.
  wheel_timer* list = detach(ring + static_cast<unsigned>(coarse % ring));
  while (list) {
    wheel_timer* t = list;
    list = t->next_;
    insert(*t);
  }
}

void timer_wheel::run(clock::time_point now) {
  if (now < base_) return;
  const auto target = static_cast<std::uint64_t>((now - base_) / tick);
  running_ = true;
  for (;;) {
    const std::uint64_t at = next_work();
    if (at == 0 || at > target) break;
    current_ = at;
    fire_slot(at);
    if ((at + 1) % ring == 0) cascade((at + 1) / ring);
  }
  if (target > current_) current_ = target;
  running_ = false;
  wake_at_ = 0;
  request_wake();
}

}  // namespace l7::net
