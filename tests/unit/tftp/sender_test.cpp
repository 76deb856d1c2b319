// The DATA sender with a fake clock: lock-step and windowed transfers, loss (timer resends),
// duplicate ACKs (never a resend: Sorcerer's Apprentice, RFC 1123 §4.2.3.1), reordered and
// stale ACKs, block-number rollover, the OACK handshake in both roles, and failures.
#include <gtest/gtest.h>

#include "tftp/codec/error.hpp"
#include "tftp_test_util.hpp"

namespace l7::tftp::testing {
namespace {

using strings = std::vector<std::string>;

TEST(tftp_sender, lock_step_transfer) {
  memory_source src{pattern(1000)};
  fake_clock clk;
  sender s(plain(), src.fn(), 5);
  s.start(clk.now);
  EXPECT_EQ(drain(s), strings{"DATA 1 (512 bytes)"});
  s.on_datagram(ack(1), clk.now);
  EXPECT_EQ(drain(s), strings{"DATA 2 (488 bytes)"});
  EXPECT_EQ(s.state(), transfer::status::running);
  s.on_datagram(ack(2), clk.now);
  EXPECT_TRUE(drain(s).empty());
  EXPECT_EQ(s.state(), transfer::status::done);
  EXPECT_TRUE(s.finished());
  EXPECT_EQ(s.bytes(), 1000u);
  EXPECT_FALSE(s.next_deadline());
}

TEST(tftp_sender, exact_multiple_ends_with_an_empty_block_and_empty_file_with_one) {
  memory_source src{pattern(1024)};
  fake_clock clk;
  sender s(plain(), src.fn(), 5);
  s.start(clk.now);
  drain(s);
  s.on_datagram(ack(1), clk.now);
  EXPECT_EQ(drain(s), strings{"DATA 2 (512 bytes)"});
  s.on_datagram(ack(2), clk.now);
  EXPECT_EQ(drain(s), strings{"DATA 3 (0 bytes)"});
  s.on_datagram(ack(3), clk.now);
  EXPECT_EQ(s.state(), transfer::status::done);

  memory_source none{""};
  sender e(plain(), none.fn(), 5);
  e.start(clk.now);
  EXPECT_EQ(drain(e), strings{"DATA 1 (0 bytes)"});
  e.on_datagram(ack(1), clk.now);
  EXPECT_EQ(e.state(), transfer::status::done);
}

TEST(tftp_sender, duplicate_ack_never_triggers_a_resend) {
  memory_source src{pattern(2000)};
  fake_clock clk;
  sender s(plain(), src.fn(), 5);
  s.start(clk.now);
  drain(s);
  s.on_datagram(ack(1), clk.now);
  EXPECT_EQ(drain(s), strings{"DATA 2 (512 bytes)"});
  s.on_datagram(ack(1), clk.now);  // delayed duplicate of ACK 1
  EXPECT_TRUE(drain(s).empty());
  // DATA 2 is late: the timer resends it once...
  clk.advance(999ms);
  s.on_timer(clk.now);
  EXPECT_TRUE(drain(s).empty());
  clk.advance(1ms);
  s.on_timer(clk.now);
  EXPECT_EQ(drain(s), strings{"DATA 2 (512 bytes)"});
  // ...and both copies are acknowledged: DATA 3 goes out once, not twice.
  s.on_datagram(ack(2), clk.now);
  s.on_datagram(ack(2), clk.now);
  EXPECT_EQ(drain(s), strings{"DATA 3 (512 bytes)"});
  EXPECT_EQ(src.calls, 3);  // each block read once
}

TEST(tftp_sender, retries_exhausted_fail_with_an_error) {
  memory_source src{pattern(600)};
  fake_clock clk;
  sender s(plain(512, 1, 500ms), src.fn(), 2);
  s.start(clk.now);
  drain(s);
  for (int i = 0; i < 2; ++i) {
    clk.advance(500ms);
    s.on_timer(clk.now);
    EXPECT_EQ(drain(s), strings{"DATA 1 (512 bytes)"}) << i;
  }
  clk.advance(500ms);
  s.on_timer(clk.now);
  EXPECT_EQ(drain(s), strings{"ERROR 0 \"timed out\""});
  EXPECT_EQ(s.state(), transfer::status::failed);
  EXPECT_EQ(s.error(), error::timed_out);
  EXPECT_TRUE(s.finished());
  EXPECT_FALSE(s.next_deadline());
}

TEST(tftp_sender, progress_resets_the_retry_count) {
  memory_source src{pattern(3000)};
  fake_clock clk;
  sender s(plain(), src.fn(), 1);
  s.start(clk.now);
  for (std::uint16_t b = 1; b <= 5; ++b) {
    clk.advance(1000ms);  // one timeout per block is within the cap of 1
    s.on_timer(clk.now);
    EXPECT_EQ(drain(s).size(), 1u);
    s.on_datagram(ack(b), clk.now);
    drain(s);
  }
  EXPECT_EQ(s.state(), transfer::status::running);
}

TEST(tftp_sender, window_goes_out_at_once_and_resumes_after_the_acknowledged_block) {
  memory_source src{pattern(8 * 9 + 3)};  // blocks 1-9 full, block 10 has 3 bytes
  fake_clock clk;
  sender s(plain(8, 4), src.fn(), 5);
  s.start(clk.now);
  EXPECT_EQ(drain(s), (strings{"DATA 1 (8 bytes)", "DATA 2 (8 bytes)", "DATA 3 (8 bytes)", "DATA 4 (8 bytes)"}));
  s.on_datagram(ack(2), clk.now);  // the receiver saw a gap after 2 (RFC 7440 §4)
  EXPECT_EQ(drain(s), (strings{"DATA 3 (8 bytes)", "DATA 4 (8 bytes)", "DATA 5 (8 bytes)", "DATA 6 (8 bytes)"}));
  s.on_datagram(ack(1), clk.now);  // reordered, stale
  s.on_datagram(ack(2), clk.now);  // duplicate
  EXPECT_TRUE(drain(s).empty());
  s.on_datagram(ack(200), clk.now);  // never sent
  EXPECT_TRUE(drain(s).empty());
  s.on_datagram(ack(6), clk.now);
  EXPECT_EQ(drain(s), (strings{"DATA 7 (8 bytes)", "DATA 8 (8 bytes)", "DATA 9 (8 bytes)", "DATA 10 (3 bytes)"}));
  clk.advance(1000ms);  // the whole window again on timeout
  s.on_timer(clk.now);
  EXPECT_EQ(drain(s).size(), 4u);
  s.on_datagram(ack(10), clk.now);
  EXPECT_EQ(s.state(), transfer::status::done);
  EXPECT_EQ(s.bytes(), 75u);
  EXPECT_EQ(src.calls, 10);
}

TEST(tftp_sender, window_stops_at_the_last_block) {
  memory_source src{pattern(8)};
  fake_clock clk;
  sender s(plain(8, 16), src.fn(), 5);
  s.start(clk.now);
  EXPECT_EQ(drain(s), (strings{"DATA 1 (8 bytes)", "DATA 2 (0 bytes)"}));
}

TEST(tftp_sender, block_numbers_roll_over_to_zero) {
  const std::size_t blocks = 65536 + 70;
  memory_source src{pattern(blocks * 8 + 5)};
  fake_clock clk;
  sender s(plain(8, 1), src.fn(), 5);
  s.start(clk.now);
  std::uint64_t sent = 0;
  std::vector<std::uint16_t> around_wrap;
  for (;;) {
    auto d = drain_raw(s);
    ASSERT_EQ(d.size(), 1u);
    std::error_code ec;
    auto p = std::get<data_packet>(decode(d[0], ec));
    ++sent;
    if (sent >= 65534 && sent <= 65538) around_wrap.push_back(p.block);
    s.on_datagram(ack(p.block), clk.now);
    if (s.state() != transfer::status::running) break;
  }
  EXPECT_EQ(s.state(), transfer::status::done);
  EXPECT_EQ(sent, blocks + 1);
  EXPECT_EQ(s.bytes(), blocks * 8 + 5);
  EXPECT_EQ(around_wrap, (std::vector<std::uint16_t>{65534, 65535, 0, 1, 2}));
}

TEST(tftp_sender, window_across_the_rollover) {
  const std::size_t blocks = 65536 + 20;
  memory_source src{pattern(blocks * 8)};
  fake_clock clk;
  sender s(plain(8, 7), src.fn(), 5);
  s.start(clk.now);
  std::uint16_t last = 0;
  int windows = 0;
  while (s.state() == transfer::status::running) {
    auto d = drain_raw(s);
    ASSERT_FALSE(d.empty());
    std::error_code ec;
    last = std::get<data_packet>(decode(d.back(), ec)).block;
    s.on_datagram(ack(last), clk.now);
    ++windows;
  }
  EXPECT_EQ(s.state(), transfer::status::done);
  EXPECT_EQ(s.bytes(), blocks * 8);
  EXPECT_EQ(last, static_cast<std::uint16_t>(blocks + 1));
  EXPECT_EQ(windows, static_cast<int>((blocks + 1 + 6) / 7));
}

TEST(tftp_sender, server_sends_the_oack_first_and_waits_for_ack_zero) {
  memory_source src{pattern(1500)};
  fake_clock clk;
  negotiation n = plain(1024);
  n.oack = {{"blksize", "1024"}};
  sender s(n, src.fn(), 5);
  s.start(clk.now);
  EXPECT_EQ(drain(s), strings{"OACK blksize=1024"});
  clk.advance(1000ms);
  s.on_timer(clk.now);
  EXPECT_EQ(drain(s), strings{"OACK blksize=1024"});
  s.on_datagram(ack(0), clk.now);
  EXPECT_EQ(drain(s), strings{"DATA 1 (1024 bytes)"});
  s.on_datagram(ack(0), clk.now);  // duplicate ACK 0
  EXPECT_TRUE(drain(s).empty());
  EXPECT_EQ(src.calls, 1);
}

// Found while fuzzing (the harness, not the codec, was wrong): an ACK other than 0 while the
// OACK waits for its ACK 0 is an illegal operation, answered once with ERROR 4; whatever
// follows, timers included, produces nothing more.
TEST(tftp_sender, wrong_ack_before_the_data_fails_once) {
  memory_source src{pattern(100)};
  fake_clock clk;
  negotiation n = plain(16, 3);
  n.oack = {{"blksize", "16"}, {"windowsize", "3"}};
  sender s(n, src.fn(), 3);
  s.start(clk.now);
  drain(s);
  s.on_datagram(ack(0x5b00), clk.now);
  auto out = drain(s);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].rfind("ERROR 4 ", 0), 0u);
  clk.advance(10s);
  s.on_timer(clk.now);
  s.on_datagram(ack(3), clk.now);
  s.on_datagram(ack(0), clk.now);
  EXPECT_TRUE(drain(s).empty());
  EXPECT_EQ(src.calls, 0);
}

TEST(tftp_sender, client_refusing_the_oack_ends_the_transfer) {
  memory_source src{pattern(10)};
  fake_clock clk;
  negotiation n = plain(1024);
  n.oack = {{"blksize", "1024"}};
  sender s(n, src.fn(), 5);
  s.start(clk.now);
  drain(s);
  s.on_datagram(error_dgram(8, "no"), clk.now);
  EXPECT_TRUE(drain(s).empty());  // an ERROR is never answered
  EXPECT_EQ(s.state(), transfer::status::failed);
  EXPECT_EQ(s.error(), error::peer_error);
  ASSERT_TRUE(s.peer_error());
  EXPECT_EQ(s.peer_error()->code, 8);
}

TEST(tftp_sender, out_of_place_and_malformed_packets_fail_with_error_4) {
  for (const auto& bad : {data(1, "x"), to_bytes(std::string("\0\x01" "f\0octet\0", 10)),
                          to_bytes(std::string("\0\x09", 2)), oack({{"blksize", "8"}})}) {
    memory_source src{pattern(600)};
    fake_clock clk;
    sender s(plain(), src.fn(), 5);
    s.start(clk.now);
    drain(s);
    s.on_datagram(bad, clk.now);
    auto out = drain(s);
    ASSERT_EQ(out.size(), 1u) << describe(bad);
    EXPECT_EQ(out[0].rfind("ERROR 4 ", 0), 0u) << out[0];
    EXPECT_EQ(s.state(), transfer::status::failed);
  }
}

TEST(tftp_sender, source_error_is_reported_with_its_code) {
  fake_clock clk;
  sender s(plain(), [](std::span<std::byte>, std::error_code& ec) {
    ec = std::make_error_code(std::errc::permission_denied);
    return std::size_t{0};
  }, 5);
  s.start(clk.now);
  EXPECT_EQ(drain(s), strings{"ERROR 2 \"Access violation\""});
  EXPECT_EQ(s.state(), transfer::status::failed);
}

TEST(tftp_sender, client_write_request_without_and_with_an_oack) {
  fake_clock clk;
  transfer_params local;
  local.blksize = 1024;  // asked for, but only an OACK grants it
  {
    memory_source src{pattern(700)};
    sender s(wrq("up.bin", {{"blksize", "1024"}}), local, src.fn(), 5);
    s.start(clk.now);
    EXPECT_EQ(drain(s), strings{"WRQ \"up.bin\" octet blksize=1024"});
    s.on_datagram(ack(0), clk.now);  // the server ignored the option
    EXPECT_EQ(drain(s), strings{"DATA 1 (512 bytes)"});
    s.on_datagram(oack({{"blksize", "1024"}}), clk.now);  // late OACK: ignored
    EXPECT_TRUE(drain(s).empty());
  }
  {
    memory_source src{pattern(700)};
    sender s(wrq("up.bin", {{"blksize", "1024"}, {"windowsize", "4"}}), local, src.fn(), 5);
    s.start(clk.now);
    drain(s);
    s.on_datagram(oack({{"blksize", "600"}, {"windowsize", "2"}}), clk.now);
    EXPECT_EQ(drain(s), (strings{"DATA 1 (600 bytes)", "DATA 2 (100 bytes)"}));
  }
  {
    memory_source src{pattern(700)};
    sender s(wrq("up.bin", {{"blksize", "1024"}}), local, src.fn(), 5);
    s.start(clk.now);
    drain(s);
    s.on_datagram(oack({{"blksize", "2048"}}), clk.now);
    EXPECT_EQ(drain(s), strings{"ERROR 8 \"Option negotiation refused\""});
    EXPECT_EQ(s.error(), error::option_refused);
  }
}

}  // namespace
}  // namespace l7::tftp::testing
