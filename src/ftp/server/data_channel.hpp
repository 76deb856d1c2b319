// The data connection of one FTP session (RFC 959 §3.2, §3.3): where it will come from (a
// passive listener we opened for PASV/EPSV, or the client's PORT/EPRT address) and opening
// it when a transfer starts.
//
// Safety: a passive listener takes connections only from the control connection's peer
// address (others are closed and logged: no data-connection theft), and active mode only
// connects back to that same address on a port >= 1024 (RFC 2577 §3: no FTP bounce).
#pragma once

#include <chrono>
#include <optional>
#include <system_error>
#include <utility>

#include "net/asio.hpp"

namespace l7::ftp::server {

struct shared_state;

class data_channel {
 public:
  explicit data_channel(asio::any_io_executor ex) : ex_(std::move(ex)) {}

  // PASV/EPSV: listens on `local` (the control connection's local address) on a free port of
  // the configured range. Replaces an earlier setup. Returns the port, or an error when every
  // port of the range is taken.
  std::pair<std::error_code, std::uint16_t> listen_passive(const asio::ip::address& local,
                                                           shared_state& shared);
  // PORT/EPRT: where to connect. The caller has checked the address.
  void set_active(net::tcp::endpoint peer);

  bool ready() const { return acceptor_.has_value() || active_.has_value(); }

  // Opens the data connection: accepts from `peer` (passive) or connects to the active
  // address from `local`'s address. The setup is used up either way. Fails with timed_out
  // after `timeout`.
  net::awaitable<std::pair<std::error_code, net::tcp::socket>> open(
      const asio::ip::address& peer, const asio::ip::address& local, std::chrono::milliseconds timeout);

  // Forgets the setup and closes a passive listener (REIN, session end, a new PASV).
  void reset();
  // Cancels an open() in progress (ABOR, timeout): it fails with operation_aborted.
  void cancel();

 private:
  asio::any_io_executor ex_;
  std::optional<net::tcp::acceptor> acceptor_;
  std::optional<net::tcp::endpoint> active_;
  net::tcp::socket* connecting_ = nullptr;  // the active-mode socket while it connects
};

// The same host, whichever of IPv4 and IPv4-mapped IPv6 each side uses.
bool same_host(const asio::ip::address& a, const asio::ip::address& b);

}  // namespace l7::ftp::server
