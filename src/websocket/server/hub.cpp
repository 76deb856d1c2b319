#include "websocket/server/hub.hpp"

#include <algorithm>


namespace l7::websocket::server {
namespace {

void remove_id(std::vector<handle>& v, std::uint64_t id) {
  std::erase_if(v, [id](const handle& h) { return h.id() == id; });
}

}  // namespace

void hub::join(const std::string& room, const handle& member) {
  std::lock_guard lock(mu_);
  auto& v = rooms_[room];
  remove_id(v, member.id());
  v.push_back(member);
}

void hub::leave(const std::string& room, std::uint64_t member_id) {
  std::lock_guard lock(mu_);
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return;
  remove_id(it->second, member_id);
  if (it->second.empty()) rooms_.erase(it);
}

std::size_t hub::room_size(const std::string& room) const {
  std::lock_guard lock(mu_);
  auto it = rooms_.find(room);
  return it == rooms_.end() ? 0 : it->second.size();
}

std::size_t hub::broadcast(const std::string& room, opcode op,
                           std::shared_ptr<const std::string> payload) {
  std::vector<handle> members;
  {
    std::lock_guard lock(mu_);
    auto it = rooms_.find(room);
    if (it == rooms_.end()) return 0;
    members = it->second;
  }
  // Sent outside the lock: a receiver on this thread runs send() inline.
  for (const auto& m : members) m.send(op, payload);
  return members.size();
}

void hub::subscribe(const std::string& filter, const handle& subscriber) {
  std::lock_guard lock(mu_);
  topics_.add(filter, subscriber);
  auto& mine = filters_of_[subscriber.id()];
  if (std::find(mine.begin(), mine.end(), filter) == mine.end()) mine.push_back(filter);
}

void hub::unsubscribe(const std::string& filter, std::uint64_t subscriber_id) {
  std::lock_guard lock(mu_);
  topics_.remove(filter, subscriber_id);
  auto it = filters_of_.find(subscriber_id);
  if (it != filters_of_.end()) {
    std::erase(it->second, filter);
    if (it->second.empty()) filters_of_.erase(it);
  }
}

void hub::unsubscribe_all(std::uint64_t subscriber_id) {
  std::vector<std::string> filters;
  {
    std::lock_guard lock(mu_);
    auto it = filters_of_.find(subscriber_id);
    if (it == filters_of_.end()) return;
    filters = it->second;
  }
  for (const auto& f : filters) unsubscribe(f, subscriber_id);
}

std::size_t hub::publish(std::string_view topic, opcode op, std::shared_ptr<const std::string> payload) {
  std::vector<handle> receivers;
  {
    std::lock_guard lock(mu_);
    topics_.match(topic, receivers);
  }
  // A subscriber whose filters overlap gets the message once.
  std::sort(receivers.begin(), receivers.end(),
            [](const handle& a, const handle& b) { return a.id() < b.id(); });
  receivers.erase(std::unique(receivers.begin(), receivers.end(),
                              [](const handle& a, const handle& b) { return a.id() == b.id(); }),
                  receivers.end());
  for (const auto& r : receivers) r.send(op, payload);
  return receivers.size();
}

}  // namespace l7::websocket::server
