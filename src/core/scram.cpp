#include "core/scram.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <charconv>
#include <stdexcept>
#include <vector>

#include "core/base64.hpp"
#include "core/bytes.hpp"
#include "core/random.hpp"
#include "core/saslprep.hpp"
#include "core/utf8.hpp"

namespace l7::scram {
namespace {

constexpr std::size_t max_message = 4096;  // far above any honest message
constexpr std::size_t max_nonce = 256;
constexpr std::size_t nonce_bytes = 24;     // 32 base64 characters

using digest = sha256_digest;

std::string_view view(const digest& d) { return as_chars(d); }

digest salted_password(std::string_view password, std::string_view salt, std::uint32_t iterations) {
  digest out{};
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                        static_cast<int>(iterations), EVP_sha256(), static_cast<int>(out.size()),
                        reinterpret_cast<unsigned char*>(out.data())) != 1)
    throw std::runtime_error("PKCS5_PBKDF2_HMAC failed");
  return out;
}

void wipe(digest& d) { OPENSSL_cleanse(d.data(), d.size()); }
void wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

bool equal(const digest& a, std::string_view b) {
  return b.size() == a.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  for (;;) {
    const auto comma = s.find(',');
    out.push_back(s.substr(0, comma));
    if (comma == std::string_view::npos) return out;
    s.remove_prefix(comma + 1);
  }
}

// The value of "x=value" when `a` is attribute `name` with a non-empty value.
bool attribute(std::string_view a, char name, std::string_view& value) {
  if (a.size() < 3 || a[0] != name || a[1] != '=') return false;
  value = a.substr(2);
  return true;
}

// RFC 5802 §7 extensions: attr-val = ALPHA "=" value, value = 1*value-char.
bool valid_extension(std::string_view a) {
  const char c = a.empty() ? '\0' : a[0];
  return a.size() >= 3 && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) && a[1] == '=';
}

bool valid_extensions(const std::vector<std::string_view>& attrs, std::size_t from) {
  for (std::size_t i = from; i < attrs.size(); ++i)
    if (!valid_extension(attrs[i])) return false;
  return true;
}

// RFC 5802 §7: printable = %x21-2B / %x2D-7E.
bool valid_nonce(std::string_view n) {
  if (n.empty() || n.size() > 2 * max_nonce) return false;
  for (char c : n)
    if (c < 0x21 || c > 0x7E || c == ',') return false;
  return true;
}

// RFC 5802 §5.1: "=2C" is ',' and "=3D" is '='; any other '=' is an error.
bool decode_saslname(std::string_view v, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '=') {
      out += v[i];
      continue;
    }
    const auto code = v.substr(i + 1, 2);
    if (code == "2C") out += ',';
    else if (code == "3D") out += '=';
    else return false;
    i += 2;
  }
  return !out.empty();
}

std::string encode_saslname(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == ',') out += "=2C";
    else if (c == '=') out += "=3D";
    else out += c;
  }
  return out;
}

// The bytes the message may hold at all: UTF-8 without NUL, of a sane size.
bool acceptable(std::string_view message) {
  return !message.empty() && message.size() <= max_message &&
         message.find('\0') == std::string_view::npos && is_valid_utf8(message);
}

std::string nonce() {
  std::array<std::byte, nonce_bytes> raw{};
  random_fill(raw);
  return base64_encode(raw);
}

class error_category : public std::error_category {
 public:
  const char* name() const noexcept override { return "scram"; }
  std::string message(int ev) const override {
    switch (static_cast<error>(ev)) {
      case error::server_error: return "the server refused the SCRAM exchange";
      case error::bad_server_message: return "malformed SCRAM message from the server";
      case error::bad_iteration_count: return "the server's SCRAM iteration count is out of range";
      case error::bad_server_signature: return "the server's SCRAM signature does not match";
      case error::unusable_credentials: return "user name or password fails SASLprep";
      default: break;
    }
    auto value = server_error_value(make_error_code(static_cast<error>(ev)));
    return "SCRAM: " + std::string(value);
  }
};

}  // namespace

const std::error_category& category() {
  static const error_category instance;
  return instance;
}

std::error_code make_error_code(error e) { return {static_cast<int>(e), category()}; }

std::string_view server_error_value(std::error_code ec) {
  if (ec.category() != category()) return "other-error";
  switch (static_cast<error>(ec.value())) {
    case error::invalid_encoding: return "invalid-encoding";
    case error::extensions_not_supported: return "extensions-not-supported";
    case error::invalid_proof: return "invalid-proof";
    case error::channel_bindings_dont_match: return "channel-bindings-dont-match";
    case error::server_does_support_channel_binding: return "server-does-support-channel-binding";
    case error::channel_binding_not_supported: return "channel-binding-not-supported";
    case error::unsupported_channel_binding_type: return "unsupported-channel-binding-type";
    case error::unknown_user: return "unknown-user";
    case error::invalid_username_encoding: return "invalid-username-encoding";
    case error::no_resources: return "no-resources";
    default: return "other-error";
  }
}

sha256_digest hmac(std::string_view key, std::string_view data) {
  digest out{};
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(),
            reinterpret_cast<unsigned char*>(out.data()), &len) ||
      len != out.size())
    throw std::runtime_error("HMAC failed");
  return out;
}

keys derive_keys(std::string_view prepared_password, std::string_view salt, std::uint32_t iterations) {
  if (iterations == 0 || salt.empty()) throw std::logic_error("scram::derive_keys: empty salt or no iterations");
  auto salted = salted_password(prepared_password, salt, iterations);
  auto client_key = hmac(view(salted), "Client Key");
  keys k;
  k.salt = std::string(salt);
  k.iterations = iterations;
  k.stored_key = sha256(view(client_key));
  k.server_key = hmac(view(salted), "Server Key");
  wipe(salted);
  wipe(client_key);
  return k;
}

// ---- server ----

server::~server() {
  OPENSSL_cleanse(keys_.stored_key.data(), keys_.stored_key.size());
  OPENSSL_cleanse(keys_.server_key.data(), keys_.server_key.size());
}

std::error_code server::fail(error e) {
  state_ = state::failed;
  return make_error_code(e);
}

std::error_code server::client_first(std::string_view message) {
  if (state_ != state::start) throw std::logic_error("scram::server::client_first out of order");
  state_ = state::failed;
  if (!acceptable(message)) return fail(error::invalid_encoding);
  // RFC 5802 §7: gs2-header = gs2-cbind-flag "," [ authzid ] ","
  const auto c1 = message.find(',');
  const auto c2 = c1 == std::string_view::npos ? c1 : message.find(',', c1 + 1);
  if (c2 == std::string_view::npos) return fail(error::invalid_encoding);
  const auto flag = message.substr(0, c1);
  if (flag.starts_with("p=")) {
    // RFC 5802 §6: the client wants channel binding, which this server does not offer.
    const auto name = flag.substr(2);
    const bool valid = !name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                                 "0123456789.-") == std::string_view::npos;
    return fail(valid ? error::channel_binding_not_supported : error::invalid_encoding);
  }
  // "y": the client could bind but thinks we cannot; we cannot, so that is right (§6).
  if (flag != "n" && flag != "y") return fail(error::invalid_encoding);
  std::string authzid;
  const auto authz = message.substr(c1 + 1, c2 - c1 - 1);
  std::string_view value;
  if (!authz.empty() && (!attribute(authz, 'a', value) || !decode_saslname(value, authzid)))
    return fail(error::invalid_encoding);

  const auto bare = message.substr(c2 + 1);
  const auto attrs = split(bare);
  if (attrs[0].starts_with("m=")) return fail(error::extensions_not_supported);  // §5.1
  std::string name;
  std::string_view client_nonce;
  if (attrs.size() < 2 || !attribute(attrs[0], 'n', value) || !decode_saslname(value, name) ||
      !attribute(attrs[1], 'r', client_nonce) || client_nonce.size() > max_nonce || !valid_nonce(client_nonce) ||
      !valid_extensions(attrs, 2))
    return fail(error::invalid_encoding);
  auto prepared = saslprep(name);
  if (!prepared) return fail(error::invalid_username_encoding);
  if (!authzid.empty()) {
    // Acting as someone else is not supported: the authzid must name the same user.
    auto prepared_authz = saslprep(authzid);
    if (!prepared_authz || *prepared_authz != *prepared) return fail(error::other_error);
  }
  gs2_header_ = std::string(message.substr(0, c2 + 1));
  client_first_bare_ = std::string(bare);
  nonce_ = std::string(client_nonce);
  user_ = std::move(*prepared);
  state_ = state::got_first;
  return {};
}

std::string server::server_first(const keys& k) { return server_first(k, nonce()); }

std::string server::server_first(const keys& k, std::string_view server_nonce) {
  if (state_ != state::got_first) throw std::logic_error("scram::server::server_first out of order");
  if (!valid_nonce(server_nonce) || k.salt.empty() || k.iterations == 0)
    throw std::logic_error("scram::server::server_first: bad nonce or keys");
  keys_ = k;
  nonce_ += server_nonce;
  server_first_ = "r=" + nonce_ + ",s=" + base64_encode(k.salt) + ",i=" + std::to_string(k.iterations);
  state_ = state::sent_first;
  return server_first_;
}

std::error_code server::client_final(std::string_view message, std::string& server_final) {
  if (state_ != state::sent_first) throw std::logic_error("scram::server::client_final out of order");
  auto failed = [&](error e) {
    auto ec = fail(e);
    server_final = "e=" + std::string(server_error_value(ec));
    return ec;
  };
  if (!acceptable(message)) return failed(error::invalid_encoding);
  // client-final-message = channel-binding "," nonce ["," extensions] "," proof
  const auto last = message.rfind(',');
  std::string_view proof_b64, binding_b64, their_nonce;
  if (last == std::string_view::npos || !attribute(message.substr(last + 1), 'p', proof_b64))
    return failed(error::invalid_encoding);
  const auto without_proof = message.substr(0, last);
  const auto attrs = split(without_proof);
  if (attrs.size() < 2 || !attribute(attrs[0], 'c', binding_b64) || !attribute(attrs[1], 'r', their_nonce) ||
      !valid_extensions(attrs, 2))
    return failed(error::invalid_encoding);
  const auto binding = base64_decode(binding_b64);
  const auto proof = base64_decode(proof_b64);
  if (!binding || !proof) return failed(error::invalid_encoding);
  // RFC 5802 §5.1: without channel binding, c= is the base64 of the GS2 header as sent.
  if (*binding != gs2_header_) return failed(error::channel_bindings_dont_match);
  if (their_nonce != nonce_) return failed(error::other_error);
  if (proof->size() != keys_.stored_key.size()) return failed(error::invalid_proof);

  // RFC 5802 §3: ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage); H(ClientKey) must
  // be StoredKey.
  const std::string auth_message = client_first_bare_ + "," + server_first_ + "," + std::string(without_proof);
  auto client_key = hmac(view(keys_.stored_key), auth_message);
  for (std::size_t i = 0; i < client_key.size(); ++i)
    client_key[i] ^= static_cast<std::byte>((*proof)[i]);
  auto stored = sha256(view(client_key));
  wipe(client_key);
  if (!equal(keys_.stored_key, view(stored))) return failed(error::invalid_proof);
  server_final = "v=" + base64_encode(hmac(view(keys_.server_key), auth_message));
  state_ = state::done_ok;
  return {};
}

// ---- client ----

client::client(std::string_view user, std::string_view password, std::string_view authzid)
    : user_(user), password_(password), authzid_(authzid) {}

client::~client() {
  wipe(password_);
  OPENSSL_cleanse(server_signature_.data(), server_signature_.size());
}

std::error_code client::first(std::string& message) { return first(message, nonce()); }

std::error_code client::first(std::string& message, std::string_view client_nonce) {
  if (state_ != state::start) throw std::logic_error("scram::client::first out of order");
  if (!valid_nonce(client_nonce)) throw std::logic_error("scram::client::first: bad nonce");
  auto user = saslprep(user_);
  auto password = saslprep(password_);
  auto authzid = authzid_.empty() ? std::optional<std::string>("") : saslprep(authzid_);
  if (!user || !password || !authzid) return make_error_code(error::unusable_credentials);
  wipe(password_);
  password_ = std::move(*password);
  gs2_header_ = authzid->empty() ? "n,," : "n,a=" + encode_saslname(*authzid) + ",";
  client_first_bare_ = "n=" + encode_saslname(*user) + ",r=" + std::string(client_nonce);
  nonce_ = std::string(client_nonce);
  message = gs2_header_ + client_first_bare_;
  state_ = state::sent_first;
  return {};
}

std::error_code client::server_first(std::string_view message, std::string& client_final) {
  if (state_ != state::sent_first) throw std::logic_error("scram::client::server_first out of order");
  state_ = state::done;
  const auto bad = make_error_code(error::bad_server_message);
  if (!acceptable(message)) return bad;
  const auto attrs = split(message);
  if (attrs[0].starts_with("m=")) return make_error_code(error::extensions_not_supported);
  std::string_view nonce, salt_b64, count;
  if (attrs.size() < 3 || !attribute(attrs[0], 'r', nonce) || !attribute(attrs[1], 's', salt_b64) ||
      !attribute(attrs[2], 'i', count) || !valid_extensions(attrs, 3))
    return bad;
  // The server nonce extends ours (RFC 5802 §5.1) by at least one character.
  if (!valid_nonce(nonce) || nonce.size() <= nonce_.size() || !nonce.starts_with(nonce_)) return bad;
  const auto salt = base64_decode(salt_b64);
  if (!salt || salt->empty()) return bad;
  std::uint64_t iterations = 0;
  // posit-number = %x31-39 *DIGIT
  const auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), iterations);
  if (count[0] == '0' || ec != std::errc{} || end != count.data() + count.size()) return bad;
  if (iterations < min_iterations || iterations > max_iterations) return make_error_code(error::bad_iteration_count);

  auto salted = salted_password(password_, *salt, static_cast<std::uint32_t>(iterations));
  wipe(password_);
  auto client_key = hmac(view(salted), "Client Key");
  const auto stored_key = sha256(view(client_key));
  auto server_key = hmac(view(salted), "Server Key");
  wipe(salted);
  nonce_ = std::string(nonce);
  const std::string without_proof = "c=" + base64_encode(gs2_header_) + ",r=" + nonce_;
  const std::string auth_message = client_first_bare_ + "," + std::string(message) + "," + without_proof;
  auto proof = hmac(view(stored_key), auth_message);
  for (std::size_t i = 0; i < proof.size(); ++i) proof[i] ^= client_key[i];
  server_signature_ = hmac(view(server_key), auth_message);
  wipe(client_key);
  wipe(server_key);
  client_final = without_proof + ",p=" + base64_encode(proof);
  state_ = state::sent_final;
  return {};
}

std::error_code client::server_final(std::string_view message) {
  if (state_ != state::sent_final) throw std::logic_error("scram::client::server_final out of order");
  state_ = state::done;
  const auto bad = make_error_code(error::bad_server_message);
  if (!acceptable(message)) return bad;
  const auto attrs = split(message);
  std::string_view value;
  if (!valid_extensions(attrs, 1)) return bad;
  if (attribute(attrs[0], 'e', value)) {
    server_error_ = std::string(value);
    return make_error_code(error::server_error);
  }
  if (!attribute(attrs[0], 'v', value)) return bad;
  const auto signature = base64_decode(value);
  if (!signature) return bad;
  if (!equal(server_signature_, *signature)) return make_error_code(error::bad_server_signature);
  return {};
}

}  // namespace l7::scram
