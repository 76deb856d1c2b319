// The IMAP server (RFC 9051 IMAP4rev2 and RFC 3501 IMAP4rev1, with the extensions listed in
// docs/imap.md): listeners imap (STARTTLS) and imaps (RFC 8314 implicit TLS). Mailboxes are the
// account's folders in the mail store; in capture mode every account sees the capture mailbox
// as its INBOX. Store calls block (SQLite, fsync, file reads): they run on the service's small
// thread pool, never on an event loop.
#pragma once

#include <memory>
#include <string>

#include "imap/server/settings.hpp"
#include "net/asio.hpp"
#include "net/runtime.hpp"

namespace l7::mail {
class store;
}

namespace l7::imap::server {

struct shared_state;

class service {
 public:
  service(settings s, std::shared_ptr<mail::store> store);
  ~service();

  // Serves `acceptor` on worker `w`: STARTTLS offered when `tls` is set and not `implicit_tls`.
  void serve(net::worker& w, net::tcp::acceptor acceptor, const std::string& name,
             std::shared_ptr<asio::ssl::context> tls, bool implicit_tls, std::size_t max_connections);

 private:
  std::unique_ptr<shared_state> shared_;
};

}  // namespace l7::imap::server
