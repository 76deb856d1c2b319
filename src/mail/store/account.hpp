// One Maildir++ root: a user's mailbox (<data>/mail/<user>/) or the capture mailbox
// (<data>/capture/, INBOX only). Handed out by store as std::shared_ptr; every user of the
// same account shares this object and, through it, the same folder objects.
//
// Threads: all members are thread-safe and blocking. The account mutex guards the folder
// table and structural changes (create/delete/rename, subscriptions); folder operations take
// only their folder's mutex. Lock order: account -> folder -> quota/watchers.
//
// Folder names: UTF-8, '.' as hierarchy separator, "INBOX" case-insensitive (names.hpp).
// Errors: invalid_name, no_such_folder, folder_exists, has_children, quota_exceeded, io.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "mail/store/folder.hpp"
#include "mail/store/quota.hpp"

namespace l7::mail {

// One LIST answer line (RFC 9051 §7.3.1): the name and its attributes, among \HasChildren,
// \HasNoChildren, \Noselect (a superior that only exists because of its inferiors) and the
// SPECIAL-USE attributes of RFC 6154 §2 for Sent, Drafts, Trash, Junk and Archive.
struct folder_info {
  std::string name;
  std::vector<std::string> attributes;
  bool subscribed = false;  // LIST-EXTENDED's \Subscribed (RFC 5258 §3.4)
};

class account {
 public:
  // No I/O; the Maildir root is created when first used. `capture` allows INBOX only.
  account(std::filesystem::path root, quota_usage limits, bool capture);

  const std::filesystem::path& root() const { return root_; }

  // The shared folder object; opens (and syncs) it on first use.
  std::shared_ptr<folder> open_folder(std::string_view name, std::error_code& ec);

  std::error_code list_folders(std::vector<folder_info>& out);
  // RFC 9051 §6.3.4: creates missing superiors too. INBOX and existing names: folder_exists.
  std::error_code create_folder(std::string_view name);
  // RFC 9051 §6.3.5; INBOX: invalid_name; a folder with inferiors: has_children.
  std::error_code delete_folder(std::string_view name);
  // RFC 9051 §6.3.6: inferiors move along. Renaming INBOX is not supported (invalid_name).
  // Folder objects of the old names are retired (later calls: no_such_folder).
  std::error_code rename_folder(std::string_view from, std::string_view to);

  // <root>/subscriptions: one name per line, modified UTF-7 (RFC 9051 §6.3.7, §6.3.8).
  std::error_code subscribe(std::string_view name);
  std::error_code unsubscribe(std::string_view name);
  std::error_code subscriptions(std::vector<std::string>& out);

  // RFC 9208 §5: STORAGE (bytes) and MESSAGE usage with the limits.
  std::error_code quota(quota_usage& out);
  // True when no folder object of this account is held outside it (the store may then close
  // the account); false as well while another thread is inside the account.
  bool unused();

 private:
  using lock = std::unique_lock<std::mutex>;
  std::error_code init_locked();
  std::shared_ptr<folder> open_locked(const std::string& name, std::error_code& ec);
  std::error_code check_name(std::string_view name, std::string& dir_name) const;
  std::error_code read_subscriptions(std::vector<std::string>& out) const;
  std::error_code write_subscriptions(const std::vector<std::string>& names) const;
  std::vector<std::string> folder_names() const;
  void retire_locked(const std::string& name);

  const std::filesystem::path root_;
  const bool capture_;
  std::mutex mu_;
  bool initialized_ = false;
  std::map<std::string, std::shared_ptr<folder>> folders_;  // "INBOX" or the UTF-8 name
  std::shared_ptr<detail::quota_tracker> quota_;
};

}  // namespace l7::mail
