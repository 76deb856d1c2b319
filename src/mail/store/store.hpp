// The mail store shared by SMTP, POP3, IMAP and the capture inbox (namespace l7::mail).
//
// Layout (docs/mail-store.md): <data>/mail/<user>/ is a user's Maildir++ root (INBOX, with
// ".Name" folders beside cur/ new/ tmp/), <data>/capture/ the capture mailbox (INBOX only).
// Each folder has its SQLite index l7-index.sqlite; the files are the truth.
//
// Ownership and threads: a store owns its account objects (one per user, created on first
// use) and hands them out as shared_ptr; accounts own their folder objects, each with its
// SQLite index open (3 file descriptors and its page cache). Accounts nobody uses any more
// (no one holds the account or one of its folders) are closed, least recently used first,
// once more than options::max_idle_accounts are open, so that a server that has seen
// thousands of users does not keep thousands of indexes open; an account in use (a session
// with a folder selected, IDLE included) is never closed, so every user of a folder still
// shares one folder object and its change notifications. Everything is thread-safe and blocking: call it from a thread pool.
// Destroy the store only after its callers are done with it.
//
// Errors are std::error_code of store_error (error.hpp); nothing throws for expected
// situations (bad names, full quota, missing folders, I/O failures).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>

#include "mail/store/account.hpp"
#include "mail/store/error.hpp"
#include "mail/store/folder.hpp"

namespace l7::mail {

struct delivery_info {
  std::chrono::system_clock::time_point internal_date;  // epoch (default): now
  std::string meta;  // opaque text kept in the index (capture: envelope + transcript JSON)
};

class store {
 public:
  struct options {
    std::uint64_t quota_bytes = 0, quota_messages = 0;  // per user account; 0 = no limit
    std::size_t max_idle_accounts = 64;                 // 0 = keep every account open
  };

  // No I/O until first use.
  store(std::filesystem::path data_dir, options o);

  // Durable when it returns (file fsynced, renamed into new/, directory fsynced): answer 250
  // only after success. Thread-safe. `folder` "INBOX" (case-insensitive) is the Maildir root;
  // another folder must exist (no_such_folder). `id` gets the Maildir unique name of the new
  // message, a stable id. Errors: invalid_name (user or folder), no_such_folder,
  // quota_exceeded (RFC 5321 §4.5.3.1.10: answer 552), io or corrupt (the folder cannot be
  // written or its index opened: a temporary failure, 451). Once the file is durable the
  // call succeeds even if the index update fails (the next sync indexes the file).
  std::error_code deliver(std::string_view user, std::string_view folder, std::string_view message,
                          const delivery_info& info, std::string* id = nullptr);
  // The same into the capture mailbox (no quota).
  std::error_code deliver_capture(std::string_view message, const delivery_info& info, std::string* id = nullptr);

  // A user's account, <data>/mail/<user>/ (created on first write). invalid_name unless
  // app::account_store::valid_name(user). The same object for the same user.
  std::shared_ptr<account> open_account(std::string_view user, std::error_code& ec);
  // The capture mailbox, <data>/capture/: only INBOX, no quota.
  std::shared_ptr<account> open_capture();

  const std::filesystem::path& data_dir() const { return data_dir_; }
  // User accounts open now (the capture mailbox aside).
  std::size_t open_accounts();

 private:
  struct open_account_entry {
    std::shared_ptr<account> a;
    std::uint64_t used = 0;  // clock_ at the last open_account
  };
  // Closes the least recently used idle accounts beyond max_idle_accounts. Holds mu_.
  void close_idle_locked();

  const std::filesystem::path data_dir_;
  const options options_;
  std::mutex mu_;
  std::map<std::string, open_account_entry, std::less<>> accounts_;
  std::uint64_t clock_ = 0;
  std::shared_ptr<account> capture_;
};

}  // namespace l7::mail
