// The SCRAM-SHA-256 keys of the accounts (RFC 5802 §5.1: StoredKey and ServerKey, with the
// salt and iteration count), beside the account database of app/accounts.hpp.
//
// Storage: <data>/accounts/scram (mode 0600), one line per account in the format of RFC 5803
// §3 with SHA-256: "name:SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>" (base64),
// the form PostgreSQL also uses. Neither the password nor SaltedPassword is stored; the
// yescrypt hash in <data>/accounts/passwd stays the verifier of PLAIN, LOGIN and every other
// protocol. account_store writes this file under its passwd lock when a password is set
// (add, set_password) and drops the line on remove; the line is removed before passwd changes
// and written after, so a crash in between leaves an account without SCRAM, never with keys
// of an old password. Accounts whose password was set before this file existed have no line:
// they log in with PLAIN/LOGIN, and SCRAM fails for them until the password is set again.
//
// Unknown names (and accounts without keys) get stable fake keys derived with HMAC-SHA-256
// from a secret in <data>/accounts/scram.secret (0600, made on first use), so that the salt
// and iteration count do not tell which accounts exist (RFC 5802 §9).
// All members are safe to call from several threads at once; lookups re-read the file when it
// changed, as account_store does.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/scram.hpp"

namespace l7::app {

// PBKDF2 rounds for new keys: 5x RFC 7677's floor of 4096. Every SCRAM login costs the client
// this many HMAC pairs (milliseconds), every guess against a stolen file costs the same.
inline constexpr std::uint32_t scram_iterations = 20'000;

// The keys for `password` with a fresh 16-byte salt from the CSPRNG; nullopt when the
// password fails SASLprep (core/saslprep.hpp), as one with control characters does.
std::optional<scram::keys> make_scram_keys(std::string_view password);

// RFC 5803 §3 text of `k`, and back (nullopt when malformed).
std::string format_scram_keys(const scram::keys& k);
std::optional<scram::keys> parse_scram_keys(std::string_view text);

// Sets (keys) or removes (nullopt) the line of `name` in <accounts_dir>/scram: temporary file
// 0600, fsync, rename. The caller holds the account database's lock. Throws account_error(io).
void update_scram_file(const std::filesystem::path& accounts_dir, std::string_view name,
                       const std::optional<scram::keys>& k);

class scram_accounts {
 public:
  // Does no I/O until the first lookup.
  explicit scram_accounts(std::filesystem::path data_dir);

  // The account's keys, or nullopt (no account, or no keys stored for it).
  std::optional<scram::keys> find(std::string_view name) const;
  // find(), or the fake keys of `name` when there are none. Never throws: an unreadable file
  // means fake keys (a failed login).
  scram::keys lookup(std::string_view name) const;

 private:
  struct stamp {
    unsigned long long inode = 0, size = 0;
    long long mtime_ns = -1;
    friend bool operator==(const stamp&, const stamp&) = default;
  };
  void refresh() const;
  const std::string& secret() const;

  std::filesystem::path dir_;
  mutable std::mutex mu_;
  mutable std::map<std::string, scram::keys, std::less<>> keys_;
  mutable stamp stamp_;
  mutable std::string secret_;
};

}  // namespace l7::app
