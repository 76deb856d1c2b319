// libFuzzer target: the TFTP packet decoder, the server's option negotiation and both transfer
// state machines. The first byte chooses what the rest is:
//   even: one datagram. Checks: decode never fails silently; what decodes, encoded again,
//         decodes to the same packet; for a request, negotiate() stays within the policy and
//         its OACK is one the client side (apply_oack) accepts with the same parameters.
//   odd:  a sequence of datagrams (1-byte length, then the bytes; length 0 = the clock jumps
//         past the deadline) fed to a sender (bit 1 clear) or a receiver (bit 1 set) in the
//         server role. Checks: every datagram they emit decodes; DATA fits blksize; nothing
//         is sent after the transfer ended except by a receiver's linger.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "core/bytes.hpp"
#include "tftp/codec/error.hpp"
#include "tftp/codec/options.hpp"
#include "tftp/codec/packet.hpp"
#include "tftp/codec/receiver.hpp"
#include "tftp/codec/sender.hpp"

namespace {

using namespace l7::tftp;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "tftp packet fuzz: %s\n", what);
  std::abort();
}

void check_negotiation(const request& r) {
  server_policy p;
  p.max_blksize = 1428;
  p.max_windowsize = 16;
  p.max_upload = 1 << 20;
  std::error_code ec;
  auto n = negotiate(r, p, 12345, ec);
  if (ec) {
    if (ec != error::too_large || r.op != opcode::wrq) fail("unexpected negotiation error");
    return;
  }
  if (n.params.blksize < min_blksize || n.params.blksize > p.max_blksize) fail("blksize out of policy");
  if (n.params.windowsize < 1 || n.params.windowsize > p.max_windowsize) fail("windowsize out of policy");
  if (std::size_t(n.params.windowsize) * n.params.blksize > p.max_window_bytes) fail("window over max bytes");
  if (n.oack.size() > r.options.size()) fail("OACK longer than the request");
  transfer_params client;
  client.timeout = p.timeout;
  apply_oack(r.options, n.oack, client, ec);
  if (ec) fail("the client refuses what the server negotiated");
  if (client.blksize != n.params.blksize || client.windowsize != n.params.windowsize ||
      client.timeout != n.params.timeout)
    fail("client and server disagree on the parameters");
}

void one_datagram(std::span<const std::byte> d) {
  std::error_code ec;
  auto p = decode(d, ec);
  if (ec) {
    if (ec.category() != category()) fail("foreign error category");
    (void)describe(d);
    return;
  }
  std::vector<std::byte> again;
  encode(p, again);
  std::error_code ec2;
  auto q = decode(again, ec2);
  if (ec2) fail("re-encoded packet does not decode");
  if (describe(p) != describe(q)) fail("round trip changed the packet");
  if (auto* r = std::get_if<request>(&p)) {
    if (std::get<request>(q) != *r) fail("request round trip");
    check_negotiation(*r);
  }
  if (auto* dp = std::get_if<data_packet>(&p)) {
    auto& dq = std::get<data_packet>(q);
    if (dq.block != dp->block || dq.payload.size() != dp->payload.size() ||
        std::memcmp(dq.payload.data(), dp->payload.data(), dp->payload.size()) != 0)
      fail("data round trip");
  }
}

// `ended_before`: the transfer had ended before the input that produced this output.
void check_output(transfer& t, bool receiver_role, bool ended_before) {
  for (auto d = t.next_datagram(); !d.empty(); d = t.next_datagram()) {
    std::error_code ec;
    auto p = decode(d, ec);
    if (ec) fail("emitted a datagram that does not decode");
    if (auto* dp = std::get_if<data_packet>(&p); dp && dp->payload.size() > t.params().blksize)
      fail("DATA over blksize");
    if (ended_before && !(receiver_role && std::holds_alternative<ack_packet>(p)))
      fail("sent something after the end");
  }
}

void machine(std::span<const std::byte> in, bool receiver_role) {
  negotiation n;
  n.params.blksize = 16;
  n.params.windowsize = 3;
  if (!in.empty() && (std::to_integer<unsigned>(in[0]) & 1)) n.oack = {{"blksize", "16"}, {"windowsize", "3"}};
  const std::string content(100, 'x');
  std::size_t pos = 0;
  std::unique_ptr<transfer> t;
  if (receiver_role) {
    t = std::make_unique<receiver>(n, [](std::span<const std::byte>, bool, std::error_code&) {}, 3, 200);
  } else {
    t = std::make_unique<sender>(n, [&](std::span<std::byte> out, std::error_code&) {
      const std::size_t k = std::min(out.size(), content.size() - pos);
      std::memcpy(out.data(), content.data() + pos, k);
      pos += k;
      return k;
    }, 3);
  }
  time_point now{};
  t->start(now);
  check_output(*t, receiver_role, false);
  std::size_t i = 1;
  while (i < in.size()) {
    const bool ended = t->state() != transfer::status::running;
    const std::size_t len = std::to_integer<std::size_t>(in[i++]);
    if (len == 0) {
      if (auto d = t->next_deadline()) now = *d;
      t->on_timer(now);
    } else {
      const std::size_t k = std::min(len, in.size() - i);
      t->on_datagram(in.subspan(i, k), now);
      i += k;
    }
    check_output(*t, receiver_role, ended);
    if (t->bytes() > 200 && receiver_role) fail("receiver took more than its limit");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto selector = data[0];
  std::span<const std::byte> rest(reinterpret_cast<const std::byte*>(data) + 1, size - 1);
  if ((selector & 1) == 0) one_datagram(rest);
  else machine(rest, (selector & 2) != 0);
  return 0;
}
