#include "mail/store/store.hpp"

#include <algorithm>
#include <vector>

#include "app/accounts.hpp"

namespace l7::mail {
namespace {

std::error_code deliver_into(account& a, std::string_view folder_name, std::string_view message,
                             const delivery_info& info, std::string* id) {
  std::error_code ec;
  auto f = a.open_folder(folder_name, ec);
  if (!f) return ec;
  auto when = info.internal_date == std::chrono::system_clock::time_point{} ? std::chrono::system_clock::now()
                                                                             : info.internal_date;
  return f->append(message, {}, when, info.meta, true, nullptr, id);
}

}  // namespace

store::store(std::filesystem::path data_dir, options o) : data_dir_(std::move(data_dir)), options_(o) {}

std::error_code store::deliver(std::string_view user, std::string_view folder, std::string_view message,
                               const delivery_info& info, std::string* id) {
  std::error_code ec;
  auto a = open_account(user, ec);
  if (!a) return ec;
  return deliver_into(*a, folder, message, info, id);
}

std::error_code store::deliver_capture(std::string_view message, const delivery_info& info, std::string* id) {
  return deliver_into(*open_capture(), "INBOX", message, info, id);
}

std::shared_ptr<account> store::open_account(std::string_view user, std::error_code& ec) {
  if (!app::account_store::valid_name(user)) {
    ec = store_error::invalid_name;
    return nullptr;
  }
  std::lock_guard lk(mu_);
  auto it = accounts_.find(user);
  if (it == accounts_.end()) {
    quota_usage limits;
    limits.limit_bytes = options_.quota_bytes;
    limits.limit_messages = options_.quota_messages;
    auto a = std::make_shared<account>(data_dir_ / "mail" / std::string(user), limits, false);
    it = accounts_.emplace(std::string(user), open_account_entry{std::move(a), 0}).first;
  }
  it->second.used = ++clock_;
  auto result = it->second.a;  // held: the sweep below sees it in use
  close_idle_locked();
  ec.clear();
  return result;
}

void store::close_idle_locked() {
  const auto limit = options_.max_idle_accounts;
  if (limit == 0 || accounts_.size() <= limit) return;
  // Idle: only this table holds the account (new references come from here, under mu_, so
  // the count cannot grow meanwhile) and none of its folders is held outside it.
  std::vector<std::pair<std::uint64_t, decltype(accounts_)::iterator>> idle;
  for (auto it = accounts_.begin(); it != accounts_.end(); ++it)
    if (it->second.a.use_count() == 1 && it->second.a->unused()) idle.emplace_back(it->second.used, it);
  std::sort(idle.begin(), idle.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  std::size_t excess = accounts_.size() - limit;
  for (std::size_t i = 0; i < idle.size() && excess > 0; ++i, --excess) accounts_.erase(idle[i].second);
}

std::size_t store::open_accounts() {
  std::lock_guard lk(mu_);
  return accounts_.size();
}

std::shared_ptr<account> store::open_capture() {
  std::lock_guard lk(mu_);
  if (!capture_) capture_ = std::make_shared<account>(data_dir_ / "capture", quota_usage{}, true);
  return capture_;
}

}  // namespace l7::mail
