#include "net/parking.hpp"

#include "net/poller.hpp"

namespace l7::net {

void parking::park(std::unique_ptr<connection> c, connection::clock::duration idle) {
  connection& conn = *c.release();  // owned by this parking until resume() or drop()
  conn.set_owner(this);
  if (conn.get_poller().stopping()) return drop(conn);
  conn.expires_after(idle);
}

void parking::on_ready(connection& c, unsigned ready) {
  if (c.is_tls() && !c.tls_established()) {
    auto r = c.handshake();
    if (r.status == io_status::want_read || r.status == io_status::want_write) return;
    if (r.status != io_status::done) {
      handshake_failed(c, r.ec ? r.ec : std::make_error_code(std::errc::connection_aborted));
      return drop(c);
    }
    // Done: the peer's first request often came with its Finished. Bytes already read (or
    // not yet known to be absent) go to a session; otherwise the next edge brings them.
    if (!c.may_read() && !c.tls_pending()) return handshake_done(c);
  } else if (!(ready & ready_read)) {
    return;  // writable only: still nothing to read
  }
  c.set_owner(nullptr);
  c.disarm();
  resume(std::unique_ptr<connection>(&c));
}

void parking::drop(connection& c) {
  closing(c);
  delete &c;
}

}  // namespace l7::net
