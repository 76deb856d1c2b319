// One FTP control connection (RFC 959) and its data transfers.
//
// The command loop reads and answers commands in order. A transfer (RETR, STOR, LIST, ...)
// runs as its own coroutine so that the loop keeps reading: ABOR and STAT are answered while
// it runs (RFC 959 §4.1.3); any other command waits until the transfer has ended, so replies
// stay in order. Replies from both go through one queue and one writer.
//
// Files: session.cpp (loop, replies, dispatch), session_login.cpp (USER, PASS, AUTH, PBSZ,
// PROT, FEAT, OPTS, ...), session_files.cpp (paths, directories, SIZE, MDTM, MLST, STAT,
// SITE), session_data.cpp (PASV, EPSV, PORT, EPRT, REST, ABOR; bytes over the data
// connection), session_transfer.cpp (RETR, STOR, APPE, STOU, LIST, NLST, MLSD).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "app/jail.hpp"
#include "core/command_line.hpp"
#include "ftp/codec/listing.hpp"
#include "ftp/server/data_channel.hpp"
#include "net/deadline.hpp"
#include "net/runtime.hpp"
#include "net/stream.hpp"

namespace l7::ftp::server {

struct shared_state;

class session {
 public:
  session(net::worker& w, net::tcp::socket socket, shared_state& shared,
          std::shared_ptr<asio::ssl::context> tls, bool implicit_tls);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  net::awaitable<void> run();

 private:
  enum class listing { list, nlst, mlsd };
  enum class upload { store, append, unique };

  // --- control connection (session.cpp)
  net::awaitable<bool> next_command(std::string& line);
  void reply(int code, std::string_view text);
  void reply_lines(int code, const std::vector<std::string>& lines);
  void kick_writer();
  net::awaitable<void> write_loop();
  net::awaitable<void> flush();
  net::awaitable<void> handle(std::string_view verb, std::string_view arg);
  bool handle_simple(std::string_view verb, std::string_view arg);
  void on_idle_timeout();
  void on_stop();
  net::awaitable<void> sleep(std::chrono::milliseconds d);

  // --- login and TLS (session_login.cpp)
  void cmd_user(std::string_view arg);
  net::awaitable<void> cmd_pass(std::string_view arg);
  net::awaitable<void> cmd_auth(std::string_view arg);
  void cmd_pbsz(std::string_view arg);
  void cmd_prot(std::string_view arg);
  void cmd_feat();
  void cmd_opts(std::string_view arg);
  void cmd_rein();
  void cmd_help();
  bool login_as(const std::string& user, bool anonymous);
  bool writable() const { return logged_in_ && !anonymous_; }

  // --- files and directories (session_files.cpp)
  // The client's path resolved in the jail; on failure the 550 is sent and nullopt returned.
  std::optional<app::resolved_path> resolve(std::string_view arg, bool must_exist = true);
  bool deny_anonymous();
  void cmd_cwd(std::string_view arg);
  void cmd_pwd();
  void cmd_mkd(std::string_view arg);
  void cmd_rmd(std::string_view arg);
  void cmd_dele(std::string_view arg);
  void cmd_rnfr(std::string_view arg);
  void cmd_rnto(std::string_view arg);
  void cmd_size(std::string_view arg);
  void cmd_mdtm(std::string_view arg);
  void cmd_mlst(std::string_view arg);
  void cmd_stat(std::string_view arg);
  void cmd_site(std::string_view arg);
  void cmd_type(std::string_view arg);
  std::string perm_for(file_facts::kind k) const;

  // --- data connections (session_data.cpp) and transfers (session_transfer.cpp)
  void cmd_pasv(bool extended, std::string_view arg);
  void cmd_port(bool extended, std::string_view arg);
  void cmd_rest(std::string_view arg);
  net::awaitable<void> cmd_retr(std::string_view arg);
  net::awaitable<void> cmd_store(std::string_view arg, upload how);
  net::awaitable<void> cmd_list(std::string_view arg, listing how);
  void cmd_abor();
  // Opens the data connection, sends `preliminary` as the 150 reply, then TLS when PROT P.
  // On failure the final reply is sent and null returned.
  net::awaitable<std::unique_ptr<net::stream>> open_data(std::string preliminary);
  void start_transfer(net::awaitable<void> work);
  net::awaitable<void> wait_transfer();
  net::awaitable<void> retr_body(app::unique_fd fd, std::uint64_t offset, std::uint64_t size, std::string name);
  net::awaitable<void> store_body(app::unique_fd fd, std::string name, bool unique);
  net::awaitable<void> list_body(std::string text, std::string what);
  net::awaitable<std::error_code> send_file(net::stream& data, int fd, std::uint64_t offset,
                                            std::uint64_t size, bool& local);
  net::awaitable<std::error_code> receive_file(net::stream& data, int fd, bool& local);
  net::awaitable<std::error_code> send_bytes(net::stream& data, std::string_view bytes);
  // The transfer's final reply (226, or 426/451/452, or 426 + 226 after ABOR).
  void finish_transfer(std::error_code ec, bool local_error);

  net::worker& worker_;
  shared_state& shared_;
  std::shared_ptr<asio::ssl::context> tls_ctx_;
  bool implicit_tls_;
  net::stream stream_;
  net::tcp::endpoint remote_, local_;
  std::string remote_text_;
  bool counted_ = false;  // holds a per-address slot

  // control input and output
  command_framer framer_;
  std::string in_;
  std::string out_;
  bool writing_ = false;
  bool broken_ = false;  // the control connection failed: stop
  bool closing_ = false;
  bool stopping_ = false;
  bool idle_ = false;
  net::deadline idle_deadline_;
  asio::steady_timer signal_;  // wakes flush() and wait_transfer() waiters

  // login state
  std::string pending_user_;
  bool user_given_ = false;
  bool logged_in_ = false;
  bool anonymous_ = false;
  std::string user_;
  unsigned failures_ = 0;
  std::optional<app::jail> jail_;
  std::string cwd_ = "/";

  // TLS (RFC 4217)
  bool pbsz_ = false;
  bool protect_data_ = false;

  // transfer parameters
  bool ascii_ = false;
  std::uint64_t rest_ = 0;
  std::optional<std::string> rename_from_;
  bool epsv_all_ = false;
  mlst_facts mlst_;
  data_channel data_;

  // the running transfer
  bool transferring_ = false;
  bool abort_requested_ = false;
  net::stream* data_stream_ = nullptr;  // while a transfer has its data connection open
  std::uint64_t transferred_ = 0;
  std::string transfer_what_;
  net::deadline data_deadline_;
  bool data_timed_out_ = false;  // this transfer's data connection stalled past data_timeout
};

}  // namespace l7::ftp::server
