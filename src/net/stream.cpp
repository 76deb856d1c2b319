#include "net/stream.hpp"

#include <openssl/ssl.h>

namespace l7::net {

stream::stream(tcp::socket socket) : socket_(std::move(socket)) {}

std::string_view stream::tls_version() const {
  if (!tls_) return {};
  return SSL_get_version(const_cast<tls_stream&>(*tls_).native_handle());
}

awaitable<std::error_code> stream::handshake_server(asio::ssl::context& ctx, bool tickets) {
  tls_ = std::make_unique<tls_stream>(socket_, ctx);
  if (!tickets) SSL_set_num_tickets(tls_->native_handle(), 0);
  auto [ec] = co_await tls_->async_handshake(asio::ssl::stream_base::server, use_tuple);
  co_return ec;
}

tls_session stream::session() const {
  if (!tls_) return nullptr;
  SSL_SESSION* s = SSL_get1_session(const_cast<tls_stream&>(*tls_).native_handle());
  if (!s) return nullptr;
  return tls_session(s, SSL_SESSION_free);
}

bool stream::session_reused() const {
  return tls_ && SSL_session_reused(const_cast<tls_stream&>(*tls_).native_handle()) == 1;
}

awaitable<std::error_code> stream::handshake_client(asio::ssl::context& ctx, std::string_view host,
                                                    tls_session resume) {
  tls_ = std::make_unique<tls_stream>(socket_, ctx);
  if (resume) SSL_set_session(tls_->native_handle(), resume.get());
  std::string name(host);
  std::error_code parse_ec;
  asio::ip::make_address(name, parse_ec);
  SSL* ssl = tls_->native_handle();
  if (parse_ec) SSL_set_tlsext_host_name(ssl, name.c_str());  // RFC 6066 §3: no IP literals
  // Checks the peer certificate's names (or IP SAN) when the context verifies peers.
  if (parse_ec) SSL_set1_host(ssl, name.c_str());
  else X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name.c_str());
  auto [ec] = co_await tls_->async_handshake(asio::ssl::stream_base::client, use_tuple);
  co_return ec;
}

awaitable<void> stream::graceful_close() {
  if (tls_ && socket_.is_open()) {
    // Send our close_notify; waiting for the peer's is optional (RFC 8446 §6.1), so a peer that
    // never answers is cut off after a short grace period.
    auto done = std::make_shared<bool>(false);
    asio::steady_timer timer(socket_.get_executor(), std::chrono::milliseconds(500));
    timer.async_wait([this, done](std::error_code ec) {
      if (!ec && !*done) close();
    });
    (void)co_await tls_->async_shutdown(use_tuple);
    *done = true;
  }
  std::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  socket_.close(ignored);
}

void stream::close() {
  std::error_code ignored;
  socket_.close(ignored);
}

}  // namespace l7::net
