// net::connection on a worker's poller, over socketpairs: readiness edges and what a short
// read means, EOF (also when data and FIN came together), writes that fill the socket and
// the writability edge after, the deadline, parking (resume on bytes, close on idle, on a
// graceful stop and when the worker goes away), and a connection destroyed by another's
// owner while its event waits in the same batch.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <vector>

#include "net/connection.hpp"
#include "net/parking.hpp"
#include "net/poller.hpp"
#include "net/runtime.hpp"

namespace l7::net {
namespace {

using namespace std::chrono_literals;

struct recorder final : connection_owner {
  std::vector<unsigned> ready;
  int deadlines = 0, stops = 0, abandons = 0;
  std::function<void(connection&, unsigned)> then;
  void on_ready(connection& c, unsigned r) override {
    ready.push_back(r);
    if (then) then(c, r);
  }
  void on_deadline(connection&) override { ++deadlines; }
  void on_stop(connection&) override { ++stops; }
  void on_abandon(connection&) override { ++abandons; }
  int reads() const {
    int n = 0;
    for (auto r : ready) n += (r & ready_read) ? 1 : 0;
    return n;
  }
};

struct test_parking final : parking {
  std::vector<std::unique_ptr<connection>> resumed;
  int closed = 0;
  void resume(std::unique_ptr<connection> c) override { resumed.push_back(std::move(c)); }
  void closing(connection&) override { ++closed; }
};

class Connection : public ::testing::Test {
 protected:
  // A connected pair: ours (adopted, non-blocking) and the peer's raw fd.
  std::unique_ptr<connection> pair(int& peer) {
    int sv[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
    peer = sv[1];
    peers_.push_back(peer);
    std::error_code ec;
    auto c = connection::adopt(w_->poller(), sv[0], tcp::endpoint(), ec);
    EXPECT_TRUE(c) << ec.message();
    return c;
  }

  // Runs the worker's loop until `done` or 5 s.
  bool run_until(const std::function<bool()>& done) {
    auto& io = w_->context();
    auto until = std::chrono::steady_clock::now() + 5s;
    io.restart();
    while (!done() && std::chrono::steady_clock::now() < until) io.run_for(5ms);
    return done();
  }
  void run_for(std::chrono::milliseconds d) {
    auto until = std::chrono::steady_clock::now() + d;
    run_until([&] { return std::chrono::steady_clock::now() >= until; });
  }

  static void put(int fd, std::string_view s) { ASSERT_EQ(::write(fd, s.data(), s.size()), static_cast<ssize_t>(s.size())); }

  void TearDown() override {
    for (int fd : peers_) ::close(fd);
  }

  std::vector<int> peers_;
  std::unique_ptr<worker> w_ = std::make_unique<worker>(0);
};

std::string read_text(connection& c, std::size_t max = 4096) {
  std::string buf(max, '\0');
  auto r = c.read_some(std::as_writable_bytes(std::span(buf)));
  if (r.status != io_status::done) return {};
  buf.resize(r.bytes);
  return buf;
}

TEST_F(Connection, ReadableEdgesAndShortReads) {
  int peer;
  auto c = pair(peer);
  recorder rec;
  c->set_owner(&rec);
  // A fresh connection may read (nothing known yet): the first read finds nothing.
  EXPECT_TRUE(c->may_read());
  std::array<std::byte, 16> buf;
  EXPECT_EQ(c->read_some(buf).status, io_status::want_read);
  EXPECT_FALSE(c->may_read());
  put(peer, "hello");
  ASSERT_TRUE(run_until([&] { return rec.reads() >= 1; }));
  EXPECT_TRUE(c->may_read());
  EXPECT_EQ(read_text(*c), "hello");
  // Short read: drained, so the next read says want_read without asking the kernel.
  EXPECT_FALSE(c->may_read());
  EXPECT_EQ(c->read_some(buf).status, io_status::want_read);
  put(peer, "0123456789abcdefXYZ");  // more than one 16-byte read
  ASSERT_TRUE(run_until([&] { return rec.reads() >= 2; }));
  auto r = c->read_some(buf);
  EXPECT_EQ(r.bytes, 16u);
  EXPECT_TRUE(c->may_read()) << "a full read may leave more";
  EXPECT_EQ(read_text(*c), "XYZ");
}

TEST_F(Connection, EofAlsoWhenDataAndFinCameTogether) {
  int peer;
  auto c = pair(peer);
  recorder rec;
  c->set_owner(&rec);
  put(peer, "last words");
  ::shutdown(peer, SHUT_WR);
  ASSERT_TRUE(run_until([&] { return !rec.ready.empty(); }));
  EXPECT_EQ(read_text(*c), "last words");
  // The FIN came with the same edge: a short read must not hide it.
  std::array<std::byte, 16> buf;
  EXPECT_EQ(c->read_some(buf).status, io_status::eof);
}

TEST_F(Connection, WritesUntilFullThenTheWritabilityEdge) {
  int peer;
  auto c = pair(peer);
  recorder rec;
  c->set_owner(&rec);
  std::vector<std::byte> block(64 * 1024, std::byte{'x'});
  std::size_t sent = 0;
  for (int i = 0; i < 1000; ++i) {
    auto r = c->write_some(block);
    if (r.status == io_status::want_write) break;
    ASSERT_EQ(r.status, io_status::done);
    sent += r.bytes;
  }
  EXPECT_FALSE(c->may_write());
  EXPECT_GT(sent, 0u);
  rec.ready.clear();
  std::vector<char> sink(1 << 20);
  std::size_t got = 0;
  while (got < sent) {
    auto n = ::read(peer, sink.data(), sink.size());
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  EXPECT_EQ(got, sent);
  ASSERT_TRUE(run_until([&] {
    for (auto r : rec.ready)
      if (r & ready_write) return true;
    return false;
  }));
  EXPECT_TRUE(c->may_write());
  // Two buffers in one call.
  std::string a = "head;", b = "body";
  auto r = c->write_some(std::as_bytes(std::span(a)), std::as_bytes(std::span(b)));
  EXPECT_EQ(r.bytes, 9u);
  char out[16] = {};
  EXPECT_EQ(::read(peer, out, sizeof out), 9);
  EXPECT_EQ(std::string_view(out, 9), "head;body");
}

TEST_F(Connection, DeadlineFiresOnceAndMovesLater) {
  int peer;
  auto c = pair(peer);
  recorder rec;
  c->set_owner(&rec);
  c->expires_after(30ms);
  c->expires_after(80ms);  // later: fires at 80 ms, once
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until([&] { return rec.deadlines > 0; }));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 80ms);
  run_for(50ms);
  EXPECT_EQ(rec.deadlines, 1);
  c->expires_after(20ms);
  c->disarm();
  run_for(60ms);
  EXPECT_EQ(rec.deadlines, 1);
}

TEST_F(Connection, ParkingResumesOnBytesAndClosesWhenIdle) {
  test_parking lot;
  int talker, quiet;
  auto a = pair(talker);
  auto b = pair(quiet);
  std::array<std::byte, 16> buf;
  ASSERT_EQ(a->read_some(buf).status, io_status::want_read);
  ASSERT_EQ(b->read_some(buf).status, io_status::want_read);
  lot.park(std::move(a), 10s);
  lot.park(std::move(b), 50ms);
  EXPECT_EQ(w_->poller().connections(), 2u);
  put(talker, "GET");
  ASSERT_TRUE(run_until([&] { return lot.resumed.size() == 1 && lot.closed == 1; }));
  auto& back = *lot.resumed[0];
  EXPECT_EQ(back.owner(), nullptr);
  EXPECT_FALSE(back.deadline_armed());
  EXPECT_EQ(read_text(back), "GET");
  // The idle one was closed: its peer sees EOF.
  char x;
  EXPECT_EQ(::read(quiet, &x, 1), 0);
  EXPECT_EQ(w_->poller().connections(), 1u);
}

TEST_F(Connection, GracefulStopAndShutdownReleaseParkedConnections) {
  test_parking lot;
  int p1, p2;
  auto a = pair(p1);
  auto b = pair(p2);
  recorder active;
  b->set_owner(&active);
  lot.park(std::move(a), 10s);
  w_->poller().begin_stop();
  EXPECT_EQ(lot.closed, 1);
  EXPECT_EQ(active.stops, 1);
  // Parked during a stop: closed at once.
  int p3;
  auto c = pair(p3);
  lot.park(std::move(c), 10s);
  EXPECT_EQ(lot.closed, 2);
  char x;
  EXPECT_EQ(::read(p1, &x, 1), 0);
  EXPECT_EQ(::read(p3, &x, 1), 0);
}

TEST_F(Connection, WorkerDestructionAbandonsParkedConnections) {
  test_parking lot;
  int p;
  auto a = pair(p);
  lot.park(std::move(a), 10s);
  w_.reset();
  EXPECT_EQ(lot.closed, 1);
  char x;
  EXPECT_EQ(::read(p, &x, 1), 0);
}

TEST_F(Connection, DestroyedByAnotherOwnerWithinTheSameBatch) {
  int pa, pb;
  auto a = pair(pa);
  auto b = pair(pb);
  recorder ra, rb;
  // Whichever is told first destroys the other, whose event is still in the batch.
  ra.then = [&](connection&, unsigned) { b.reset(); };
  rb.then = [&](connection&, unsigned) { a.reset(); };
  a->set_owner(&ra);
  b->set_owner(&rb);
  put(pa, "x");
  put(pb, "y");
  ASSERT_TRUE(run_until([&] { return !a || !b; }));
  run_for(20ms);
  EXPECT_EQ(ra.ready.size() + rb.ready.size(), 1u);
}

}  // namespace
}  // namespace l7::net
