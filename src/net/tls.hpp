// TLS contexts from OpenSSL (through asio::ssl): TLS 1.2 minimum everywhere.
// Server contexts load a PEM certificate chain and key; when none is configured, a
// self-signed certificate is generated once in the data directory.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/asio.hpp"

namespace l7::net {

struct tls_files {
  std::filesystem::path cert;  // PEM chain, leaf first
  std::filesystem::path key;   // PEM private key
};

// Returns <dir>/cert.pem and <dir>/key.pem, creating a self-signed EC P-256 certificate for
// localhost, 127.0.0.1 and ::1 when either file is missing (key written with mode 0600).
// Throws std::runtime_error when OpenSSL or the file system fails.
tls_files ensure_self_signed(const std::filesystem::path& dir);

// Server context; `alpn` lists protocols to accept in preference order (e.g. {"http/1.1"}).
// Throws std::runtime_error naming the file when the cert or key cannot be loaded.
std::shared_ptr<asio::ssl::context> make_server_context(const tls_files& files,
                                                        std::vector<std::string> alpn = {});

struct client_tls_options {
  std::optional<std::filesystem::path> ca_file;  // trust only this bundle
  bool insecure = false;                         // skip certificate verification (-k)
  std::vector<std::string> alpn;
};
std::shared_ptr<asio::ssl::context> make_client_context(const client_tls_options& options);

}  // namespace l7::net
