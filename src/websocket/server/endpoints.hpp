// The built-in endpoints (docs/websocket.md):
//   echo    every message comes back as it was sent (text stays text, binary stays binary);
//   chat    rooms: every message goes to every member of the room, the sender included; the
//           room is the path below the chat path (/ws/chat/lobby) or ?room=, else "lobby";
//   pubsub  JSON commands over text messages:
//             {"subscribe": "sensors/+/temp"}   -> {"subscribed": "sensors/+/temp"}
//             {"unsubscribe": "sensors/+/temp"} -> {"unsubscribed": "sensors/+/temp"}
//             {"publish": "sensors/k/temp", "data": <any JSON>}
//                 -> subscribers get {"topic": "sensors/k/temp", "data": ...};
//                    the publisher gets {"published": "sensors/k/temp", "receivers": N}
//           bad commands get {"error": "..."}; binary messages are refused with 1003.
#pragma once

#include <memory>

#include "websocket/server/connection.hpp"
#include "websocket/server/hub.hpp"

namespace l7::websocket::server {

class echo_app : public application {
 public:
  void on_message(connection& c, const message_event& m) override;
};

class chat_app : public application {
 public:
  chat_app(hub& h, std::string base_path) : hub_(h), base_(std::move(base_path)) {}
  void on_open(connection& c) override;
  void on_message(connection& c, const message_event& m) override;
  void on_close(connection& c) override;

 private:
  hub& hub_;
  std::string base_;
};

class pubsub_app : public application {
 public:
  explicit pubsub_app(hub& h) : hub_(h) {}
  void on_message(connection& c, const message_event& m) override;
  void on_close(connection& c) override;

 private:
  hub& hub_;
};

}  // namespace l7::websocket::server
