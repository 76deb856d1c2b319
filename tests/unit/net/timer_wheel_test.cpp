// The timer wheel with a fake clock: every timer fires once, never before its deadline and
// within a tick after it (when the wheel runs when it asks to); moving, disarming and
// destroying timers (also from inside on_timer); deadlines beyond both levels; and the
// wake-ups it asks for, which stay about one a second for thousands of far deadlines.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <random>
#include <vector>

#include "net/timer_wheel.hpp"

namespace l7::net {
namespace {

using clock = timer_wheel::clock;
using namespace std::chrono_literals;

struct probe final : wheel_timer {
  clock::time_point* now = nullptr;
  clock::time_point fired_at{};
  std::function<void(probe&)> then;
  int fired = 0;
  void on_timer() override {
    ++fired;
    if (now) fired_at = *now;
    if (then) then(*this);
  }
};

class Wheel : public ::testing::Test {
 protected:
  clock::time_point t0 = clock::time_point() + 1000s;
  clock::time_point now = t0;
  std::vector<clock::time_point> wakes;  // what the wheel asked for, in order
  timer_wheel wheel{t0, [this](clock::time_point when) { wakes.push_back(when); }};

  // Runs the wheel at every wake it asks for up to `until` (like the poller's Asio timer).
  int run_until(clock::time_point until) {
    int runs = 0;
    while (!wakes.empty()) {
      auto next = wakes.back();
      if (next > until) break;
      wakes.clear();
      now = std::max(now, next);
      wheel.run(now);
      ++runs;
    }
    now = std::max(now, until);
    return runs;
  }
};

TEST_F(Wheel, FiresOnceNeverEarlyAndWithinATick) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> ms(0, 700'000);  // up to past level 1's horizon
  std::vector<std::unique_ptr<probe>> timers;
  std::vector<clock::time_point> due;
  for (int i = 0; i < 3000; ++i) {
    auto p = std::make_unique<probe>();
    p->now = &now;
    auto d = t0 + std::chrono::milliseconds(ms(rng));
    wheel.arm(*p, d);
    due.push_back(d);
    timers.push_back(std::move(p));
  }
  EXPECT_EQ(wheel.size(), 3000u);
  run_until(t0 + 800s);
  for (std::size_t i = 0; i < timers.size(); ++i) {
    ASSERT_EQ(timers[i]->fired, 1) << i;
    EXPECT_GE(timers[i]->fired_at, due[i]) << i;
    EXPECT_LE(timers[i]->fired_at, due[i] + timer_wheel::tick) << i;
  }
  EXPECT_EQ(wheel.size(), 0u);
}

TEST_F(Wheel, RunningLateFiresEverythingDue) {
  probe a, b, c;
  wheel.arm(a, t0 + 10ms);
  wheel.arm(b, t0 + 5s);
  wheel.arm(c, t0 + 3600s);
  wheel.run(t0 + 2000s);  // a stall much longer than level 0's span
  EXPECT_EQ(a.fired, 1);
  EXPECT_EQ(b.fired, 1);
  EXPECT_EQ(c.fired, 0);
  wheel.run(t0 + 3600s);
  EXPECT_EQ(c.fired, 1);
}

TEST_F(Wheel, MoveLaterEarlierAndDisarm) {
  probe later, earlier, gone;
  wheel.arm(later, t0 + 1s);
  wheel.arm(later, t0 + 30s);  // moved later: a field update, fires at 30 s only
  wheel.arm(earlier, t0 + 30s);
  wheel.arm(earlier, t0 + 2s);
  wheel.arm(gone, t0 + 3s);
  wheel.disarm(gone);
  EXPECT_FALSE(gone.armed());
  run_until(t0 + 29s);
  EXPECT_EQ(later.fired, 0);
  EXPECT_EQ(earlier.fired, 1);
  EXPECT_EQ(gone.fired, 0);
  run_until(t0 + 31s);
  EXPECT_EQ(later.fired, 1);
  EXPECT_FALSE(later.armed());
}

TEST_F(Wheel, OnTimerMayRearmDisarmOthersAndDestroy) {
  probe a;
  auto b = std::make_unique<probe>();
  auto c = std::make_unique<probe>();
  int rearmed = 0;
  a.then = [&](probe& self) {
    b.reset();  // destroyed while in the same slot as a: must leave the wheel cleanly
    if (++rearmed < 3) wheel.arm(self, now + 100ms);
  };
  c->then = [&](probe&) { c.reset(); };  // destroys itself
  wheel.arm(a, t0 + 1s);
  wheel.arm(*b, t0 + 1s);
  wheel.arm(*c, t0 + 1s);
  run_until(t0 + 5s);
  EXPECT_EQ(a.fired, 3);
  EXPECT_EQ(b, nullptr);
  EXPECT_EQ(c, nullptr);
  EXPECT_EQ(wheel.size(), 0u);
}

TEST_F(Wheel, PastDeadlineFiresOnTheNextRun) {
  wheel.run(t0 + 10s);
  probe p;
  wheel.arm(p, t0 + 1s);  // already past
  ASSERT_FALSE(wakes.empty());
  EXPECT_LE(wakes.back(), t0 + 10s + timer_wheel::tick);
  wheel.run(t0 + 10s + timer_wheel::tick);
  EXPECT_EQ(p.fired, 1);
}

TEST_F(Wheel, ThousandsOfFarDeadlinesCostNoWakesUntilTheyAreNear) {
  // 10,000 idle connections whose timeouts fall within one second, a minute from now: the
  // wheel first wakes about a second before them, to move them to level 0.
  std::vector<std::unique_ptr<probe>> timers;
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> ms(60'000, 60'999);
  for (int i = 0; i < 10000; ++i) {
    timers.push_back(std::make_unique<probe>());
    wheel.arm(*timers.back(), t0 + std::chrono::milliseconds(ms(rng)));
  }
  int runs = run_until(t0 + 58s);
  EXPECT_EQ(runs, 0);
  ASSERT_FALSE(wakes.empty());
  EXPECT_GE(wakes.back(), t0 + 58s);
  for (auto& t : timers) EXPECT_EQ(t->fired, 0);
  run_until(t0 + 62s);
  for (auto& t : timers) EXPECT_EQ(t->fired, 1);
}

TEST_F(Wheel, BusyTimersMovedLaterNeverFire) {
  // A connection that keeps talking pushes its idle deadline later on every message.
  probe p;
  for (int s = 0; s < 600; ++s) {
    wheel.arm(p, now + 60s);
    run_until(now + 1s);
  }
  EXPECT_EQ(p.fired, 0);
  run_until(now + 61s);
  EXPECT_EQ(p.fired, 1);
}

}  // namespace
}  // namespace l7::net
