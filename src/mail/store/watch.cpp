#include "mail/store/watch.hpp"

#include <utility>
#include <vector>

namespace l7::mail {
namespace detail {

std::uint64_t watch_list::add(change_callback cb) {
  std::lock_guard lk(mu_);
  callbacks_.emplace(next_id_, std::move(cb));
  return next_id_++;
}

void watch_list::remove(std::uint64_t id) {
  std::lock_guard lk(mu_);
  callbacks_.erase(id);
}

void watch_list::notify(const std::string& folder, std::uint64_t modseq) {
  std::vector<change_callback> copy;
  {
    std::lock_guard lk(mu_);
    for (const auto& [id, cb] : callbacks_) copy.push_back(cb);
  }
  for (const auto& cb : copy) cb(folder, modseq);
}

}  // namespace detail

watch_handle::watch_handle(watch_handle&& o) noexcept : list_(std::move(o.list_)), id_(std::exchange(o.id_, 0)) {}

watch_handle& watch_handle::operator=(watch_handle&& o) noexcept {
  if (this != &o) {
    reset();
    list_ = std::move(o.list_);
    id_ = std::exchange(o.id_, 0);
  }
  return *this;
}

watch_handle::~watch_handle() { reset(); }

void watch_handle::reset() {
  if (auto l = list_.lock(); l && id_) l->remove(id_);
  list_.reset();
  id_ = 0;
}

}  // namespace l7::mail
