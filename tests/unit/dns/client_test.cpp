// exchange() against a scripted server on 127.0.0.1: normal answers, TC -> TCP (RFC 7766),
// spoofed and foreign datagrams that must be ignored (RFC 5452 §9.1), timeouts and retries,
// network and malformed-reply errors; plus server addresses.
#include <gtest/gtest.h>

#include <set>

#include "client_test_util.hpp"
#include "dns/client/error.hpp"

namespace l7::dns::client::test {
namespace {

using namespace std::chrono_literals;
using testing::make_name;

query_options quick(int tries = 1) {
  query_options o;
  o.timeout = 200ms;
  o.tries = tries;
  return o;
}

std::uint8_t last_octet(const exchange_result& r, std::size_t i = 0) {
  return std::get<a_rdata>(r.response.answers.at(i).data).address.bytes()[3];
}

TEST(DnsClientExchange, NormalAnswerOverUdp) {
  asio::io_context io;
  std::optional<message> seen;
  fake_server srv(io, [&](const message& q) {
    seen = q;
    return std::vector<datagram>{wire_of(make_reply(q, {7}))};
  });
  const auto r = run_exchange(io, srv.address(), make_query("www.example.com"), quick());
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_FALSE(r.via_tcp);
  EXPECT_EQ(r.from, srv.address());
  EXPECT_EQ(r.response_size, wire_of(r.response).size());
  EXPECT_EQ(last_octet(r), 7);
  ASSERT_TRUE(seen);
  EXPECT_TRUE(seen->hdr.rd);
  EXPECT_EQ(r.response.hdr.id, seen->hdr.id);
  EXPECT_EQ(srv.udp_queries, 1);
  EXPECT_EQ(srv.tcp_queries, 0);
  // A source port of its own: bound to port 0, never the server's port.
  ASSERT_EQ(srv.udp_sources.size(), 1u);
  EXPECT_NE(srv.udp_sources[0].port(), 0);
  EXPECT_NE(srv.udp_sources[0].port(), srv.address().port);
}

TEST(DnsClientExchange, RandomIdUnlessKept) {
  asio::io_context io;
  std::vector<std::uint16_t> ids;
  fake_server srv(io, [&](const message& q) {
    ids.push_back(q.hdr.id);
    return std::vector<datagram>{wire_of(make_reply(q))};
  });
  message q = make_query("example.com");
  q.hdr.id = 4242;
  for (int i = 0; i < 8; ++i) ASSERT_FALSE(run_exchange(io, srv.address(), q, quick()).ec);
  // Eight IDs from getrandom(): all equal to each other or to the given one is (2^-16)^7 likely.
  EXPECT_GT(std::set(ids.begin(), ids.end()).size(), 1u);
  auto keep = quick();
  keep.keep_id = true;
  const auto r = run_exchange(io, srv.address(), q, keep);
  ASSERT_FALSE(r.ec);
  EXPECT_EQ(ids.back(), 4242);
  EXPECT_EQ(r.response.hdr.id, 4242);
}

// 60 A records: the UDP reply says TC with no answers, the TCP one carries them all.
fake_server::tcp_handler full_answer() {
  return [](const message& q) -> std::optional<datagram> {
    std::vector<std::uint8_t> many(60);
    for (std::size_t i = 0; i < many.size(); ++i) many[i] = std::uint8_t(i);
    return wire_of(make_reply(q, many));
  };
}
std::vector<datagram> truncated(const message& q) {
  message r = make_reply(q, {});
  r.hdr.tc = true;
  return {wire_of(r)};
}

TEST(DnsClientExchange, TruncatedReplyIsAskedAgainOverTcp) {
  asio::io_context io;
  fake_server srv(io, truncated, full_answer());
  const auto r = run_exchange(io, srv.address(), make_query("many.example.com"), quick());
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_TRUE(r.via_tcp);
  EXPECT_FALSE(r.response.hdr.tc);
  ASSERT_EQ(r.response.answers.size(), 60u);
  EXPECT_EQ(last_octet(r, 59), 59);
  EXPECT_EQ(srv.udp_queries, 1);
  EXPECT_EQ(srv.tcp_queries, 1);
}

TEST(DnsClientExchange, TruncatedReplyKeptWithoutFallback) {
  asio::io_context io;
  fake_server srv(io, truncated, full_answer());
  auto o = quick();
  o.tcp_fallback = false;
  const auto r = run_exchange(io, srv.address(), make_query("many.example.com"), o);
  ASSERT_FALSE(r.ec);
  EXPECT_TRUE(r.response.hdr.tc);
  EXPECT_FALSE(r.via_tcp);
  EXPECT_EQ(srv.tcp_queries, 0);
}

TEST(DnsClientExchange, TcpOnly) {
  asio::io_context io;
  fake_server srv(io, truncated, full_answer());
  auto o = quick();
  o.tcp = true;
  const auto r = run_exchange(io, srv.address(), make_query("many.example.com"), o);
  ASSERT_FALSE(r.ec);
  EXPECT_TRUE(r.via_tcp);
  EXPECT_EQ(r.response.answers.size(), 60u);
  EXPECT_EQ(srv.udp_queries, 0);
  EXPECT_EQ(srv.tcp_queries, 1);
}

TEST(DnsClientExchange, SpoofedWrongIdThenRightOne) {
  asio::io_context io;
  fake_server srv(io, [](const message& q) {
    message spoof = make_reply(q, {66});
    spoof.hdr.id = std::uint16_t(q.hdr.id + 1);
    return std::vector<datagram>{wire_of(spoof), wire_of(make_reply(q, {1}))};
  });
  const auto r = run_exchange(io, srv.address(), make_query("example.com"), quick());
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(last_octet(r), 1);
}

TEST(DnsClientExchange, ForeignQuestionAndQueriesIgnored) {
  asio::io_context io;
  fake_server srv(io, [](const message& q) {
    message other_name = make_reply(q, {66});
    other_name.questions[0].qname = make_name("evil.example.net");
    message other_type = make_reply(q, {67});
    other_type.questions[0].qtype = rr_type::aaaa;
    message other_class = make_reply(q, {68});
    other_class.questions[0].qclass = rr_class::ch;
    message not_a_reply = make_reply(q, {69});
    not_a_reply.hdr.qr = false;
    // Case differences are fine (RFC 4343; resolvers randomise case, draft-vixie-dnsext-0x20).
    message mixed_case = make_reply(q, {1});
    mixed_case.questions[0].qname = make_name("ExAmPlE.CoM");
    return std::vector<datagram>{wire_of(other_name), wire_of(other_type), wire_of(other_class),
                       wire_of(not_a_reply), wire_of(mixed_case)};
  });
  const auto r = run_exchange(io, srv.address(), make_query("example.com"), quick());
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(last_octet(r), 1);
}

TEST(DnsClientExchange, GarbageIgnoredThenAnswer) {
  asio::io_context io;
  fake_server srv(io, [](const message& q) {
    datagram garbage = testing::hex("ffff 8180 0005 0000");
    datagram ours_but_cut = wire_of(make_reply(q, {66}));
    ours_but_cut.resize(ours_but_cut.size() - 3);
    return std::vector<datagram>{garbage, datagram{}, ours_but_cut, wire_of(make_reply(q, {1}))};
  });
  const auto r = run_exchange(io, srv.address(), make_query("example.com"), quick());
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(last_octet(r), 1);
}

TEST(DnsClientExchange, SilenceTimesOutAfterEveryTry) {
  asio::io_context io;
  fake_server srv(io, [](const message&) { return std::vector<datagram>{}; });
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_exchange(io, srv.address(), make_query("example.com"), quick(3));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.ec, error::timed_out);
  EXPECT_EQ(srv.udp_queries, 3);
  EXPECT_GE(elapsed, 600ms);
  EXPECT_LT(elapsed, 3s);
}

TEST(DnsClientExchange, OnlyForeignDatagramsStillTimeOut) {
  asio::io_context io;
  fake_server srv(io, [](const message& q) {
    message spoof = make_reply(q);
    spoof.hdr.id = std::uint16_t(q.hdr.id ^ 0x8000);
    return std::vector<datagram>{wire_of(spoof)};
  });
  const auto r = run_exchange(io, srv.address(), make_query("example.com"), quick(2));
  EXPECT_EQ(r.ec, error::timed_out);
  EXPECT_EQ(srv.udp_queries, 2);
}

TEST(DnsClientExchange, UndecodableReplyWithOurIdIsMalformed) {
  asio::io_context io;
  fake_server srv(io, [](const message& q) {
    datagram cut = wire_of(make_reply(q));
    cut.resize(cut.size() - 1);
    return std::vector<datagram>{cut};
  });
  const auto r = run_exchange(io, srv.address(), make_query("example.com"), quick(2));
  EXPECT_EQ(r.ec, error::malformed_reply);
  EXPECT_TRUE(r.response.answers.empty());
}

TEST(DnsClientExchange, LateAnswerToAnEarlierTryCounts) {
  asio::io_context io;
  int n = 0;
  std::optional<message> first;
  fake_server srv(io, [&](const message& q) {
    // Silent on the first try; on the second, answer the first try's query (same ID anyway).
    if (n++ == 0) {
      first = q;
      return std::vector<datagram>{};
    }
    return std::vector<datagram>{wire_of(make_reply(*first, {3}))};
  });
  const auto r = run_exchange(io, srv.address(), make_query("example.com"), quick(2));
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(last_octet(r), 3);
  EXPECT_EQ(srv.udp_queries, 2);
}

TEST(DnsClientExchange, NothingListeningIsANetworkError) {
  asio::io_context io;
  std::uint16_t port = 0;
  {  // a port that was just free
    net::udp::socket s(io, net::udp::endpoint(asio::ip::address_v4::loopback(), 0));
    port = s.local_endpoint().port();
  }
  const server_address dead{ip_address::v4({127, 0, 0, 1}), port};
  const auto r = run_exchange(io, dead, make_query("example.com"), quick(2));
  EXPECT_EQ(r.ec, asio::error::connection_refused) << r.ec.message();
  auto tcp = quick(2);
  tcp.tcp = true;
  const auto t = run_exchange(io, dead, make_query("example.com"), tcp);
  EXPECT_EQ(t.ec, asio::error::connection_refused) << t.ec.message();
}

TEST(DnsClientExchange, TcpReplyErrors) {
  asio::io_context io;
  auto o = quick();
  o.tcp = true;
  fake_server wrong(io, {}, [](const message& q) -> std::optional<datagram> {
    message r = make_reply(q);
    r.hdr.id = std::uint16_t(q.hdr.id + 1);
    return wire_of(r);
  });
  EXPECT_EQ(run_exchange(io, wrong.address(), make_query("a.example"), o).ec,
            error::mismatched_reply);
  fake_server garbage(io, {}, [](const message&) -> std::optional<datagram> {
    return testing::hex("0102 0304");
  });
  EXPECT_EQ(run_exchange(io, garbage.address(), make_query("a.example"), o).ec,
            error::malformed_reply);
  fake_server closes(io, {}, [](const message&) { return std::nullopt; });
  o.tries = 2;
  EXPECT_EQ(run_exchange(io, closes.address(), make_query("a.example"), o).ec, asio::error::eof);
  EXPECT_EQ(closes.tcp_queries, 2);
}

TEST(DnsClientExchange, UnencodableQuery) {
  asio::io_context io;
  message q = make_query("example.com", rr_type::txt);
  q.answers.push_back(make_record(make_name("example.com"), 0, txt_rdata{}));  // empty TXT
  const server_address nowhere{ip_address::v4({127, 0, 0, 1}), 9};
  EXPECT_EQ(run_exchange(io, nowhere, q, quick()).ec, dns::error::bad_rdata);
}

TEST(DnsClientMatching, IsResponseTo) {
  const message q = make_query("example.com");
  message r = make_reply(q);
  EXPECT_TRUE(is_response_to(r, q));
  r.hdr.opcode = opcode::notify;
  EXPECT_FALSE(is_response_to(r, q));
  r = make_reply(q);
  r.questions.clear();
  EXPECT_FALSE(is_response_to(r, q));
  r = make_reply(q);
  r.questions.push_back(r.questions[0]);
  EXPECT_FALSE(is_response_to(r, q));
}

TEST(DnsClientAddress, ParseServerAddress) {
  const auto v4 = ip_address::v4({192, 0, 2, 1});
  const auto v6 = ip_address::parse("::1").value();
  EXPECT_EQ(parse_server_address("192.0.2.1"), (server_address{v4, 53}));
  EXPECT_EQ(parse_server_address("192.0.2.1:5353"), (server_address{v4, 5353}));
  EXPECT_EQ(parse_server_address("[::1]:5353"), (server_address{v6, 5353}));
  EXPECT_EQ(parse_server_address("::1"), (server_address{v6, 53}));
  EXPECT_EQ(parse_server_address("[::1]"), (server_address{v6, 53}));
  EXPECT_EQ(parse_server_address("::1", 1053), (server_address{v6, 1053}));
  EXPECT_FALSE(parse_server_address("ns.example.com"));
  EXPECT_FALSE(parse_server_address("192.0.2.1:70000"));
  EXPECT_FALSE(parse_server_address("192.0.2.1:"));
  EXPECT_FALSE(parse_server_address(""));
  EXPECT_EQ(to_string(server_address{v6, 5353}), "::1#5353");
  EXPECT_EQ(to_string(server_address{v4, 53}), "192.0.2.1#53");
}

}  // namespace
}  // namespace l7::dns::client::test
