// The TFTP client (RFC 1350 with RFC 2347/2348/2349/7440 options): one get or put per call,
// on its own UDP socket, driven by the codec's receiver or sender (what `l7 tftp` runs).
//
// Data moves through a sink (get) or a source (put) as in the codec; in netascii mode they see
// local text (LF line ends) and the conversion happens here.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "net/asio.hpp"
#include "tftp/codec/options.hpp"
#include "tftp/codec/receiver.hpp"
#include "tftp/codec/sender.hpp"

namespace l7::tftp::client {

struct options {
  std::string host;  // name or address
  std::uint16_t port = 69;
  transfer_mode mode = transfer_mode::octet;
  option_request ask;  // options to negotiate (none: plain RFC 1350)
  // Retransmission interval until the server accepts a timeout option, and retries before
  // giving up (each waits one interval).
  std::chrono::milliseconds timeout{1000};
  int retries = 5;
  std::function<void(bool sent, std::span<const std::byte> datagram)> on_packet;  // -v
};

struct result {
  // Empty on success; error::peer_error with peer_error set when the server sent ERROR;
  // error::timed_out when it never answered; a resolver or socket error otherwise.
  std::error_code ec;
  std::optional<error_packet> peer_error;
  std::uint64_t bytes = 0;     // payload bytes on the wire (netascii: converted form)
  transfer_params params;      // what was negotiated
  std::chrono::steady_clock::duration elapsed{};
};

// Reads `remote` from the server into `sink`.
net::awaitable<result> get(const options& o, std::string remote, receiver::sink sink);
// Writes what `source` gives to `remote` on the server.
net::awaitable<result> put(const options& o, std::string remote, sender::source source);

}  // namespace l7::tftp::client
