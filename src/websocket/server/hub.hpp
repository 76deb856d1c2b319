// Fan-out shared by every worker: chat rooms and a topic tree for publish/subscribe.
// Thread-safe (one mutex); members are `handle`s, so delivery is marshalled to each
// receiver's own event loop and a slow receiver only affects itself (its send queue caps it,
// connection.hpp). Payloads are shared, not copied, across receivers.
//
// Topics are '/'-separated levels; filters may use MQTT's wildcards: '+' matches one level,
// a final '#' matches any number of levels, including none (so "a/#" matches "a").
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "websocket/server/connection.hpp"

namespace l7::websocket::server {

// True when `filter` is well-formed: '#' only as the last level, wildcards alone in their level.
bool valid_topic_filter(std::string_view filter);
// True when `topic` is a valid topic name to publish to (non-empty, no wildcards).
bool valid_topic_name(std::string_view topic);

class hub {
 public:
  // Rooms.
  void join(const std::string& room, const handle& member);
  void leave(const std::string& room, std::uint64_t member_id);
  // Returns how many members it was sent to.
  std::size_t broadcast(const std::string& room, opcode op, std::shared_ptr<const std::string> payload);
  std::size_t room_size(const std::string& room) const;

  // Topics. subscribe() with the same filter twice keeps one subscription.
  void subscribe(const std::string& filter, const handle& subscriber);
  void unsubscribe(const std::string& filter, std::uint64_t subscriber_id);
  void unsubscribe_all(std::uint64_t subscriber_id);
  std::size_t publish(std::string_view topic, opcode op, std::shared_ptr<const std::string> payload);

 private:
  struct node {
    std::map<std::string, std::unique_ptr<node>, std::less<>> children;
    std::vector<handle> subscribers;
  };
  static void collect(const node& n, const std::vector<std::string_view>& levels, std::size_t at,
                      std::vector<handle>& out);
  void prune(const std::string& filter);

  mutable std::mutex mu_;
  std::unordered_map<std::string, std::vector<handle>> rooms_;
  node topics_;
  std::unordered_map<std::uint64_t, std::vector<std::string>> filters_of_;  // for unsubscribe_all
};

}  // namespace l7::websocket::server
