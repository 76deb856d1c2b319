#include <gtest/gtest.h>

#include <filesystem>
#include <sys/stat.h>

#include "net/stream.hpp"
#include "net/tls.hpp"

namespace l7::net {
namespace {

std::filesystem::path temp_dir() {
  auto dir = std::filesystem::temp_directory_path() /
             ("l7-tls-test-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(tls, self_signed_certificate_is_created_once_with_private_key_mode) {
  auto dir = temp_dir();
  auto files = ensure_self_signed(dir / "tls");
  struct stat st{};
  ASSERT_EQ(::stat(files.key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto mtime = std::filesystem::last_write_time(files.cert);
  ensure_self_signed(dir / "tls");  // second run keeps the files
  EXPECT_EQ(std::filesystem::last_write_time(files.cert), mtime);
  EXPECT_NO_THROW(make_server_context(files, {"http/1.1"}));
  std::filesystem::remove_all(dir);
}

// A plain exchange, then STARTTLS in place on the same connection, then a TLS exchange; the
// client verifies the generated certificate for "localhost" and for 127.0.0.1.
TEST(tls, starttls_upgrade_in_place_and_verification) {
  auto dir = temp_dir();
  auto files = ensure_self_signed(dir);
  auto server_ctx = make_server_context(files);
  auto client_ctx = make_client_context({files.cert, false, {}});
  auto other_ctx = make_client_context({std::nullopt, false, {}});  // system store: must fail

  asio::io_context io;
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  auto port = acceptor.local_endpoint().port();
  std::string server_got, client_got, tls_version;
  std::error_code client_verify_error;

  asio::co_spawn(io, [&]() -> awaitable<void> {
    for (int round = 0; round < 2; ++round) {
      auto [ec, sock] = co_await acceptor.async_accept(use_tuple);
      stream s(std::move(sock));
      char buf[16];
      auto [e1, n] = co_await asio::async_read(s, asio::buffer(buf, 8), use_tuple);  // "STARTTLS"
      if (e1) co_return;
      co_await asio::async_write(s, asio::buffer("GO\n", 3), use_tuple);
      if (co_await s.handshake_server(*server_ctx)) continue;  // round 1: client rejects us
      auto [e2, m] = co_await asio::async_read(s, asio::buffer(buf, 5), use_tuple);
      server_got.assign(buf, m);
      tls_version = std::string(s.tls_version());
      co_await asio::async_write(s, asio::buffer("world", 5), use_tuple);
      co_await s.graceful_close();
    }
  }, asio::detached);

  asio::co_spawn(io, [&]() -> awaitable<void> {
    for (const char* host : {"localhost", "127.0.0.1"}) {
      tcp::socket sock(io);
      co_await sock.async_connect({asio::ip::make_address("127.0.0.1"), port}, use_tuple);
      stream s(std::move(sock));
      co_await asio::async_write(s, asio::buffer("STARTTLS", 8), use_tuple);
      char buf[16];
      co_await asio::async_read(s, asio::buffer(buf, 3), use_tuple);
      if (std::string_view(host) == "127.0.0.1") {
        // Second connection: verify against a store that lacks our certificate.
        client_verify_error = co_await s.handshake_client(*other_ctx, host);
        s.close();
        co_return;
      }
      if (auto ec = co_await s.handshake_client(*client_ctx, host)) co_return;
      co_await asio::async_write(s, asio::buffer("hello", 5), use_tuple);
      auto [ec, n] = co_await asio::async_read(s, asio::buffer(buf, 5), use_tuple);
      client_got.assign(buf, n);
      s.close();
    }
  }, asio::detached);

  io.run_for(std::chrono::seconds(10));
  EXPECT_EQ(server_got, "hello");
  EXPECT_EQ(client_got, "world");
  EXPECT_TRUE(tls_version == "TLSv1.3" || tls_version == "TLSv1.2") << tls_version;
  EXPECT_TRUE(client_verify_error) << "an untrusted certificate must fail verification";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace l7::net
