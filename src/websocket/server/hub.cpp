#include "websocket/server/hub.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace l7::websocket::server {
namespace {

std::vector<std::string_view> levels_of(std::string_view s) { return split(s, '/'); }

void remove_id(std::vector<handle>& v, std::uint64_t id) {
  std::erase_if(v, [id](const handle& h) { return h.id() == id; });
}

}  // namespace

bool valid_topic_filter(std::string_view filter) {
  if (filter.empty()) return false;
  auto levels = levels_of(filter);
  for (std::size_t i = 0; i < levels.size(); ++i) {
    auto l = levels[i];
    if (l == "#") {
      if (i + 1 != levels.size()) return false;
    } else if (l != "+" && (l.find('+') != std::string_view::npos || l.find('#') != std::string_view::npos)) {
      return false;
    }
  }
  return true;
}

bool valid_topic_name(std::string_view topic) {
  return !topic.empty() && topic.find_first_of("+#") == std::string_view::npos;
}

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
  node* n = &topics_;
  for (auto level : levels_of(filter)) {
    auto it = n->children.find(level);
    if (it == n->children.end())
      it = n->children.emplace(std::string(level), std::make_unique<node>()).first;
    n = it->second.get();
  }
  remove_id(n->subscribers, subscriber.id());
  n->subscribers.push_back(subscriber);
  auto& mine = filters_of_[subscriber.id()];
  if (std::find(mine.begin(), mine.end(), filter) == mine.end()) mine.push_back(filter);
}

void hub::prune(const std::string& filter) {
  // Drops the nodes of `filter` that have neither subscribers nor children, deepest first.
  auto levels = levels_of(filter);
  std::vector<node*> path{&topics_};
  for (auto level : levels) {
    auto it = path.back()->children.find(level);
    if (it == path.back()->children.end()) return;
    path.push_back(it->second.get());
  }
  for (std::size_t i = levels.size(); i > 0; --i) {
    node* n = path[i];
    if (!n->subscribers.empty() || !n->children.empty()) return;
    auto it = path[i - 1]->children.find(levels[i - 1]);
    path[i - 1]->children.erase(it);
  }
}

void hub::unsubscribe(const std::string& filter, std::uint64_t subscriber_id) {
  std::lock_guard lock(mu_);
  node* n = &topics_;
  for (auto level : levels_of(filter)) {
    auto it = n->children.find(level);
    if (it == n->children.end()) return;
    n = it->second.get();
  }
  remove_id(n->subscribers, subscriber_id);
  prune(filter);
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

void hub::collect(const node& n, const std::vector<std::string_view>& levels, std::size_t at,
                  std::vector<handle>& out) {
  if (auto it = n.children.find("#"); it != n.children.end())  // matches the rest, even nothing
    out.insert(out.end(), it->second->subscribers.begin(), it->second->subscribers.end());
  if (at == levels.size()) {
    out.insert(out.end(), n.subscribers.begin(), n.subscribers.end());
    return;
  }
  if (auto it = n.children.find(levels[at]); it != n.children.end())
    collect(*it->second, levels, at + 1, out);
  if (auto it = n.children.find("+"); it != n.children.end()) collect(*it->second, levels, at + 1, out);
}

std::size_t hub::publish(std::string_view topic, opcode op, std::shared_ptr<const std::string> payload) {
  std::vector<handle> receivers;
  {
    std::lock_guard lock(mu_);
    collect(topics_, levels_of(topic), 0, receivers);
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
