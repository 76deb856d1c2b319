// The DNS service of `l7 serve`: the engine, its upstream (forwarder or recursive resolver),
// the UDP and TCP listeners on one port, and the reload check for zones and hosts.
#pragma once

#include <memory>

#include "dns/server/engine.hpp"
#include "net/runtime.hpp"

namespace l7::dns::server {

class service {
 public:
  explicit service(settings s);
  ~service();
  service(const service&) = delete;
  service& operator=(const service&) = delete;

  engine& core() { return *engine_; }

  // Starts serving; call each once per worker with that worker's socket/acceptor.
  void serve_udp(net::worker& w, net::udp::socket socket);
  void serve_tcp(net::worker& w, net::tcp::acceptor acceptor, std::size_t max_connections);
  // Re-checks the zone and hosts files every `reload_check` on `w` until it stops.
  void watch_files(net::worker& w);

 private:
  std::unique_ptr<engine> engine_;
};

// Creates <data>/dns/zones with a sample zone (example.test, RFC 6761 §6.2) and a sample hosts
// file when the directory does not exist yet, so a fresh `l7 serve` on the embedded default
// config answers something (a user's config gets no sample data).
void prepare_data(const settings& s);

}  // namespace l7::dns::server
