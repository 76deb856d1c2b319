#include "net/connection.hpp"

#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstring>

#include "net/poller.hpp"

namespace l7::net {

std::unique_ptr<connection> connection::adopt(poller& p, int fd, const tcp::endpoint& remote,
                                              std::error_code& ec) {
  std::unique_ptr<connection> c(new connection(p, fd, remote));
  ec = p.add(*c);
  if (ec) return nullptr;  // the destructor closed the fd
  return c;
}

connection::connection(poller& p, int fd, const tcp::endpoint& remote)
    : poller_(&p), remote_(remote), fd_(fd) {}

connection::~connection() {
  close();
  if (ssl_) SSL_free(ssl_);
  if (limit_) limit_->release();
}

void connection::close() {
  if (fd_ < 0) return;
  poller_->remove(*this);
  ::close(fd_);  // also leaves the epoll set
  fd_ = -1;
  readable_ = writable_ = false;
}

void connection::on_events(std::uint32_t events) {
  unsigned ready = 0;
  if (events & (EPOLLERR | EPOLLHUP)) {
    hangup_ = true;
    ready = ready_read | ready_write;
  }
  if (events & EPOLLRDHUP) hangup_ = true;  // a short read no longer means "drained"
  if (events & (EPOLLIN | EPOLLRDHUP)) ready |= ready_read;
  if (events & EPOLLOUT) ready |= ready_write;
  if (ready & ready_read) readable_ = true;
  if (ready & ready_write) writable_ = true;
  if (owner_) owner_->on_ready(*this, ready);  // may destroy *this
}

void connection::on_timer() {
  if (owner_) owner_->on_deadline(*this);  // may destroy *this
}

void connection::expires_at(clock::time_point when) { poller_->timers().arm(*this, when); }

void connection::expires_after(clock::duration d) { expires_at(poller_->now() + d); }

void connection::disarm() { poller_->timers().disarm(*this); }

io_result connection::read_some(std::span<std::byte> into) {
  if (fd_ < 0) return {io_status::failed, 0, asio::error::bad_descriptor};
  if (ssl_) {
    if (!readable_ && !SSL_has_pending(ssl_)) return {io_status::want_read, 0, {}};
    ERR_clear_error();
    std::size_t n = 0;
    int r = SSL_read_ex(ssl_, into.data(), into.size(), &n);
    if (r == 1) return {io_status::done, n, {}};
    return tls_result(r, 0);
  }
  if (!readable_) return {io_status::want_read, 0, {}};
  for (;;) {
    ssize_t n = ::recv(fd_, into.data(), into.size(), 0);
    if (n > 0) {
      // A short read emptied the socket: the next bytes bring a new edge. Not after the
      // peer's FIN, which came with the last edge and would bring none.
      if (static_cast<std::size_t>(n) < into.size() && !hangup_) readable_ = false;
      return {io_status::done, static_cast<std::size_t>(n), {}};
    }
    if (n == 0) return {io_status::eof, 0, asio::error::eof};
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      readable_ = false;
      return {io_status::want_read, 0, {}};
    }
    return {io_status::failed, 0, {errno, std::system_category()}};
  }
}

io_result connection::write_some(std::span<const std::byte> a, std::span<const std::byte> b, bool more) {
  if (fd_ < 0) return {io_status::failed, 0, asio::error::bad_descriptor};
  if (a.empty()) std::swap(a, b);
  const std::size_t total = a.size() + b.size();
  if (total == 0) return {io_status::done, 0, {}};
  if (!writable_) return {io_status::want_write, 0, {}};
  if (ssl_) {
    // One record for a small head and body together, not two.
    auto& buf = poller_->tls_out_;
    if (!b.empty() && total <= buf.size()) {
      std::memcpy(buf.data(), a.data(), a.size());
      std::memcpy(buf.data() + a.size(), b.data(), b.size());
      a = {buf.data(), total};
    }
    ERR_clear_error();
    std::size_t n = 0;
    int r = SSL_write_ex(ssl_, a.data(), a.size(), &n);
    if (r == 1) return {io_status::done, n, {}};
    return tls_result(r, 0);
  }
  const int flags = MSG_NOSIGNAL | (more ? MSG_MORE : 0);
  for (;;) {
    ssize_t n;
    if (b.empty()) {
      n = ::send(fd_, a.data(), a.size(), flags);
    } else {
      iovec iov[2] = {{const_cast<std::byte*>(a.data()), a.size()},
                      {const_cast<std::byte*>(b.data()), b.size()}};
      msghdr msg{};
      msg.msg_iov = iov;
      msg.msg_iovlen = 2;
      n = ::sendmsg(fd_, &msg, flags);
    }
    if (n >= 0) {
      if (static_cast<std::size_t>(n) < total) writable_ = false;  // the send buffer is full
      return {io_status::done, static_cast<std::size_t>(n), {}};
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      writable_ = false;
      return {io_status::want_write, 0, {}};
    }
    return {io_status::failed, 0, {errno, std::system_category()}};
  }
}

io_result connection::send_file(int file_fd, std::int64_t& offset, std::size_t count) {
  if (fd_ < 0 || ssl_) return {io_status::failed, 0, asio::error::bad_descriptor};
  if (!writable_) return {io_status::want_write, 0, {}};
  for (;;) {
    off_t off = static_cast<off_t>(offset);
    ssize_t n = ::sendfile(fd_, file_fd, &off, count);
    if (n > 0) {
      offset = off;  // short: the socket is full, or the file ended (the next call tells)
      return {io_status::done, static_cast<std::size_t>(n), {}};
    }
    if (n == 0) return {io_status::failed, 0, {EIO, std::system_category()}};  // the file shrank
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      writable_ = false;
      return {io_status::want_write, 0, {}};
    }
    return {io_status::failed, 0, {errno, std::system_category()}};
  }
}

void connection::shutdown_write() {
  if (fd_ < 0) return;
  if (ssl_ && !tls_failed_ && SSL_is_init_finished(ssl_)) {
    ERR_clear_error();
    SSL_shutdown(ssl_);  // queues close_notify; whether it went out now is not waited for
  }
  ::shutdown(fd_, SHUT_WR);
}

bool connection::start_tls_server(ssl_ctx_st* ctx, bool tickets) {
  ssl_ = SSL_new(ctx);
  if (!ssl_ || SSL_set_fd(ssl_, fd_) != 1) return false;
  SSL_set_mode(ssl_, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                         SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_set_read_ahead(ssl_, 1);  // whole records per read(2), not header then body
  if (!tickets) SSL_set_num_tickets(ssl_, 0);
  SSL_set_accept_state(ssl_);
  return true;
}

io_result connection::handshake() {
  if (!ssl_ || fd_ < 0) return {io_status::failed, 0, asio::error::bad_descriptor};
  ERR_clear_error();
  int r = SSL_do_handshake(ssl_);
  if (r == 1) return {io_status::done, 0, {}};
  return tls_result(r, 0);
}

io_result connection::tls_result(int ret, std::size_t n) {
  switch (SSL_get_error(ssl_, ret)) {
    case SSL_ERROR_WANT_READ:
      readable_ = false;
      return {io_status::want_read, n, {}};
    case SSL_ERROR_WANT_WRITE:
      writable_ = false;
      return {io_status::want_write, n, {}};
    case SSL_ERROR_ZERO_RETURN:
      return {io_status::eof, n, asio::error::eof};
    case SSL_ERROR_SYSCALL: {
      tls_failed_ = true;
      int e = errno;
      if (ERR_peek_error() == 0 && e == 0) return {io_status::eof, n, asio::error::eof};
      return {io_status::failed, n, {e ? e : EIO, std::system_category()}};
    }
    default: {
      tls_failed_ = true;
      unsigned long e = ERR_get_error();
      // A peer that just closes TCP without close_notify: an end, not an attack on us.
      if (ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
        return {io_status::eof, n, asio::error::eof};
      return {io_status::failed, n, {static_cast<int>(e), asio::error::get_ssl_category()}};
    }
  }
}

bool connection::tls_established() const { return ssl_ && SSL_is_init_finished(ssl_); }

bool connection::tls_pending() const { return ssl_ && SSL_has_pending(ssl_); }

std::string_view connection::tls_version() const { return ssl_ ? SSL_get_version(ssl_) : ""; }

std::string_view connection::alpn() const {
  if (!ssl_) return {};
  const unsigned char* p = nullptr;
  unsigned len = 0;
  SSL_get0_alpn_selected(ssl_, &p, &len);
  return {reinterpret_cast<const char*>(p), len};
}

}  // namespace l7::net
