// Data-connection setup (PASV, EPSV, PORT, EPRT; RFC 959 §3.2 and §4.1.2, RFC 2428, RFC 2577),
// REST and ABOR, and moving bytes over an open data connection (sendfile for plain binary
// downloads). The connection itself is opened when a transfer starts (data_channel.hpp).
#include <sys/sendfile.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <charconv>

#include "ftp/codec/ascii.hpp"
#include "ftp/codec/host_port.hpp"
#include "ftp/server/fs_facts.hpp"
#include "ftp/server/service.hpp"
#include "ftp/server/session.hpp"

namespace l7::ftp::server {

namespace {

bool local_is_v4(const net::tcp::endpoint& e) { return net::to_ip(e.address()).unmapped().is_v4(); }

}  // namespace

void session::cmd_pasv(bool extended, std::string_view arg) {
  if (epsv_all_ && !extended) return reply(503, "EPSV ALL in effect: use EPSV.");
  const bool v4 = local_is_v4(local_);
  if (extended) {
    switch (parse_epsv_argument(arg)) {
      case epsv_arg::all:
        epsv_all_ = true;
        return reply(200, "EPSV ALL ok.");
      case epsv_arg::invalid: return reply(501, "Syntax error in EPSV argument.");
      case epsv_arg::unsupported_protocol: return reply(522, v4 ? "Network protocol not supported, use (1)" : "Network protocol not supported, use (2)");
      case epsv_arg::v4:
        if (!v4) return reply(522, "Network protocol not supported, use (2)");
        break;
      case epsv_arg::v6:
        if (v4) return reply(522, "Network protocol not supported, use (1)");
        break;
      case epsv_arg::none: break;
    }
  } else if (!v4) {
    return reply(425, "PASV is IPv4 only: use EPSV (RFC 2428).");
  }
  auto [ec, port] = data_.listen_passive(local_.address(), shared_);
  if (ec) {
    if (shared_.config.passive_min == 0)
      shared_.log->warn("{}: cannot listen for a passive data connection: {}", remote_text_, ec.message());
    else
      shared_.log->warn("{}: no passive port free in {}..{}", remote_text_, shared_.config.passive_min,
                        shared_.config.passive_max);
    return reply(425, "No passive port available, try again later.");
  }
  if (extended) return reply(229, format_epsv_text(port));
  ip_address shown = net::to_ip(local_.address()).unmapped();
  if (!shared_.config.passive_address.empty()) shown = *ip_address::parse(shared_.config.passive_address);
  reply(227, format_pasv_text({shown, port}));
}

void session::cmd_port(bool extended, std::string_view arg) {
  if (!shared_.config.active) return reply(502, "Active mode is off: use EPSV or PASV.");
  if (epsv_all_) return reply(503, "EPSV ALL in effect: use EPSV.");
  auto a = extended ? parse_eprt_argument(arg) : parse_port_argument(arg);
  if (!a) return reply(501, extended ? "Syntax error in EPRT argument." : "Syntax error in PORT argument.");
  // RFC 2577 §3: connect back only to the client itself, and never to a privileged port.
  if (!same_host(net::to_asio(a->address), remote_.address())) {
    shared_.log->warn("{}: refused {} to third party {}", remote_text_, extended ? "EPRT" : "PORT",
                      a->address.to_string());
    return reply(501, "Refused: the data connection must go to your own address (RFC 2577).");
  }
  if (a->port < 1024) return reply(501, "Refused: privileged data port.");
  data_.set_active({net::to_asio(a->address.unmapped()), a->port});
  reply(200, extended ? "EPRT command successful." : "PORT command successful. Consider using EPSV.");
}

void session::cmd_rest(std::string_view arg) {
  std::uint64_t n = 0;
  auto [p, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), n);
  if (arg.empty() || ec != std::errc{} || p != arg.data() + arg.size())
    return reply(501, "REST needs a byte offset.");
  rest_ = n;
  reply(350, "Restarting at " + std::to_string(n) + ". Send STORE or RETRIEVE.");
}

void session::cmd_abor() {
  if (!transferring_) {
    data_.reset();
    return reply(225, "No transfer to abort.");
  }
  // The transfer's coroutine answers 426 for the transfer, then 226 for ABOR (RFC 959 §4.1.3).
  abort_requested_ = true;
  data_.cancel();
  if (data_stream_) data_stream_->close();
}

net::awaitable<std::error_code> session::send_bytes(net::stream& data, std::string_view bytes) {
  while (!bytes.empty()) {
    data_deadline_.expires_after(shared_.config.data_timeout);
    auto [ec, n] = co_await data.async_write_some(asio::buffer(bytes.data(), bytes.size()), net::use_tuple);
    if (ec) co_return ec;
    bytes.remove_prefix(n);
    transferred_ += n;
    shared_.bytes_sent->inc(n);
  }
  co_return std::error_code{};
}

net::awaitable<std::error_code> session::send_file(net::stream& data, int fd, std::uint64_t offset,
                                                   std::uint64_t size, bool& local) {
  // sendfile(2): the kernel copies from the page cache to the socket, no user-space copy.
  auto& socket = data.socket();
  std::error_code ec;
  socket.native_non_blocking(true, ec);
  if (ec) co_return ec;
  off_t off = static_cast<off_t>(offset);
  while (static_cast<std::uint64_t>(off) < size) {
    data_deadline_.expires_after(shared_.config.data_timeout);
    const auto want = std::min<std::uint64_t>(size - static_cast<std::uint64_t>(off), 1u << 20);
    const auto n = ::sendfile(socket.native_handle(), fd, &off, want);
    if (n > 0) {
      transferred_ += static_cast<std::uint64_t>(n);
      shared_.bytes_sent->inc(static_cast<std::uint64_t>(n));
      continue;
    }
    if (n == 0) break;  // the file shrank under us: send what there is
    if (errno == EINTR) continue;
    if (errno == EAGAIN) {
      auto [wec] = co_await socket.async_wait(net::tcp::socket::wait_write, net::use_tuple);
      if (wec) co_return wec;
      continue;
    }
    // Socket errors end the transfer as a network failure; file errors are local ones.
    ec = last_errno();
    local = !(errno == EPIPE || errno == ECONNRESET || errno == EBADF || errno == ENOTCONN);
    co_return ec;
  }
  co_return std::error_code{};
}

net::awaitable<std::error_code> session::receive_file(net::stream& data, int fd, bool& local) {
  std::string buf(io_chunk, '\0'), converted;
  ascii_from_network from_network;
  for (;;) {
    data_deadline_.expires_after(shared_.config.data_timeout);
    auto [ec, n] = co_await data.async_read_some(asio::buffer(buf.data(), buf.size()), net::use_tuple);
    if (n > 0) {
      transferred_ += n;
      shared_.bytes_received->inc(n);
      std::string_view in(buf.data(), n);
      if (ascii_) {
        converted.clear();
        from_network.feed(std::as_bytes(std::span(buf.data(), n)), converted);
        in = converted;
      }
      while (!in.empty()) {
        auto w = ::write(fd, in.data(), in.size());
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) {
          local = true;
          co_return last_errno();
        }
        in.remove_prefix(static_cast<std::size_t>(w));
      }
    }
    // The client ends the upload by closing (RFC 959 §3.4 stream mode); a TLS client that
    // closes without close_notify is accepted too, as most do.
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) break;
    if (ec) co_return ec;
  }
  if (ascii_) {
    converted.clear();
    from_network.finish(converted);
    if (!converted.empty() && ::write(fd, converted.data(), converted.size()) < 0) {
      local = true;
      co_return last_errno();
    }
  }
  // 226 promises the file arrived: with sync_uploads it is on disk before we say so.
  if (shared_.config.sync_uploads && ::fdatasync(fd) != 0) {
    local = true;
    co_return last_errno();
  }
  co_return std::error_code{};
}

}  // namespace l7::ftp::server
