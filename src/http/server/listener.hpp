// An HTTP listener on one worker: takes what the acceptor hands over (TLS started for https),
// parks connections while they are quiet (net/parking.hpp), and starts a session for each
// burst of requests. One per listener and worker, owned by the service; must outlive the
// connections it parks (the runtime releases them before the services go).
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "net/connection.hpp"
#include "net/parking.hpp"
#include "net/runtime.hpp"

namespace l7::http::server {

struct listener_context;
class session;

class listener_worker final : public net::parking {
 public:
  listener_worker(net::worker& w, const listener_context& l);
  ~listener_worker();

  // A new connection: parked until its first bytes arrive (the handshake's, under TLS).
  void accept(std::unique_ptr<net::connection> c);
  // A session is done with `c` for now: parked for the idle timeout.
  void rest(std::unique_ptr<net::connection> c);

  // A session whose burst ended goes back to the pool (a few are kept).
  void recycle(std::unique_ptr<session> s);

  net::worker& worker() const { return worker_; }
  const listener_context& context() const { return listener_; }

 private:
  void resume(std::unique_ptr<net::connection> c) override;
  void handshake_failed(net::connection& c, const std::error_code& ec) override;
  void handshake_done(net::connection& c) override;

  net::worker& worker_;
  const listener_context& listener_;
  std::vector<std::unique_ptr<session>> spare_;
};

}  // namespace l7::http::server
