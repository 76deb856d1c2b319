#include "mail/store/quota.hpp"

#include <algorithm>

#include "mail/store/error.hpp"

namespace l7::mail::detail {
namespace {

std::uint64_t add_signed(std::uint64_t v, std::int64_t d) {
  if (d < 0 && static_cast<std::uint64_t>(-d) > v) return 0;
  return v + static_cast<std::uint64_t>(d);
}

}  // namespace

quota_tracker::quota_tracker(std::uint64_t limit_bytes, std::uint64_t limit_messages) {
  u_.limit_bytes = limit_bytes;
  u_.limit_messages = limit_messages;
}

std::error_code quota_tracker::reserve(std::uint64_t bytes, std::uint64_t messages) {
  std::lock_guard lk(mu_);
  if (u_.limit_bytes && u_.bytes + reserved_bytes_ + bytes > u_.limit_bytes) return store_error::quota_exceeded;
  if (u_.limit_messages && u_.messages + reserved_messages_ + messages > u_.limit_messages)
    return store_error::quota_exceeded;
  reserved_bytes_ += bytes;
  reserved_messages_ += messages;
  return {};
}

void quota_tracker::release(std::uint64_t bytes, std::uint64_t messages) {
  std::lock_guard lk(mu_);
  reserved_bytes_ -= std::min(bytes, reserved_bytes_);
  reserved_messages_ -= std::min(messages, reserved_messages_);
}

void quota_tracker::apply(std::int64_t bytes, std::int64_t messages) {
  std::lock_guard lk(mu_);
  u_.bytes = add_signed(u_.bytes, bytes);
  u_.messages = add_signed(u_.messages, messages);
}

quota_usage quota_tracker::usage() const {
  std::lock_guard lk(mu_);
  return u_;
}

}  // namespace l7::mail::detail
