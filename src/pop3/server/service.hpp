// The POP3 server (RFC 1939): listeners pop3 (STLS, RFC 2595) and pop3s (RFC 8314 implicit
// TLS). A maildrop is an account's INBOX in the mail store, or the capture mailbox in capture
// mode (any account may read captured mail). The store's calls block (SQLite, fsync): they run
// on the service's small thread pool, never on an event loop.
#pragma once

#include <memory>
#include <string>

#include "net/asio.hpp"
#include "net/runtime.hpp"
#include "pop3/server/settings.hpp"

namespace l7::mail {
class store;
}

namespace l7::pop3::server {

struct shared_state;

class service {
 public:
  service(settings s, std::shared_ptr<mail::store> store);
  ~service();

  // Serves `acceptor` on worker `w`: STLS offered when `tls` is set and not `implicit_tls`.
  void serve(net::worker& w, net::tcp::acceptor acceptor, const std::string& name,
             std::shared_ptr<asio::ssl::context> tls, bool implicit_tls, std::size_t max_connections);

 private:
  std::unique_ptr<shared_state> shared_;
};

}  // namespace l7::pop3::server
