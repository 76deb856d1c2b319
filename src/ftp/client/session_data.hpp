// The data connection of one transfer (internal to the session's .cpp files): the listening
// socket in active mode until the server connects, then the stream, plain or TLS. Its
// deadline closes both, which fails whatever read, write or accept is pending.
#pragma once

#include <memory>
#include <optional>

#include "ftp/client/session.hpp"
#include "net/deadline.hpp"

namespace l7::ftp::client {

struct session::data_channel {
  explicit data_channel(asio::any_io_executor ex);
  data_channel(const data_channel&) = delete;
  data_channel& operator=(const data_channel&) = delete;
  void close();

  std::optional<net::tcp::acceptor> acceptor;
  std::unique_ptr<net::stream> stream;  // never moves: TLS runs over its socket
  net::deadline deadline;
};

}  // namespace l7::ftp::client
