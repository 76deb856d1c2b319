// The services `l7 serve` can run, and how each listener of the config maps to one of them.
// Adding a protocol = one entry in services.cpp (its module binds what it serves).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "net/listener.hpp"
#include "net/runtime.hpp"

namespace l7::cli {

// One row of the listener table `l7 serve` prints.
struct listener_row {
  std::string service;
  std::string transport;  // "tcp" or "udp"
  std::string address;    // RFC 5952
  std::uint16_t port = 0;
  bool tls = false;
};

struct serve_options {
  bool trace = false;
  // Running the embedded default config: services may seed sample data (a DNS zone) so that
  // a fresh `l7 serve` answers something. Never done for a user's config file.
  bool embedded_default = false;
};

// Binds every enabled listener of `cfg` on all workers of `rt` and starts serving.
// Returns the table of what is listening. Throws std::runtime_error naming the listener when
// a socket cannot be bound (port in use, bad address).
class service_set {
 public:
  service_set(const app::config& cfg, net::runtime& rt, serve_options options);
  ~service_set();
  std::vector<listener_row> start();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace l7::cli
