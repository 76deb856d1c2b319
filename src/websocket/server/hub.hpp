// Fan-out shared by every worker: chat rooms and a topic tree for publish/subscribe.
// Thread-safe (one mutex); members are `handle`s, so delivery is marshalled to each
// receiver's own event loop and a slow receiver only affects itself (its send queue caps it,
// connection.hpp). Payloads are shared, not copied, across receivers.
//
// Topics and filters: topic_tree.hpp.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "websocket/server/connection.hpp"
#include "websocket/server/topic_tree.hpp"

namespace l7::websocket::server {

class hub {
 public:
  // Rooms. A member is in one room at a time (joining another leaves the first).
  void join(const std::string& room, const handle& member);
  void leave(std::uint64_t member_id);
  // Sends to every member of `member_id`'s room (itself included); returns how many.
  std::size_t broadcast_from(std::uint64_t member_id, opcode op,
                             std::shared_ptr<const std::string> payload);

  // Topics. subscribe() with the same filter twice keeps one subscription.
  void subscribe(const std::string& filter, const handle& subscriber);
  void unsubscribe(const std::string& filter, std::uint64_t subscriber_id);
  void unsubscribe_all(std::uint64_t subscriber_id);
  std::size_t publish(std::string_view topic, opcode op, std::shared_ptr<const std::string> payload);

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::vector<handle>> rooms_;
  std::unordered_map<std::uint64_t, std::string> room_of_;
  topic_tree<handle> topics_{[](const handle& h) { return h.id(); }};
  std::unordered_map<std::uint64_t, std::vector<std::string>> filters_of_;  // for unsubscribe_all
};

}  // namespace l7::websocket::server
