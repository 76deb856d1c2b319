// account: LIST, CREATE, DELETE, RENAME, SUBSCRIBE (RFC 9051 §6.3).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "app/log.hpp"
#include "mail/store/account.hpp"
#include "mail/store/error.hpp"
#include "mail/store/maildir.hpp"
#include "mail/codec/mutf7.hpp"
#include "mail/store/names.hpp"

namespace l7::mail {
namespace {

namespace fs = std::filesystem;

bool has_inferiors(const std::vector<std::string>& names, std::string_view name) {
  std::string prefix = std::string(name) + detail::hierarchy_separator;
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return n.starts_with(prefix); });
}

folder_info describe(const std::vector<std::string>& names, const std::string& name, bool selectable) {
  folder_info info;
  info.name = name;
  if (!selectable) info.attributes.emplace_back("\\Noselect");
  info.attributes.emplace_back(has_inferiors(names, name) ? "\\HasChildren" : "\\HasNoChildren");
  if (auto special = detail::special_use_of(name); !special.empty()) info.attributes.push_back(special);
  return info;
}

}  // namespace

std::error_code account::list_folders(std::vector<folder_info>& out) {
  lock lk(mu_);
  if (auto ec = init_locked()) return ec;
  auto names = folder_names();
  std::set<std::string> all(names.begin(), names.end()), real = all;
  for (const auto& n : names)
    for (auto& p : detail::parents_of(n)) all.insert(std::move(p));
  std::vector<std::string> subscribed;
  read_subscriptions(subscribed);
  std::vector<std::string> sorted(all.begin(), all.end());
  out.clear();
  out.push_back(describe(sorted, "INBOX", true));
  for (const auto& n : sorted) out.push_back(describe(sorted, n, real.count(n) > 0));
  for (auto& info : out)
    info.subscribed = std::find(subscribed.begin(), subscribed.end(), info.name) != subscribed.end();
  return {};
}

std::error_code account::create_folder(std::string_view name) {
  std::string dir_name;
  if (auto ec = check_name(name, dir_name)) return ec;
  if (dir_name.empty()) return store_error::folder_exists;
  lock lk(mu_);
  if (auto ec = init_locked()) return ec;
  if (detail::is_maildir(root_ / dir_name)) return store_error::folder_exists;
  for (const auto& p : detail::parents_of(name)) {
    auto parent = root_ / *detail::dir_name_of(p);
    if (!detail::is_maildir(parent) && detail::make_maildir(parent, true)) return store_error::io;
  }
  if (detail::make_maildir(root_ / dir_name, true) || detail::fsync_dir(root_)) return store_error::io;
  std::error_code ec;
  open_locked(std::string(name), ec);
  return ec;
}

std::error_code account::delete_folder(std::string_view name) {
  std::string dir_name;
  if (auto ec = check_name(name, dir_name)) return ec;
  if (dir_name.empty()) return store_error::invalid_name;
  lock lk(mu_);
  if (auto ec = init_locked()) return ec;
  if (!detail::is_maildir(root_ / dir_name)) return store_error::no_such_folder;
  if (has_inferiors(folder_names(), name)) return store_error::has_children;
  retire_locked(std::string(name));
  // Out of the folder namespace in one rename, then removed at leisure.
  auto trash = root_ / ("l7-deleted-" + detail::unique_name(0));
  std::error_code ec;
  fs::rename(root_ / dir_name, trash, ec);
  if (ec) return store_error::io;
  fs::remove_all(trash, ec);
  if (ec) app::logger("mail")->warn("mail store: could not remove {}: {}", trash.string(), ec.message());
  return {};
}

std::error_code account::rename_folder(std::string_view from, std::string_view to) {
  std::string from_dir, to_dir;
  if (auto ec = check_name(from, from_dir)) return ec;
  if (auto ec = check_name(to, to_dir)) return ec;
  if (from_dir.empty()) return store_error::invalid_name;
  if (to_dir.empty()) return store_error::folder_exists;
  lock lk(mu_);
  if (auto ec = init_locked()) return ec;
  if (!detail::is_maildir(root_ / from_dir)) return store_error::no_such_folder;
  if (fs::exists(root_ / to_dir)) return store_error::folder_exists;
  std::vector<std::pair<std::string, std::string>> moves;  // old name -> new name
  std::string prefix = std::string(from) + detail::hierarchy_separator;
  moves.emplace_back(from, to);
  for (const auto& n : folder_names())
    if (n.starts_with(prefix)) moves.emplace_back(n, std::string(to) + n.substr(from.size()));
  for (const auto& p : detail::parents_of(to)) {
    auto parent = root_ / *detail::dir_name_of(p);
    if (!detail::is_maildir(parent) && detail::make_maildir(parent, true)) return store_error::io;
  }
  for (const auto& [old_name, new_name] : moves) {
    retire_locked(old_name);
    std::error_code ec;
    fs::rename(root_ / *detail::dir_name_of(old_name), root_ / *detail::dir_name_of(new_name), ec);
    if (ec) return store_error::io;
  }
  detail::fsync_dir(root_);
  std::error_code ec;
  for (const auto& [old_name, new_name] : moves) open_locked(new_name, ec);
  return {};
}

std::error_code account::subscribe(std::string_view name) {
  std::string dir_name;
  if (auto ec = check_name(name, dir_name)) return ec;
  lock lk(mu_);
  std::vector<std::string> names;
  if (auto ec = read_subscriptions(names)) return ec;
  std::string canonical = dir_name.empty() ? "INBOX" : std::string(name);
  if (std::find(names.begin(), names.end(), canonical) != names.end()) return {};
  names.push_back(canonical);
  return write_subscriptions(names);
}

std::error_code account::unsubscribe(std::string_view name) {
  lock lk(mu_);
  std::vector<std::string> names;
  if (auto ec = read_subscriptions(names)) return ec;
  std::string canonical = detail::is_inbox(name) ? "INBOX" : std::string(name);
  auto it = std::find(names.begin(), names.end(), canonical);
  if (it == names.end()) return store_error::no_such_folder;
  names.erase(it);
  return write_subscriptions(names);
}

std::error_code account::subscriptions(std::vector<std::string>& out) {
  lock lk(mu_);
  return read_subscriptions(out);
}

std::error_code account::read_subscriptions(std::vector<std::string>& out) const {
  std::ifstream in(root_ / "subscriptions");
  std::string line;
  while (std::getline(in, line)) {
    if (auto name = decode_mutf7(line); name && !name->empty()) out.push_back(std::move(*name));
  }
  return {};
}

// Replaced atomically: tmp/, fsync, rename.
std::error_code account::write_subscriptions(const std::vector<std::string>& names) const {
  if (!detail::is_maildir(root_) && detail::make_maildir(root_, false)) return store_error::io;
  std::string text;
  for (const auto& n : names) text += *encode_mutf7(n) + "\n";
  auto tmp = root_ / "tmp" / ("subscriptions." + detail::unique_name(text.size()));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return store_error::io;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), (root_ / "subscriptions").c_str()) != 0) {
    ::unlink(tmp.c_str());
    return store_error::io;
  }
  return {};
}

}  // namespace l7::mail
