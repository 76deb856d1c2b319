// SASL SCRAM-SHA-256 (RFC 5802 with RFC 7677's hash), sans-I/O: the server and the client side
// of one exchange, on the decoded (not base64) messages. The sessions of SMTP AUTH, POP3 AUTH
// and IMAP AUTHENTICATE (and the SMTP client) do the base64 and the line framing.
//
// Channel binding is not offered (no SCRAM-SHA-256-PLUS): the server takes the GS2 flags "n"
// and "y" (RFC 5802 §6) and refuses "p=" with error::channel_binding_not_supported.
// User names and passwords go through SASLprep (core/saslprep.hpp: its gap is written there).
// Each object serves exactly one exchange; calls out of order throw std::logic_error.
// Failures are codes of this file's category; server_error_value() gives the RFC 5802 §7
// "e=" value to report. Secrets are wiped from memory when an object is destroyed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "core/hash.hpp"

namespace l7::scram {

inline constexpr std::string_view mechanism_name = "SCRAM-SHA-256";
// RFC 7677 §4: the iteration count a server announces SHOULD be at least 4096.
inline constexpr std::uint32_t min_iterations = 4096;

// What a server keeps per account (RFC 5802 §3, §5.1): never the password or SaltedPassword.
struct keys {
  std::string salt;  // raw bytes
  std::uint32_t iterations = 0;
  sha256_digest stored_key{};  // H(ClientKey)
  sha256_digest server_key{};  // HMAC(SaltedPassword, "Server Key")
};

// RFC 5802 §3: Hi() (PBKDF2-HMAC-SHA-256) of a SASLprepped password, then StoredKey and
// ServerKey. Costs `iterations` HMAC pairs: done when a password is set, not per login.
keys derive_keys(std::string_view prepared_password, std::string_view salt, std::uint32_t iterations);
sha256_digest hmac(std::string_view key, std::string_view data);

enum class error {
  // RFC 5802 §7 server-error-value, in the RFC's order.
  invalid_encoding = 1,
  extensions_not_supported,
  invalid_proof,
  channel_bindings_dont_match,
  server_does_support_channel_binding,
  channel_binding_not_supported,
  unsupported_channel_binding_type,
  unknown_user,
  invalid_username_encoding,
  no_resources,
  other_error,
  // The client's own.
  server_error,           // the server ended with "e=" (its value: client::server_error_text())
  bad_server_message,     // not the grammar of §7, or a nonce not starting with ours
  bad_iteration_count,    // outside [min_iterations, client::max_iterations]
  bad_server_signature,   // "v=" does not match: the server does not know the keys
  unusable_credentials,   // the user name or password fails SASLprep
};

const std::error_category& category();
std::error_code make_error_code(error e);
// The "e=" value of RFC 5802 §7 for a server-side failure ("invalid-proof", ...); "other-error"
// for codes that have none.
std::string_view server_error_value(std::error_code ec);

// The server side: client_first(), server_first(), client_final(), in that order.
class server {
 public:
  server() = default;
  server(const server&) = delete;
  server& operator=(const server&) = delete;
  ~server();

  // RFC 5802 §5.1 / §7 client-first-message (GS2 header + bare message). On success user()
  // is the SASLprepped authentication identity; the authzid, if sent, equals it (else
  // error::other_error).
  std::error_code client_first(std::string_view message);
  const std::string& user() const { return user_; }

  // The server-first-message for the account's keys (for an unknown user, keys that look
  // real and cannot match, so that the answer does not tell whether the account exists).
  // The server nonce is 24 bytes from the system CSPRNG; the overload takes one (tests).
  std::string server_first(const keys& k);
  std::string server_first(const keys& k, std::string_view server_nonce);

  // The client-final-message. Success: "v=ServerSignature" in `server_final`, authenticated().
  // Failure: the code, and "e=<value>" in `server_final`.
  std::error_code client_final(std::string_view message, std::string& server_final);
  bool authenticated() const { return state_ == state::done_ok; }

 private:
  enum class state { start, got_first, sent_first, done_ok, failed };
  std::error_code fail(error e);

  state state_ = state::start;
  std::string gs2_header_;    // "n,," or "y,,a=user," as sent: the channel binding input
  std::string client_first_bare_;
  std::string server_first_;
  std::string nonce_;         // client nonce + server nonce
  std::string user_;
  keys keys_;
};

// The client side: first(), then server_first() and server_final() with the server's messages.
class client {
 public:
  // A malicious server could ask for billions of iterations; above this the client refuses.
  static constexpr std::uint32_t max_iterations = 1'000'000;

  // `user` and `password` as the user typed them; `authzid` empty or the identity to act as.
  client(std::string_view user, std::string_view password, std::string_view authzid = {});
  client(const client&) = delete;
  client& operator=(const client&) = delete;
  ~client();

  // The client-first-message, with a 24-byte nonce from the CSPRNG (or the one given: tests).
  // error::unusable_credentials when the name or password fails SASLprep.
  std::error_code first(std::string& message);
  std::error_code first(std::string& message, std::string_view client_nonce);
  // Checks the server-first-message and computes the client-final-message (runs Hi(): as many
  // HMAC pairs as the server's iteration count).
  std::error_code server_first(std::string_view message, std::string& client_final);
  // Checks the server-final-message: success only when "v=" proves the server knows the keys.
  std::error_code server_final(std::string_view message);
  // The "e=" value when server_final() returned error::server_error.
  const std::string& server_error_text() const { return server_error_; }

 private:
  enum class state { start, sent_first, sent_final, done };

  state state_ = state::start;
  std::string user_, password_, authzid_;
  std::string gs2_header_, client_first_bare_, nonce_;
  sha256_digest server_signature_{};
  std::string server_error_;
};

}  // namespace l7::scram

template <>
struct std::is_error_code_enum<l7::scram::error> : std::true_type {};
