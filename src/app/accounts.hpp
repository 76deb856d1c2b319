// The account database shared by every protocol that logs in (FTP, SMTP AUTH, POP3, IMAP,
// MQTT, XMPP, Telnet, VPN).
//
// Storage: <data>/accounts/passwd, one "name:hash" line per account, where hash is a crypt(3)
// string (yescrypt, "$y$..."). Blank lines and lines starting with '#' are ignored; malformed
// lines are skipped. Writers (add/remove/set_password) hold an flock on
// <data>/accounts/passwd.lock, re-read the file, and replace it atomically (temporary file
// with mode 0600 in the same directory, fsync, rename), so concurrent `l7 user` runs and a
// running server never see a partial file.
//
// Readers (verify/exists/list) use an in-memory copy and re-read the file when its inode,
// size or mtime changed, so an account added by `l7 user add` works without a restart.
// All members are safe to call from several threads at once.
//
// Rules: names are 1..64 characters of [A-Za-z0-9._-] not starting with '.' or '-';
// passwords are 1..1024 bytes without NUL. Violations, duplicates, missing accounts and I/O
// failures throw account_error.
#pragma once

#include <filesystem>
#include <map>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct stat;

namespace l7::app {

class account_error : public std::runtime_error {
 public:
  enum class kind { invalid_name, invalid_password, exists, not_found, io };
  account_error(kind k, const std::string& what) : std::runtime_error(what), kind_(k) {}
  kind code() const { return kind_; }

 private:
  kind kind_;
};

class account_store {
 public:
  // Does no I/O; the directories are created by the first add().
  explicit account_store(std::filesystem::path data_dir);

  // Adds an account and creates its home directory <data>/home/<name>/ (mode 0750).
  // Throws account_error (invalid_name, invalid_password, exists, io).
  void add(std::string_view name, std::string_view password);
  // Removes the account; its home directory and files stay. Throws (not_found, io).
  void remove(std::string_view name);
  // Throws (invalid_password, not_found, io).
  void set_password(std::string_view name, std::string_view password);

  // Account names, sorted.
  std::vector<std::string> list() const;
  bool exists(std::string_view name) const;
  // True when the account exists and the password matches. Takes about the same time for
  // unknown names (a dummy hash is checked) and compares hashes in constant time. Never
  // throws for bad input: an unreadable file or invalid name is a failed login.
  bool verify(std::string_view name, std::string_view password) const;
  // <data>/home/<name>; throws invalid_name.
  std::filesystem::path home(std::string_view name) const;

  static bool valid_name(std::string_view name);
  static bool valid_password(std::string_view password);

 private:
  struct file_stamp {
    unsigned long long inode = 0, size = 0;
    long long mtime_ns = -1;
    friend bool operator==(const file_stamp&, const file_stamp&) = default;
  };
  using entries = std::map<std::string, std::string, std::less<>>;

  static file_stamp stamp_of(const struct ::stat& st);

  // Re-reads the file if it changed since the last read. Throws account_error(io).
  void refresh() const;
  // Runs `change` on a fresh copy of the entries under the file lock, then writes them.
  template <class F>
  void modify(F&& change);
  void write_file(const entries& e) const;
  entries read_file(file_stamp& stamp) const;

  std::filesystem::path data_dir_;
  std::filesystem::path dir_;   // <data>/accounts
  std::filesystem::path file_;  // <data>/accounts/passwd
  mutable std::shared_mutex mu_;
  mutable entries entries_;
  mutable file_stamp stamp_;
};

}  // namespace l7::app
