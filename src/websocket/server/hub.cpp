#include "websocket/server/hub.hpp"

#include <algorithm>


namespace l7::websocket::server {
namespace {

void remove_id(std::vector<handle>& v, std::uint64_t id) {
  std::erase_if(v, [id](const handle& h) { return h.id() == id; });
}

}  // namespace

void hub::join(const std::string& room, const handle& member) {
  leave(member.id());
  std::lock_guard lock(mu_);
  rooms_[room].push_back(member);
  room_of_[member.id()] = room;
}

void hub::leave(std::uint64_t member_id) {
  std::lock_guard lock(mu_);
  auto at = room_of_.find(member_id);
  if (at == room_of_.end()) return;
  auto it = rooms_.find(at->second);
  room_of_.erase(at);
  if (it == rooms_.end()) return;
  remove_id(it->second, member_id);
  if (it->second.empty()) rooms_.erase(it);
}

std::size_t hub::broadcast_from(std::uint64_t member_id, opcode op,
                                std::shared_ptr<const std::string> payload) {
  std::vector<handle> members;
  {
    std::lock_guard lock(mu_);
    auto at = room_of_.find(member_id);
    if (at == room_of_.end()) return 0;
    members = rooms_[at->second];
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
