// Helpers for the DNS client tests: a scripted DNS server on 127.0.0.1 (UDP and TCP on the same
// port) in the test's io_context, message builders, and a runner with a 10 s guard.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <vector>

#include "dns/client/exchange.hpp"
#include "dns/codec/types.hpp"
#include "dns_test_util.hpp"
#include "net/asio.hpp"

namespace l7::dns::client::test {

using datagram = std::vector<std::byte>;

inline message make_query(std::string_view qname, std::uint16_t qtype = rr_type::a) {
  message q;
  q.hdr.rd = true;
  q.questions.push_back({testing::make_name(qname), qtype, rr_class::in});
  return q;
}

// A reply to `q` (same ID and question) with one A record per address in `last_octets`.
inline message make_reply(const message& q, std::vector<std::uint8_t> last_octets = {1}) {
  message r;
  r.hdr = q.hdr;
  r.hdr.qr = r.hdr.ra = true;
  r.questions = q.questions;
  for (const auto o : last_octets)
    r.answers.push_back(
        make_record(q.questions.at(0).qname, 60, a_rdata{ip_address::v4({192, 0, 2, o})}));
  return r;
}

inline datagram wire_of(const message& m) { return testing::encode_ok(m); }

// The scripted server. The handlers see each decoded query (and its raw bytes) and say what to
// send back: over UDP any number of datagrams, over TCP one reply (sent framed), or nothing.
class fake_server {
 public:
  using udp_handler = std::function<std::vector<datagram>(const message& query)>;
  using tcp_handler = std::function<std::optional<datagram>(const message& query)>;

  fake_server(asio::io_context& io, udp_handler on_udp, tcp_handler on_tcp = {})
      : udp_(io), acceptor_(io), on_udp_(std::move(on_udp)), on_tcp_(std::move(on_tcp)) {
    // The UDP port picks the number; TCP must get the same one (retry if it is taken).
    for (int attempt = 0; attempt < 50 && !acceptor_.is_open(); ++attempt) {
      udp_ = net::udp::socket(io, net::udp::endpoint(asio::ip::address_v4::loopback(), 0));
      std::error_code ec;
      acceptor_.open(net::tcp::v4(), ec);
      acceptor_.set_option(net::tcp::acceptor::reuse_address(true), ec);
      acceptor_.bind({asio::ip::address_v4::loopback(), udp_.local_endpoint().port()}, ec);
      if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
      if (ec) acceptor_.close();
    }
    EXPECT_TRUE(acceptor_.is_open());
    asio::co_spawn(io, udp_loop(), asio::detached);
    asio::co_spawn(io, accept_loop(), asio::detached);
  }

  server_address address() const {
    return {ip_address::v4({127, 0, 0, 1}), udp_.local_endpoint().port()};
  }
  int udp_queries = 0, tcp_queries = 0;
  std::vector<net::udp::endpoint> udp_sources;  // where each UDP query came from

 private:
  net::awaitable<void> udp_loop() {
    datagram buf(65535);
    for (;;) {
      net::udp::endpoint from;
      auto [ec, n] = co_await udp_.async_receive_from(asio::buffer(buf), from, net::use_tuple);
      if (ec) co_return;
      ++udp_queries;
      udp_sources.push_back(from);
      const message q = testing::decode_ok(std::span(buf.data(), n));
      for (const auto& d : on_udp_(q))
        co_await udp_.async_send_to(asio::buffer(d), from, net::use_tuple);
    }
  }

  net::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, s] = co_await acceptor_.async_accept(net::use_tuple);
      if (ec) co_return;
      asio::co_spawn(acceptor_.get_executor(), serve_tcp(std::move(s)), asio::detached);
    }
  }

  net::awaitable<void> serve_tcp(net::tcp::socket s) {
    std::array<std::uint8_t, 2> len{};
    auto [ec, n] = co_await asio::async_read(s, asio::buffer(len), net::use_tuple);
    if (ec) co_return;
    datagram q((std::size_t(len[0]) << 8) | len[1]);
    auto [ec2, n2] = co_await asio::async_read(s, asio::buffer(q), net::use_tuple);
    if (ec2) co_return;
    ++tcp_queries;
    const auto reply = on_tcp_ ? on_tcp_(testing::decode_ok(q)) : std::nullopt;
    if (!reply) co_return;  // closes without answering
    datagram framed{std::byte(reply->size() >> 8), std::byte(reply->size() & 0xff)};
    framed.insert(framed.end(), reply->begin(), reply->end());
    co_await asio::async_write(s, asio::buffer(framed), net::use_tuple);
  }

  net::udp::socket udp_;
  net::tcp::acceptor acceptor_;
  udp_handler on_udp_;
  tcp_handler on_tcp_;
};

// Runs exchange() on io and returns its result; fails the test after 10 s.
inline exchange_result run_exchange(asio::io_context& io, const server_address& server,
                                    message query, query_options opts = {}) {
  exchange_result r;
  bool done = false;
  asio::co_spawn(io, [&]() -> net::awaitable<void> {
    r = co_await exchange(server, std::move(query), opts);
    done = true;
    io.stop();  // the fake server's loops would keep run_for() busy
  }, asio::detached);
  io.run_for(std::chrono::seconds(10));
  EXPECT_TRUE(done) << "exchange() did not finish within 10 s";
  io.restart();
  return r;
}

}  // namespace l7::dns::client::test
