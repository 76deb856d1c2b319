#include "websocket/server/endpoints.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "http/codec/url.hpp"

namespace l7::websocket::server {
namespace {

constexpr std::size_t max_room_name = 128;

std::string reply(std::string_view key, const nlohmann::json& value) {
  nlohmann::json j;
  j[std::string(key)] = value;
  return j.dump();
}

}  // namespace

void echo_app::on_message(connection& c, const message_event& m) { c.send(m.op, m.payload); }

void chat_app::on_open(connection& c) {
  std::string_view rest = c.info().path;
  rest.remove_prefix(std::min(rest.size(), base_.size()));
  while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  std::string room(rest);
  if (room.empty()) room = http::query_param(c.info().query, "room").value_or("");
  if (room.empty()) room = "lobby";
  if (room.size() > max_room_name) room.resize(max_room_name);
  hub_.join(room, handle(c));
}

void chat_app::on_message(connection& c, const message_event& m) {
  hub_.broadcast_from(c.id(), m.op, std::make_shared<const std::string>(m.text()));
}

void chat_app::on_close(connection& c) { hub_.leave(c.id()); }

void pubsub_app::on_message(connection& c, const message_event& m) {
  if (m.op != opcode::text) {
    c.close(1003, "pubsub takes JSON text messages");
    return;
  }
  auto j = nlohmann::json::parse(m.text(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    c.send_text(reply("error", "not a JSON object"));
    return;
  }
  auto text_field = [&](const char* key) -> std::optional<std::string> {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  if (auto f = text_field("subscribe")) {
    if (!valid_topic_filter(*f)) return (void)c.send_text(reply("error", "invalid topic filter"));
    hub_.subscribe(*f, handle(c));
    c.send_text(reply("subscribed", *f));
  } else if (auto f = text_field("unsubscribe")) {
    hub_.unsubscribe(*f, c.id());
    c.send_text(reply("unsubscribed", *f));
  } else if (auto t = text_field("publish")) {
    if (!valid_topic_name(*t)) return (void)c.send_text(reply("error", "invalid topic name"));
    nlohmann::json out{{"topic", *t}, {"data", j.contains("data") ? j["data"] : nlohmann::json()}};
    auto n = hub_.publish(*t, opcode::text, std::make_shared<const std::string>(out.dump()));
    c.send_text(nlohmann::json{{"published", *t}, {"receivers", n}}.dump());
  } else {
    c.send_text(reply("error", "expected subscribe, unsubscribe or publish"));
  }
}

void pubsub_app::on_close(connection& c) { hub_.unsubscribe_all(c.id()); }

}  // namespace l7::websocket::server
