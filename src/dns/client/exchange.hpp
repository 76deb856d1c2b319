// The DNS stub client: one query to one server, the answer back (RFC 1035 §4.2, RFC 7766).
//
//   auto r = co_await l7::dns::client::exchange({*ip_address::parse("192.0.2.53")}, query, {});
//   if (r.ec) report(r.ec.message()); else use(r.response);
//
// exchange() is also what the server's forwarder and recursive resolver send every upstream
// query with, so it defends against off-path spoofing (RFC 5452 §9.1):
//   - a fresh UDP socket per call, bound to port 0 (the kernel's random ephemeral port) and
//     connect()ed to the server, so datagrams from other addresses never reach it;
//   - a random 16-bit ID from getrandom() (unless query_options::keep_id);
//   - a datagram is taken as the answer only when it decodes, has QR=1, the query's ID and
//     opcode, and the same question (name compared case-insensitively, type, class); anything
//     else is dropped and the wait goes on until the try's timeout.
// Each try re-sends the same query on the same socket and waits `timeout`; a late answer to an
// earlier try still counts. A reply with TC=1 is asked again over TCP (RFC 7766 §5) unless
// tcp_fallback is off, in which case the truncated reply is the result.
//
// Ownership and preconditions: the query is taken by value; its ID is replaced unless keep_id.
// Run on any executor; calls may run concurrently (nothing is shared between them).
// Errors (exchange_result::ec): error::timed_out, error::malformed_reply (only undecodable
// replies carrying our ID arrived; over TCP: the reply did not decode), error::mismatched_reply
// (TCP reply for another query), system codes from the socket (connection_refused from an
// ICMP port unreachable, network_unreachable, eof, ...) when the last try failed that way,
// and l7::dns::error codes when the query cannot be encoded.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "core/ip_address.hpp"
#include "dns/codec/message.hpp"
#include "net/asio.hpp"

namespace l7::dns::client {

struct server_address {
  ip_address address;
  std::uint16_t port = 53;
  friend bool operator==(const server_address&, const server_address&) = default;
};

// "192.0.2.1", "192.0.2.1:5353", "[::1]:5353", "::1" (a bare IPv6 address has no port).
// nullopt when the host is not an IP address literal or the port is malformed.
std::optional<server_address> parse_server_address(std::string_view text,
                                                   std::uint16_t default_port = 53);
// "192.0.2.1#53", "::1#5353": dig's notation, unambiguous for IPv6.
std::string to_string(const server_address& s);

struct query_options {
  bool tcp = false;           // TCP only (RFC 7766: 2-octet length prefix)
  bool tcp_fallback = true;   // re-ask over TCP when the UDP reply has TC=1
  std::chrono::milliseconds timeout{2000};  // per try
  int tries = 3;              // sends per transport (values below 1 count as 1)
  bool keep_id = false;       // send query.hdr.id as given instead of a random one
};

struct exchange_result {
  std::error_code ec;
  message response;              // valid when !ec
  std::size_t response_size = 0; // octets of the reply on the wire
  bool via_tcp = false;          // the reply came over TCP (or HTTP for DoH)
  std::chrono::microseconds rtt{};  // from the send of the answered try to the reply
  server_address from;           // the server that answered
};

// Every parameter is taken by value: the coroutine may outlive the caller's temporaries.
net::awaitable<exchange_result> exchange(server_address server, message query,
                                         query_options opts);

// True when `reply` answers `query`: QR=1, same ID and opcode, same questions (names compared
// case-insensitively, RFC 4343; type and class equal). RFC 5452 §9.1.
bool is_response_to(const message& reply, const message& query);

// A random query ID from getrandom() (RFC 5452 §9.2).
std::uint16_t random_id();

}  // namespace l7::dns::client
