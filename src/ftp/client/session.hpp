// FTP client session (RFC 959) with the extensions a modern client needs: FEAT/OPTS (RFC 2389),
// EPSV/EPRT (RFC 2428), SIZE/MDTM/REST STREAM/MLSD (RFC 3659), UTF8 (RFC 2640) and FTPS
// (RFC 4217: AUTH TLS, or implicit TLS for ftps://; PBSZ 0 + PROT P; data connections resume
// the control connection's TLS session, §10, which servers like vsftpd's require_ssl_reuse
// insist on).
//
// One control connection; one transfer at a time. Use from one executor; a session never
// moves (its streams may run TLS over their own sockets), so hold it in place or by pointer.
// While connected it keeps a watchdog timer pending on the executor: io_context::run() returns
// once the session has quit() or is destroyed (or the context is stopped).
// Transfers stream: retrieve() hands each received buffer to a sink, store() pulls from a
// source; nothing is buffered whole. A sink or source error aborts the transfer (ABOR) and is
// returned as it is.
// Every call returns a status: ok, error::rejected with the server's 4xx/5xx reply, or a
// connection-level error (then the session is unusable).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "core/numeric_reply.hpp"
#include "ftp/client/control.hpp"
#include "net/asio.hpp"
#include "net/stream.hpp"

namespace l7::ftp::client {

enum class security { none, explicit_tls, implicit_tls };
enum class transfer_type { binary, ascii };
enum class listing { list, nlst, mlsd };

struct options {
  std::string host;
  std::uint16_t port = 21;
  security tls = security::none;
  bool active = false;                 // PORT/EPRT instead of PASV/EPSV
  std::string user = "anonymous";
  std::string password;                // empty for anonymous: "anonymous@" (RFC 1635)
  bool insecure = false;               // TLS: skip certificate verification
  std::optional<std::string> ca_file;  // TLS: trust only this PEM bundle
  bool protect_data = true;            // TLS: PROT P (else the data stays clear)
  std::chrono::milliseconds timeout{30'000};  // connect, each reply, data idle, active accept
  trace_fn trace;                      // -v: every command and reply, PASS masked
};

struct status {
  std::error_code ec;
  numeric_reply reply;  // the server's last reply (the refusal when ec == error::rejected)
  std::string where;    // the step that failed, for messages: "connect to h:21", "TLS handshake"
  bool ok() const { return !ec; }
  bool rejected() const;
  // "550 No such file." for refusals, else "where: the error's message".
  std::string message() const;
};

template <typename T>
struct with_status {
  status st;
  T value{};
};

// FEAT's answer (RFC 2389 §3.2): feature names upper-cased, each with its parameters.
struct features {
  bool answered = false;  // FEAT was understood (211)
  std::map<std::string, std::string> items;
  bool has(std::string_view name) const { return items.contains(std::string(name)); }
};

// Receives the data of a download; an error aborts the transfer.
using data_sink = std::function<std::error_code(std::span<const std::byte>)>;
// Fills the buffer for an upload and returns the bytes written there; 0 ends the upload.
using data_source = std::function<std::pair<std::error_code, std::size_t>(std::span<std::byte>)>;
// One listing line, without its line end.
using line_sink = std::function<std::error_code(std::string_view)>;

struct transfer_options {
  transfer_type type = transfer_type::binary;
  std::uint64_t offset = 0;  // REST before RETR (RFC 3659 §5); binary only
};

class session {
 public:
  session(asio::any_io_executor ex, options opt);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  // TCP, TLS (implicit or AUTH TLS), greeting, USER/PASS, FEAT, OPTS UTF8 ON, PBSZ/PROT.
  net::awaitable<status> connect();
  const features& server_features() const { return features_; }
  bool tls() const;

  net::awaitable<with_status<std::string>> pwd();
  net::awaitable<status> cwd(std::string path);
  net::awaitable<status> type(transfer_type t);
  net::awaitable<with_status<std::uint64_t>> size(std::string path);
  net::awaitable<with_status<std::int64_t>> mdtm(std::string path);  // UTC seconds
  net::awaitable<status> mkd(std::string path);
  net::awaitable<status> rmd(std::string path);
  net::awaitable<status> dele(std::string path);
  net::awaitable<status> rename(std::string from, std::string to);
  // Any command; ok for a 2xx reply.
  net::awaitable<status> simple(std::string command);

  net::awaitable<status> retrieve(std::string path, data_sink sink, transfer_options t = {});
  // STOR, or APPE when `append` (resuming an upload: send the rest of the file).
  net::awaitable<status> store(std::string path, data_source source, transfer_options t = {},
                               bool append = false);
  // LIST / NLST / MLSD of `path` ("" for the working directory).
  net::awaitable<status> list(listing kind, std::string path, line_sink lines);
  // QUIT and close (the reply is waited for briefly; errors are ignored). Nothing else may be
  // called afterwards.
  net::awaitable<void> quit();

 private:
  struct data_channel;
  using data_ptr = std::unique_ptr<data_channel>;

  net::awaitable<status> run(std::string command);  // send, read one reply
  net::awaitable<status> open_tls();
  net::awaitable<status> login();
  net::awaitable<void> read_features();
  net::awaitable<with_status<data_ptr>> open_data(std::string command);
  net::awaitable<with_status<data_ptr>> passive_setup();
  net::awaitable<with_status<data_ptr>> active_setup();
  net::awaitable<status> start_data(data_channel& d, std::string command);
  net::awaitable<status> finish_transfer(status st);
  net::awaitable<status> abort_transfer(std::error_code cause);
  net::awaitable<status> conclude(status st);
  using chunk_sink = std::function<std::error_code(std::span<const std::byte>)>;
  net::awaitable<status> receive(data_channel& d, const chunk_sink& out);
  net::awaitable<status> send_data(data_channel& d, const data_source& source, transfer_type t);
  status fail(std::error_code ec) const;
  void remember_tls_session();
  std::string format_endpoint_text() const;
  net::tcp::endpoint tcp_peer() const;

  asio::any_io_executor ex_;
  options opt_;
  std::shared_ptr<asio::ssl::context> tls_ctx_;
  std::unique_ptr<control> ctl_;
  net::tls_session tls_session_;  // the control connection's, resumed on data connections
  bool take_session_ = false;     // save tls_session_ after the next reply
  features features_;
  std::optional<transfer_type> type_;
  bool protected_data_ = false;
  bool epsv_refused_ = false;
  bool eprt_refused_ = false;
  asio::ip::address peer_;   // the control connection's remote address
  asio::ip::address local_;  // and our side of it
};

}  // namespace l7::ftp::client
