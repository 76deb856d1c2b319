// The TFTP service of `l7 serve` (listener "tftp", UDP): read requests from the public root,
// write requests into the upload directory when one is configured. Each worker gets its own
// listening socket (SO_REUSEPORT); every transfer runs on a socket of its own (a new TID,
// RFC 1350 §4) on the worker that received its request, bound to the address the request was
// sent to (IP_PKTINFO / IPV6_PKTINFO), so that answers come from where the client expects
// them even when the listener is a wildcard on a multi-homed host.
#pragma once

#include <memory>

#include "net/runtime.hpp"
#include "tftp/server/settings.hpp"

namespace l7::tftp::server {

struct shared_state;

class service {
 public:
  // Creates the root and upload directories when missing. Throws std::filesystem errors.
  explicit service(settings s);
  ~service();
  service(const service&) = delete;
  service& operator=(const service&) = delete;

  // Serves requests arriving on `socket` (this worker's listener) until the worker stops.
  void serve_udp(net::worker& w, net::udp::socket socket);

  const settings& config() const;

 private:
  std::shared_ptr<shared_state> state_;
};

}  // namespace l7::tftp::server
