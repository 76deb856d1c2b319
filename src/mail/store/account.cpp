// account: the folder table and quota. Folder management is in account_folders.cpp.
#include "mail/store/account.hpp"

#include <dirent.h>

#include <algorithm>

#include "app/log.hpp"
#include "mail/store/error.hpp"
#include "mail/store/maildir.hpp"
#include "mail/store/names.hpp"

namespace l7::mail {

account::account(std::filesystem::path root, quota_usage limits, bool capture)
    : root_(std::move(root)),
      capture_(capture),
      quota_(std::make_shared<detail::quota_tracker>(limits.limit_bytes, limits.limit_messages)) {}

// Creates the root Maildir if needed and opens every folder, so that the quota tracker holds
// the whole account's usage before the first delivery is checked against it.
std::error_code account::init_locked() {
  if (initialized_) return {};
  if (!detail::is_maildir(root_))
    if (auto ec = detail::make_maildir(root_, false)) return store_error::io;
  std::error_code ec;
  if (!open_locked("INBOX", ec)) return ec;
  for (const auto& name : folder_names())  // a broken folder must not block INBOX
    if (!open_locked(name, ec) && ec != store_error::no_such_folder)
      app::logger("mail")->warn("mail store: folder {} of {} cannot be opened: {}", name, root_.string(), ec.message());
  initialized_ = true;
  return {};
}

std::shared_ptr<folder> account::open_locked(const std::string& name, std::error_code& ec) {
  if (auto it = folders_.find(name); it != folders_.end()) return it->second;
  std::filesystem::path dir = root_;
  if (name != "INBOX") dir /= *detail::dir_name_of(name);
  auto f = folder::open(name, dir, ec);
  if (!f) return nullptr;
  f->attach_quota(quota_);
  folders_.emplace(name, f);
  return f;
}

std::error_code account::check_name(std::string_view name, std::string& dir_name) const {
  if (detail::is_inbox(name)) {
    dir_name.clear();
    return {};
  }
  auto d = detail::dir_name_of(name);
  if (!d || capture_) return store_error::invalid_name;
  dir_name = *d;
  return {};
}

std::shared_ptr<folder> account::open_folder(std::string_view name, std::error_code& ec) {
  std::string dir_name;
  if ((ec = check_name(name, dir_name))) return nullptr;
  lock lk(mu_);
  if ((ec = init_locked())) return nullptr;
  return open_locked(dir_name.empty() ? std::string("INBOX") : std::string(name), ec);
}

bool account::unused() {
  lock lk(mu_, std::try_to_lock);
  if (!lk.owns_lock()) return false;
  return std::all_of(folders_.begin(), folders_.end(), [](const auto& f) { return f.second.use_count() == 1; });
}

std::error_code account::quota(quota_usage& out) {
  lock lk(mu_);
  if (auto ec = init_locked()) return ec;
  out = quota_->usage();
  return {};
}

// Folder names found on disk (directories ".<mutf7>" that are Maildirs), sorted.
std::vector<std::string> account::folder_names() const {
  std::vector<std::string> out;
  DIR* d = ::opendir(root_.c_str());
  if (!d) return out;
  while (auto* e = ::readdir(d)) {
    auto name = detail::folder_of_dir(e->d_name);
    if (name && detail::is_maildir(root_ / e->d_name)) out.push_back(std::move(*name));
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

void account::retire_locked(const std::string& name) {
  if (auto it = folders_.find(name); it != folders_.end()) {
    it->second->retire();
    folders_.erase(it);
  }
}

}  // namespace l7::mail
