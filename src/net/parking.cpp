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
  if (!(ready & ready_read)) return;  // writable only: still nothing to read
  c.set_owner(nullptr);
  c.disarm();
  resume(std::unique_ptr<connection>(&c));
}

void parking::drop(connection& c) {
  closing(c);
  delete &c;
}

}  // namespace l7::net
