// The DATA receiver with a fake clock: lock-step and windowed receiving, duplicates (ACK
// again, deliver once), gaps (one ACK of the last in-order block), timeouts, rollover, the
// OACK handshake in both roles, limits and failures.
#include <gtest/gtest.h>

#include "tftp/codec/error.hpp"
#include "tftp_test_util.hpp"

namespace l7::tftp::testing {
namespace {

using strings = std::vector<std::string>;

TEST(tftp_receiver, client_read_without_options) {
  memory_sink out;
  fake_clock clk;
  const std::string a = pattern(512), b = pattern(100, 2);
  receiver r(rrq("f.bin"), transfer_params{}, out.fn(), 5);
  r.start(clk.now);
  EXPECT_EQ(drain(r), strings{"RRQ \"f.bin\" octet"});
  r.on_datagram(data(1, a), clk.now);
  EXPECT_EQ(drain(r), strings{"ACK 1"});
  r.on_datagram(data(2, b), clk.now);
  EXPECT_EQ(drain(r), strings{"ACK 2"});
  EXPECT_EQ(r.state(), transfer::status::done);
  EXPECT_EQ(out.received, a + b);
  EXPECT_TRUE(out.saw_last);
  EXPECT_EQ(r.bytes(), 612u);
  // Lingering: a retransmitted last block is acknowledged again, then the timer ends it.
  EXPECT_FALSE(r.finished());
  r.on_datagram(data(2, b), clk.now);
  EXPECT_EQ(drain(r), strings{"ACK 2"});
  EXPECT_EQ(out.blocks, 2);
  clk.advance(1000ms);
  r.on_timer(clk.now);
  EXPECT_TRUE(r.finished());
  EXPECT_TRUE(drain(r).empty());
}

TEST(tftp_receiver, request_is_resent_until_answered_then_times_out) {
  memory_sink out;
  fake_clock clk;
  receiver r(rrq("f"), transfer_params{}, out.fn(), 2);
  r.start(clk.now);
  drain(r);
  for (int i = 0; i < 2; ++i) {
    clk.advance(1000ms);
    r.on_timer(clk.now);
    EXPECT_EQ(drain(r), strings{"RRQ \"f\" octet"});
  }
  clk.advance(1000ms);
  r.on_timer(clk.now);
  EXPECT_EQ(drain(r), strings{"ERROR 0 \"timed out\""});
  EXPECT_EQ(r.error(), error::timed_out);
}

TEST(tftp_receiver, duplicate_data_is_acknowledged_again_but_delivered_once) {
  memory_sink out;
  fake_clock clk;
  receiver r(plain(), out.fn(), 5);
  r.start(clk.now);
  EXPECT_EQ(drain(r), strings{"ACK 0"});
  const std::string a = pattern(512);
  r.on_datagram(data(1, a), clk.now);
  EXPECT_EQ(drain(r), strings{"ACK 1"});
  r.on_datagram(data(1, a), clk.now);  // our ACK 1 was lost
  EXPECT_EQ(drain(r), strings{"ACK 1"});
  EXPECT_EQ(out.received, a);
  r.on_datagram(data(0, a), clk.now);  // older than that: dropped
  EXPECT_TRUE(drain(r).empty());
}

TEST(tftp_receiver, server_resends_ack_zero_and_then_the_last_ack_on_timeout) {
  memory_sink out;
  fake_clock clk;
  receiver r(plain(), out.fn(), 5);
  r.start(clk.now);
  drain(r);
  clk.advance(1000ms);
  r.on_timer(clk.now);
  EXPECT_EQ(drain(r), strings{"ACK 0"});
  r.on_datagram(data(1, pattern(512)), clk.now);
  drain(r);
  clk.advance(1000ms);
  r.on_timer(clk.now);
  EXPECT_EQ(drain(r), strings{"ACK 1"});
}

TEST(tftp_receiver, window_is_acknowledged_at_its_end) {
  memory_sink out;
  fake_clock clk;
  receiver r(plain(8, 4), out.fn(), 5);
  r.start(clk.now);
  drain(r);
  strings acks;
  for (std::uint16_t b = 1; b <= 8; ++b) {
    r.on_datagram(data(b, pattern(8, b)), clk.now);
    for (auto& a : drain(r)) acks.push_back(a);
  }
  EXPECT_EQ(acks, (strings{"ACK 4", "ACK 8"}));
  r.on_datagram(data(9, "abc"), clk.now);  // the short last block ends it mid-window
  EXPECT_EQ(drain(r), strings{"ACK 9"});
  EXPECT_EQ(r.state(), transfer::status::done);
  EXPECT_EQ(r.bytes(), 67u);
}

TEST(tftp_receiver, gap_is_reported_once_and_the_resent_window_completes) {
  memory_sink out;
  fake_clock clk;
  receiver r(plain(8, 4), out.fn(), 5);
  r.start(clk.now);
  drain(r);
  r.on_datagram(data(1, pattern(8, 1)), clk.now);
  r.on_datagram(data(2, pattern(8, 2)), clk.now);
  r.on_datagram(data(4, pattern(8, 4)), clk.now);  // 3 was lost
  EXPECT_EQ(drain(r), strings{"ACK 2"});
  r.on_datagram(data(5, pattern(8, 5)), clk.now);  // the rest of the old window: no more ACKs
  r.on_datagram(data(6, pattern(8, 6)), clk.now);
  EXPECT_TRUE(drain(r).empty());
  for (std::uint16_t b = 3; b <= 6; ++b) r.on_datagram(data(b, pattern(8, b)), clk.now);
  EXPECT_EQ(drain(r), strings{"ACK 6"});
  std::string want;
  for (unsigned b = 1; b <= 6; ++b) want += pattern(8, b);
  EXPECT_EQ(out.received, want);
}

TEST(tftp_receiver, timeout_inside_a_window_acknowledges_the_last_in_order_block) {
  memory_sink out;
  fake_clock clk;
  receiver r(plain(8, 4), out.fn(), 5);
  r.start(clk.now);
  drain(r);
  r.on_datagram(data(1, pattern(8)), clk.now);
  r.on_datagram(data(2, pattern(8)), clk.now);
  clk.advance(1000ms);
  r.on_timer(clk.now);
  EXPECT_EQ(drain(r), strings{"ACK 2"});
}

TEST(tftp_receiver, block_numbers_roll_over_to_zero) {
  memory_sink out;
  fake_clock clk;
  receiver r(plain(8, 1), out.fn(), 5);
  r.start(clk.now);
  drain(r);
  const std::uint64_t blocks = 65536 + 10;
  std::string want;
  for (std::uint64_t seq = 1; seq <= blocks; ++seq) {
    const std::string payload = seq == blocks ? "end" : pattern(8, static_cast<unsigned>(seq));
    want += payload;
    r.on_datagram(data(static_cast<std::uint16_t>(seq), payload), clk.now);
    auto acks = drain(r);
    ASSERT_EQ(acks, strings{"ACK " + std::to_string(static_cast<std::uint16_t>(seq))}) << seq;
  }
  EXPECT_EQ(r.state(), transfer::status::done);
  EXPECT_EQ(out.received, want);
}

TEST(tftp_receiver, client_oack_is_acknowledged_with_ack_zero) {
  memory_sink out;
  fake_clock clk;
  receiver r(rrq("f", {{"blksize", "1024"}, {"tsize", "0"}}), transfer_params{}, out.fn(), 5);
  r.start(clk.now);
  drain(r);
  r.on_datagram(oack({{"blksize", "1000"}, {"tsize", "1500"}}), clk.now);
  EXPECT_EQ(drain(r), strings{"ACK 0"});
  EXPECT_EQ(r.params().blksize, 1000);
  EXPECT_EQ(r.params().tsize, 1500u);
  r.on_datagram(oack({{"blksize", "1000"}, {"tsize", "1500"}}), clk.now);  // ACK 0 was lost
  EXPECT_EQ(drain(r), strings{"ACK 0"});
  r.on_datagram(data(1, pattern(1000)), clk.now);
  EXPECT_EQ(drain(r), strings{"ACK 1"});
  r.on_datagram(data(2, pattern(500)), clk.now);
  EXPECT_EQ(drain(r), strings{"ACK 2"});
  EXPECT_EQ(r.state(), transfer::status::done);
}

TEST(tftp_receiver, client_refuses_an_unrequested_option_with_error_8) {
  memory_sink out;
  fake_clock clk;
  receiver r(rrq("f", {{"blksize", "1024"}}), transfer_params{}, out.fn(), 5);
  r.start(clk.now);
  drain(r);
  r.on_datagram(oack({{"windowsize", "4"}}), clk.now);
  EXPECT_EQ(drain(r), strings{"ERROR 8 \"Option negotiation refused\""});
  EXPECT_EQ(r.error(), error::option_refused);
}

TEST(tftp_receiver, server_ignoring_options_means_rfc_1350_sizes) {
  memory_sink out;
  fake_clock clk;
  receiver r(rrq("f", {{"blksize", "1024"}}), transfer_params{}, out.fn(), 5);
  r.start(clk.now);
  drain(r);
  r.on_datagram(data(1, pattern(512)), clk.now);
  EXPECT_EQ(r.params().blksize, 512);
  EXPECT_EQ(r.state(), transfer::status::running);  // 512 bytes is a full block
  r.on_datagram(data(2, ""), clk.now);
  EXPECT_EQ(r.state(), transfer::status::done);
}

TEST(tftp_receiver, oversized_block_and_byte_limit_fail) {
  fake_clock clk;
  {
    memory_sink out;
    receiver r(plain(8), out.fn(), 5);
    r.start(clk.now);
    drain(r);
    r.on_datagram(data(1, "123456789"), clk.now);
    auto d = drain(r);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].rfind("ERROR 4 ", 0), 0u);
    EXPECT_EQ(r.error(), error::block_too_large);
  }
  {
    memory_sink out;
    receiver r(plain(8), out.fn(), 5, 20);
    r.start(clk.now);
    drain(r);
    r.on_datagram(data(1, pattern(8)), clk.now);
    r.on_datagram(data(2, pattern(8)), clk.now);
    r.on_datagram(data(3, pattern(8)), clk.now);
    auto d = drain(r);
    EXPECT_EQ(d.back(), "ERROR 3 \"Disk full or allocation exceeded\"");
    EXPECT_EQ(out.received.size(), 16u);  // the block past the limit was not delivered
  }
}

TEST(tftp_receiver, sink_error_on_the_last_block_is_sent_instead_of_its_ack) {
  fake_clock clk;
  receiver r(plain(), [](std::span<const std::byte>, bool last, std::error_code& ec) {
    if (last) ec = std::make_error_code(std::errc::file_exists);
  }, 5);
  r.start(clk.now);
  drain(r);
  r.on_datagram(data(1, pattern(512)), clk.now);
  EXPECT_EQ(drain(r), strings{"ACK 1"});
  r.on_datagram(data(2, "x"), clk.now);
  EXPECT_EQ(drain(r), strings{"ERROR 6 \"File already exists\""});
  EXPECT_EQ(r.state(), transfer::status::failed);
}

TEST(tftp_receiver, unexpected_packets_fail_and_peer_errors_end_quietly) {
  fake_clock clk;
  {
    memory_sink out;
    receiver r(plain(), out.fn(), 5);
    r.start(clk.now);
    drain(r);
    r.on_datagram(ack(1), clk.now);
    auto d = drain(r);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].rfind("ERROR 4 ", 0), 0u);
  }
  {
    memory_sink out;
    receiver r(plain(), out.fn(), 5);
    r.start(clk.now);
    drain(r);
    r.on_datagram(error_dgram(3, "disk full"), clk.now);
    EXPECT_TRUE(drain(r).empty());
    EXPECT_EQ(r.error(), error::peer_error);
    EXPECT_EQ(r.peer_error()->message, "disk full");
    EXPECT_TRUE(r.finished());
  }
}

}  // namespace
}  // namespace l7::tftp::testing
