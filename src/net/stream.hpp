// A TCP connection that is plain or TLS, and can turn from plain into TLS in place (STARTTLS:
// SMTP, IMAP, POP3, FTP AUTH TLS). Implicit-TLS listeners call handshake_server() first thing.
// It models Asio's AsyncReadStream/AsyncWriteStream, so asio::async_read/async_write work.
// Owns the socket. Not thread-safe: use it from its executor only.
#pragma once

#include <chrono>
#include <memory>
#include <string_view>
#include <system_error>

#include "net/asio.hpp"

struct ssl_session_st;  // OpenSSL's SSL_SESSION

namespace l7::net {

// A TLS session that a later connection can resume (FTP data connections, RFC 4217 §10).
using tls_session = std::shared_ptr<ssl_session_st>;

class stream {
 public:
  using executor_type = tcp::socket::executor_type;
  using tls_stream = asio::ssl::stream<tcp::socket&>;

  explicit stream(tcp::socket socket);
  stream(stream&&) = default;
  stream& operator=(stream&&) = default;

  executor_type get_executor() { return socket_.get_executor(); }
  tcp::socket& socket() { return socket_; }
  bool is_tls() const { return tls_ != nullptr; }
  // Negotiated TLS version ("TLSv1.3"), or empty for plain connections.
  std::string_view tls_version() const;

  // Starts TLS as the server. Any bytes the peer sent before must have been consumed by the
  // caller's protocol (STARTTLS rules forbid pipelining across the upgrade).
  // `tickets` false sends no TLS 1.3 session tickets: for a connection whose peer never reads
  // (an FTP upload), unread tickets make its close a reset that can destroy data in flight.
  awaitable<std::error_code> handshake_server(asio::ssl::context& ctx, bool tickets = true);
  // Starts TLS as the client, sending SNI for `host` (unless it is an IP address) and, when
  // ctx verifies peers, checking the certificate against `host`.
  // `resume`, when set, is offered for resumption (RFC 8446 §2.2 / RFC 5246 §7.3).
  awaitable<std::error_code> handshake_client(asio::ssl::context& ctx, std::string_view host,
                                              tls_session resume = nullptr);
  // The session of this connection, to resume on another one; null when plain. Under TLS 1.3
  // the ticket comes after the handshake: ask after the first application data was read.
  tls_session session() const;
  // Whether the handshake resumed an earlier session.
  bool session_reused() const;
  // Sends close_notify (TLS) and shuts the TCP write side down; errors are ignored.
  awaitable<void> graceful_close();
  void close();

  template <typename Buffers, typename Token>
  auto async_read_some(const Buffers& buffers, Token&& token) {
    return asio::async_initiate<Token, void(std::error_code, std::size_t)>(
        [this](auto handler, const Buffers& b) {
          if (tls_) tls_->async_read_some(b, std::move(handler));
          else socket_.async_read_some(b, std::move(handler));
        },
        token, buffers);
  }

  template <typename Buffers, typename Token>
  auto async_write_some(const Buffers& buffers, Token&& token) {
    return asio::async_initiate<Token, void(std::error_code, std::size_t)>(
        [this](auto handler, const Buffers& b) {
          if (tls_) tls_->async_write_some(b, std::move(handler));
          else socket_.async_write_some(b, std::move(handler));
        },
        token, buffers);
  }

 private:
  tcp::socket socket_;
  std::unique_ptr<tls_stream> tls_;
};

}  // namespace l7::net
