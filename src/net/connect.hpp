// Client-side connection set-up: resolve a host name and connect to the first address that
// answers, within a time limit that covers resolution and every attempt.
#pragma once

#include <chrono>
#include <string>
#include <system_error>

#include "net/asio.hpp"

namespace l7::net {

// Returns a connected socket (TCP_NODELAY set) or an error (asio::error::timed_out on timeout).
awaitable<std::pair<std::error_code, tcp::socket>> connect_tcp(std::string host, std::uint16_t port,
                                                                std::chrono::milliseconds timeout);

}  // namespace l7::net
