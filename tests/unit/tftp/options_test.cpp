// Option negotiation (RFC 2347/2348/2349/7440): what the server accepts and clamps, and the
// client's check of an OACK.
#include <gtest/gtest.h>

#include "tftp/codec/error.hpp"
#include "tftp/codec/options.hpp"
#include "tftp_test_util.hpp"

namespace l7::tftp::testing {
namespace {

negotiation negotiate_ok(const request& r, const server_policy& p = {},
                         std::optional<std::uint64_t> size = std::nullopt) {
  std::error_code ec;
  auto n = negotiate(r, p, size, ec);
  EXPECT_FALSE(ec) << ec.message();
  return n;
}

TEST(tftp_options, no_options_no_oack) {
  auto n = negotiate_ok(rrq("f"));
  EXPECT_TRUE(n.oack.empty());
  EXPECT_EQ(n.params.blksize, 512);
  EXPECT_EQ(n.params.windowsize, 1);
}

TEST(tftp_options, accepted_options_are_echoed_in_request_order) {
  auto n = negotiate_ok(rrq("f", {{"WindowSize", "8"}, {"tsize", "0"}, {"BLKSIZE", "1468"},
                                  {"timeout", "3"}, {"multicast", ""}}),
                        {}, 123456);
  const std::vector<option> want{
      {"windowsize", "8"}, {"tsize", "123456"}, {"blksize", "1468"}, {"timeout", "3"}};
  EXPECT_EQ(n.oack, want);  // unknown "multicast" left out (RFC 2347 §2)
  EXPECT_EQ(n.params.blksize, 1468);
  EXPECT_EQ(n.params.windowsize, 8);
  EXPECT_EQ(n.params.timeout, std::chrono::seconds(3));
  EXPECT_EQ(n.params.tsize, 123456u);
}

TEST(tftp_options, values_are_clamped_to_the_policy) {
  server_policy p;
  p.max_blksize = 1428;
  p.max_windowsize = 16;
  auto n = negotiate_ok(rrq("f", {{"blksize", "65464"}, {"windowsize", "65535"}}), p);
  EXPECT_EQ(n.params.blksize, 1428);
  EXPECT_EQ(n.params.windowsize, 16);
  // The window's bytes are capped too: 4 MiB / 65464 = 64 blocks.
  server_policy big;
  big.max_windowsize = 65535;
  n = negotiate_ok(rrq("f", {{"blksize", "99999"}, {"windowsize", "1000"}}), big);
  EXPECT_EQ(n.params.blksize, max_blksize);
  EXPECT_EQ(n.params.windowsize, (4u << 20) / max_blksize);
}

TEST(tftp_options, invalid_values_are_left_out) {
  auto n = negotiate_ok(rrq("f", {{"blksize", "7"}, {"timeout", "0"}, {"windowsize", "0"},
                                  {"tsize", "-1"}}),
                        {}, 10);
  EXPECT_TRUE(n.oack.empty());
  n = negotiate_ok(rrq("f", {{"blksize", "1x"}, {"timeout", "256"}, {"windowsize", "65536"}}));
  EXPECT_TRUE(n.oack.empty());
  EXPECT_EQ(n.params.blksize, 512);
}

TEST(tftp_options, tsize_on_read_reports_the_size_unless_unknown) {
  EXPECT_EQ(negotiate_ok(rrq("f", {{"tsize", "0"}}), {}, 42).oack,
            (std::vector<option>{{"tsize", "42"}}));
  EXPECT_TRUE(negotiate_ok(rrq("f", {{"tsize", "0"}}), {}, std::nullopt).oack.empty());
}

TEST(tftp_options, tsize_on_write_is_checked_against_the_upload_limit) {
  server_policy p;
  p.max_upload = 1000;
  EXPECT_EQ(negotiate_ok(wrq("f", {{"tsize", "1000"}}), p).params.tsize, 1000u);
  std::error_code ec;
  negotiate(wrq("f", {{"tsize", "1001"}}), p, std::nullopt, ec);
  EXPECT_EQ(ec, error::too_large);
  EXPECT_EQ(wire_code_for(ec), wire::disk_full);
}

TEST(tftp_options, client_request_lists_what_was_asked) {
  option_request r;
  r.blksize = 1468;
  r.tsize = 0;
  r.windowsize = 4;
  EXPECT_EQ(r.to_options(), (std::vector<option>{{"blksize", "1468"}, {"tsize", "0"}, {"windowsize", "4"}}));
}

TEST(tftp_options, client_accepts_a_lower_or_equal_answer) {
  const std::vector<option> asked{{"blksize", "1468"}, {"windowsize", "16"}, {"tsize", "0"}, {"timeout", "2"}};
  transfer_params p;
  std::error_code ec;
  apply_oack(asked, {{"BLKSIZE", "1024"}, {"windowsize", "16"}, {"tsize", "777"}, {"timeout", "2"}}, p, ec);
  EXPECT_FALSE(ec);
  EXPECT_EQ(p.blksize, 1024);
  EXPECT_EQ(p.windowsize, 16);
  EXPECT_EQ(p.tsize, 777u);
  EXPECT_EQ(p.timeout, std::chrono::seconds(2));
}

TEST(tftp_options, client_refuses_a_bad_oack) {
  const std::vector<option> asked{{"blksize", "1024"}, {"windowsize", "4"}};
  const std::vector<std::vector<option>> bad{
      {{"blksize", "2048"}},   // more than asked (RFC 2348)
      {{"blksize", "7"}},      // below the minimum
      {{"windowsize", "5"}},   // more than asked (RFC 7440)
      {{"tsize", "1"}},        // not asked for (RFC 2347 §3)
      {{"blksize", "abc"}},
  };
  for (const auto& o : bad) {
    transfer_params p;
    std::error_code ec;
    apply_oack(asked, o, p, ec);
    EXPECT_EQ(ec, error::option_refused) << o[0].name << "=" << o[0].value;
    EXPECT_EQ(p.blksize, 512);  // unchanged
  }
}

}  // namespace
}  // namespace l7::tftp::testing
