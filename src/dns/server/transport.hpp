// The DNS listeners: one UDP socket and one TCP acceptor per worker (SO_REUSEPORT), both
// feeding the shared engine.
#pragma once

#include <memory>

#include "dns/server/engine.hpp"
#include "net/runtime.hpp"
#include "net/tcp_server.hpp"

namespace l7::dns::server {

// Serves datagrams on `socket` until the worker stops. Queries answered from local data or
// the cache are answered inline; misses run as their own coroutine.
void serve_udp(net::worker& w, net::udp::socket socket, engine& e);

// One TCP connection (RFC 7766): 2-octet length-prefixed messages, pipelined queries answered
// as they complete (possibly out of order, §6.2.1.1), an idle timeout, AXFR (RFC 5936) for
// clients in allow_transfer.
net::awaitable<void> serve_tcp(net::worker& w, net::tcp::socket socket, engine& e);

}  // namespace l7::dns::server
