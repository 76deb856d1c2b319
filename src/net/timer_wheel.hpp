// Deadlines for many connections at almost no cost per connection: a two-level hashed timer
// wheel (Varghese & Lauck). Level 0 has 256 slots of `tick` (4 ms: about 1 s ahead), level 1
// 256 slots of 256 ticks (about 4.4 min ahead); later deadlines wait in level 1's farthest slot
// and are placed again when it comes round. Arming, moving and disarming are O(1); moving a
// deadline later (what a busy connection does on every message) is a field update, the entry
// is moved only when its old slot comes due. The wheel asks its owner to wake it (wake(when))
// only at ticks that have entries, so thousands of idle connections cost a wake-up about once
// a second, not one per tick.
//
// Precision: a timer fires at the first tick at or after its deadline, never before it.
// Not thread-safe: one wheel per worker, used on its thread. Time is an argument (run(now)),
// so tests drive it with a fake clock.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>

namespace l7::net {

class timer_wheel;

// Derive from it and implement on_timer(); a timer belongs to one wheel at a time.
class wheel_timer {
 public:
  wheel_timer(const wheel_timer&) = delete;
  wheel_timer& operator=(const wheel_timer&) = delete;

  bool armed() const { return wheel_ != nullptr; }

 protected:
  wheel_timer() = default;
  ~wheel_timer();  // disarms
  // The deadline passed; the timer is disarmed. It may re-arm itself, disarm or destroy other
  // timers, or destroy its own object.
  virtual void on_timer() = 0;

 private:
  friend class timer_wheel;
  wheel_timer* prev_ = nullptr;
  wheel_timer* next_ = nullptr;
  timer_wheel* wheel_ = nullptr;
  std::uint64_t due_ = 0;   // the deadline, in ticks (may be later than the slot it sits in)
  std::uint16_t slot_ = 0;  // index into timer_wheel::slots_
};

class timer_wheel {
 public:
  using clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds tick{4};

  // `wake(when)`: run(now) must be called at `when` or soon after (it replaces any earlier
  // request); never called from inside run().
  timer_wheel(clock::time_point now, std::function<void(clock::time_point)> wake);
  ~timer_wheel();
  timer_wheel(const timer_wheel&) = delete;
  timer_wheel& operator=(const timer_wheel&) = delete;

  void arm(wheel_timer& t, clock::time_point when);
  void disarm(wheel_timer& t);
  // Fires every timer due at `now`.
  void run(clock::time_point now);
  std::size_t size() const { return size_; }

 private:
  static constexpr unsigned ring = 256;
  static constexpr unsigned due_now = 2 * ring;  // the slot being fired

  std::uint64_t ticks_at(clock::time_point t) const;  // rounded up
  void insert(wheel_timer& t);
  void link(wheel_timer& t, unsigned slot);
  void unlink(wheel_timer& t);
  // Empties a level 0 or 1 slot and returns its list (still chained by next_).
  wheel_timer* detach(unsigned slot);
  void fire_slot(std::uint64_t tick);
  void cascade(std::uint64_t coarse);
  // The first tick after current_ with level-0 entries or a cascade to run; 0 if none.
  std::uint64_t next_work() const;
  void request_wake();

  clock::time_point base_;
  std::uint64_t current_ = 0;  // every tick up to this one has run
  std::uint64_t wake_at_ = 0;  // tick last passed to wake_ (0: none pending)
  bool running_ = false;
  std::size_t size_ = 0;
  std::function<void(clock::time_point)> wake_;
  // [0, ring): level 0; [ring, 2 * ring): level 1; due_now.
  std::array<wheel_timer*, 2 * ring + 1> slots_{};
  std::array<std::uint64_t, 2 * ring / 64> used_{};  // bit per non-empty slot
};

}  // namespace l7::net
