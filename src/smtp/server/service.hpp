// The SMTP server (RFC 5321): listeners smtp (MX, port 25's role), submission (RFC 6409:
// authentication required before MAIL; STARTTLS) and smtps (RFC 8314 implicit TLS, with
// submission's rules), what their sessions share (settings, accounts, the mail store, limits,
// metrics) and the blocking work they hand off (password hashing and fsync'ed delivery run on
// a small thread pool, never on an event loop).
// The store is shared by every worker (and later by POP3 and IMAP): it is thread-safe and
// owns its own locking (mail/store); the service only holds it.
#pragma once

#include <memory>
#include <string>

#include "net/asio.hpp"
#include "net/runtime.hpp"
#include "smtp/relay/relay.hpp"
#include "smtp/server/settings.hpp"

namespace l7::mail {
class store;
}

namespace l7::smtp::server {

struct shared_state;

class service {
 public:
  // `store` may be shared with other mail services; null: the service makes its own.
  // `lookup` answers the relay's DNS queries (l7 serve passes its DNS service); empty: the
  // resolver of relay_resolver, else of /etc/resolv.conf.
  explicit service(settings s, std::shared_ptr<mail::store> store = nullptr, relay::lookup_fn lookup = {});
  ~service();

  // Serves `acceptor` on worker `w`. `tls` is offered with STARTTLS on a plain listener, or
  // negotiated first when `implicit_tls` (smtps); null = no TLS. `submission`: the client
  // must authenticate before MAIL (submission, smtps).
  void serve(net::worker& w, net::tcp::acceptor acceptor, const std::string& name,
             std::shared_ptr<asio::ssl::context> tls, bool implicit_tls, bool submission,
             std::size_t max_connections);

  mail::store& store();

 private:
  std::unique_ptr<shared_state> shared_;
};

}  // namespace l7::smtp::server
