// An HTTP listener on one worker: takes what the acceptor hands over (TLS started for https),
// parks connections while they are quiet (net/parking.hpp), and starts a session for each
// burst of requests. One per listener and worker, owned by the service; must outlive the
// connections it parks (the runtime releases them before the services go).
#pragma once

#include <chrono>
#include <memory>

#include "net/connection.hpp"
#include "net/parking.hpp"
#include "net/runtime.hpp"

namespace l7::http::server {

struct listener_context;

class listener_worker final : public net::parking {
 public:
  listener_worker(net::worker& w, const listener_context& l) : worker_(w), listener_(l) {}

  // A new connection: parked until its first bytes arrive (the handshake's, under TLS).
  void accept(std::unique_ptr<net::connection> c);
  // A session is done with `c` for now: parked for the idle timeout.
  void rest(std::unique_ptr<net::connection> c);

  net::worker& worker() const { return worker_; }
  const listener_context& context() const { return listener_; }

 private:
  void resume(std::unique_ptr<net::connection> c) override;

  net::worker& worker_;
  const listener_context& listener_;
};

}  // namespace l7::http::server
