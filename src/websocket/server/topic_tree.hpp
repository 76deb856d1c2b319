// Subscriptions by topic filter, matched against published topic names. Topics are
// '/'-separated levels; a filter level '+' matches exactly one level and a final '#' matches
// any number of levels, none included ("a/#" matches "a"), as in MQTT 3.1.1 §4.7.
// Not thread-safe (hub.hpp locks around it). Values are compared with an id function so a
// subscriber appears once per filter.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.hpp"

namespace l7::websocket::server {

// '#' only as the whole last level, '+' only as a whole level, no empty filter.
inline bool valid_topic_filter(std::string_view filter) {
  if (filter.empty()) return false;
  auto levels = split(filter, '/');
  for (std::size_t i = 0; i < levels.size(); ++i) {
    auto l = levels[i];
    if (l == "#") {
      if (i + 1 != levels.size()) return false;
    } else if (l != "+" && l.find_first_of("+#") != std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// A name to publish to: not empty, no wildcards.
inline bool valid_topic_name(std::string_view topic) {
  return !topic.empty() && topic.find_first_of("+#") == std::string_view::npos;
}

template <typename T>
class topic_tree {
 public:
  using id_fn = std::function<std::uint64_t(const T&)>;
  explicit topic_tree(id_fn id) : id_(std::move(id)) {}

  // Adds `v` under `filter` (replacing a value with the same id there).
  void add(std::string_view filter, const T& v) {
    node* n = &root_;
    for (auto level : split(filter, '/')) {
      auto it = n->children.find(level);
      if (it == n->children.end())
        it = n->children.emplace(std::string(level), std::make_unique<node>()).first;
      n = it->second.get();
    }
    erase_id(n->values, id_(v));
    n->values.push_back(v);
  }

  // Removes the value with this id from `filter`, and nodes left empty.
  void remove(std::string_view filter, std::uint64_t id) {
    auto levels = split(filter, '/');
    std::vector<node*> path{&root_};
    for (auto level : levels) {
      auto it = path.back()->children.find(level);
      if (it == path.back()->children.end()) return;
      path.push_back(it->second.get());
    }
    erase_id(path.back()->values, id);
    for (std::size_t i = levels.size(); i > 0; --i) {
      if (!path[i]->values.empty() || !path[i]->children.empty()) break;
      path[i - 1]->children.erase(path[i - 1]->children.find(levels[i - 1]));
    }
  }

  // Every value whose filter matches `topic`; a value under several matching filters appears
  // once per filter (callers deduplicate by id when that matters).
  void match(std::string_view topic, std::vector<T>& out) const {
    collect(root_, split(topic, '/'), 0, out);
  }

  bool empty() const { return root_.children.empty() && root_.values.empty(); }

 private:
  struct node {
    std::map<std::string, std::unique_ptr<node>, std::less<>> children;
    std::vector<T> values;
  };

  void erase_id(std::vector<T>& v, std::uint64_t id) const {
    std::erase_if(v, [&](const T& x) { return id_(x) == id; });
  }

  static void collect(const node& n, const std::vector<std::string_view>& levels, std::size_t at,
                      std::vector<T>& out) {
    if (auto it = n.children.find("#"); it != n.children.end())
      out.insert(out.end(), it->second->values.begin(), it->second->values.end());
    if (at == levels.size()) {
      out.insert(out.end(), n.values.begin(), n.values.end());
      return;
    }
    if (auto it = n.children.find(levels[at]); it != n.children.end())
      collect(*it->second, levels, at + 1, out);
    if (auto it = n.children.find("+"); it != n.children.end())
      collect(*it->second, levels, at + 1, out);
  }

  id_fn id_;
  node root_;
};

}  // namespace l7::websocket::server
