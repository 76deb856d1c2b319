#include "net/tls.hpp"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

namespace l7::net {
namespace {

template <typename T, void (*Free)(T*)>
struct ossl_deleter {
  void operator()(T* p) const { Free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, ossl_deleter<EVP_PKEY, EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, ossl_deleter<X509, X509_free>>;

[[noreturn]] void fail(const std::string& what) {
  char buf[256];
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  throw std::runtime_error(what + ": " + buf);
}

void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext || X509_add_ext(cert, ext, -1) != 1) fail("adding a certificate extension");
  X509_EXTENSION_free(ext);
}

x509_ptr make_certificate(EVP_PKEY* key) {
  x509_ptr cert(X509_new());
  if (!cert) fail("X509_new");
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  std::FILE* rnd = std::fopen("/dev/urandom", "rb");
  if (!rnd || std::fread(serial, 1, sizeof serial, rnd) != sizeof serial) fail("reading /dev/urandom");
  std::fclose(rnd);
  serial[0] &= 0x7f;  // positive serial (RFC 5280 §4.1.2.2)
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 825L * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("l7kit"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  add_extension(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign");
  add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
  add_extension(cert.get(), NID_subject_key_identifier, "hash");
  if (X509_sign(cert.get(), key, EVP_sha256()) == 0) fail("signing the certificate");
  return cert;
}

// Writes a PEM file atomically: temp file with `mode`, then rename.
template <typename Write>
void write_pem(const std::filesystem::path& path, mode_t mode, Write write) {
  auto tmp = path;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) throw std::runtime_error("cannot create " + tmp.string());
  std::FILE* f = ::fdopen(fd, "w");
  bool ok = f && write(f) == 1;
  ok = f && std::fflush(f) == 0 && ::fsync(fd) == 0 && ok;
  if (f) std::fclose(f); else ::close(fd);
  if (!ok) fail("writing " + path.string());
  std::filesystem::rename(tmp, path);
}

}  // namespace

tls_files ensure_self_signed(const std::filesystem::path& dir) {
  tls_files files{dir / "cert.pem", dir / "key.pem"};
  if (std::filesystem::exists(files.cert) && std::filesystem::exists(files.key)) return files;
  std::filesystem::create_directories(dir);
  pkey_ptr key(EVP_EC_gen("P-256"));
  if (!key) fail("generating an EC key");
  auto cert = make_certificate(key.get());
  write_pem(files.key, 0600, [&](std::FILE* f) {
    return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  write_pem(files.cert, 0644, [&](std::FILE* f) { return PEM_write_X509(f, cert.get()); });
  return files;
}

namespace {

// ALPN wire format: length-prefixed protocol names (RFC 7301 §3.1).
std::string alpn_wire(const std::vector<std::string>& protocols) {
  std::string wire;
  for (const auto& p : protocols) {
    wire.push_back(static_cast<char>(p.size()));
    wire += p;
  }
  return wire;
}

int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                unsigned int inlen, void* arg) {
  const auto* ours = static_cast<const std::string*>(arg);
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, reinterpret_cast<const unsigned char*>(ours->data()),
                            static_cast<unsigned>(ours->size()), in, inlen) != OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_NOACK;
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

}  // namespace

std::shared_ptr<asio::ssl::context> make_server_context(const tls_files& files,
                                                        std::vector<std::string> alpn) {
  // The ALPN callback reads the wire string for as long as the context lives: keep both in
  // one allocation and hand out an aliasing pointer to the context.
  struct holder {
    asio::ssl::context ctx{asio::ssl::context::tls_server};
    std::string alpn;
  };
  auto h = std::make_shared<holder>();
  SSL_CTX* native = h->ctx.native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_use_certificate_chain_file(native, files.cert.c_str()) != 1)
    fail("loading certificate " + files.cert.string());
  if (SSL_CTX_use_PrivateKey_file(native, files.key.c_str(), SSL_FILETYPE_PEM) != 1)
    fail("loading private key " + files.key.string());
  if (SSL_CTX_check_private_key(native) != 1) fail("certificate and key do not match");
  if (!alpn.empty()) {
    h->alpn = alpn_wire(alpn);
    SSL_CTX_set_alpn_select_cb(native, select_alpn, &h->alpn);
  }
  return std::shared_ptr<asio::ssl::context>(h, &h->ctx);
}

std::shared_ptr<asio::ssl::context> make_client_context(const client_tls_options& options) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  if (options.insecure) {
    ctx->set_verify_mode(asio::ssl::verify_none);
  } else {
    ctx->set_verify_mode(asio::ssl::verify_peer);
    if (options.ca_file) {
      if (SSL_CTX_load_verify_locations(native, options.ca_file->c_str(), nullptr) != 1)
        fail("loading CA file " + options.ca_file->string());
    } else {
      ctx->set_default_verify_paths();
    }
  }
  if (!options.alpn.empty()) {
    auto wire = alpn_wire(options.alpn);
    SSL_CTX_set_alpn_protos(native, reinterpret_cast<const unsigned char*>(wire.data()),
                            static_cast<unsigned>(wire.size()));
  }
  return ctx;
}

}  // namespace l7::net
