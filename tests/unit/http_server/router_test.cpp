#include "http/server/router.hpp"

#include <gtest/gtest.h>

namespace l7::http::server {
namespace {

handler noop() {
  return [](exchange&) -> net::awaitable<void> { co_return; };
}

TEST(router, exact_routes_and_methods) {
  router r;
  r.add({"GET", "HEAD"}, "/metrics", noop());
  auto m = r.match("GET", "/metrics");
  ASSERT_NE(m.found, nullptr);
  EXPECT_EQ(m.found->path, "/metrics");
  EXPECT_FALSE(m.allow);

  auto wrong = r.match("POST", "/metrics");
  EXPECT_EQ(wrong.found, nullptr);
  ASSERT_TRUE(wrong.allow);
  EXPECT_EQ(*wrong.allow, "GET, HEAD");  // RFC 9110 §15.5.6: 405 lists what is allowed

  auto none = r.match("GET", "/metrics/x");  // exact routes do not match longer paths
  EXPECT_EQ(none.found, nullptr);
  EXPECT_FALSE(none.allow);  // unrouted: the fallback (static files) answers
}

TEST(router, longest_prefix_wins_and_any_method) {
  router r;
  r.add_prefix({}, "/ws/", noop());
  r.add_prefix({"GET"}, "/ws/chat/", noop());
  auto chat = r.match("GET", "/ws/chat/room1");
  ASSERT_NE(chat.found, nullptr);
  EXPECT_EQ(chat.found->path, "/ws/chat/");
  auto echo = r.match("PUT", "/ws/echo");
  ASSERT_NE(echo.found, nullptr);
  EXPECT_EQ(echo.found->path, "/ws/");
}

TEST(router, a_longer_route_with_the_wrong_method_answers_405) {
  router r;
  r.add_prefix({}, "/api/", noop());
  r.add({"POST"}, "/api/send", noop());
  auto m = r.match("GET", "/api/send");
  EXPECT_EQ(m.found, nullptr);
  ASSERT_TRUE(m.allow);
  EXPECT_EQ(*m.allow, "POST");
  auto other = r.match("GET", "/api/list");
  ASSERT_NE(other.found, nullptr);
  EXPECT_EQ(other.found->path, "/api/");
}

TEST(router, allow_lists_each_method_once) {
  router r;
  r.add({"GET", "HEAD"}, "/x", noop());
  r.add({"HEAD", "PUT", "PU"}, "/x", noop());
  auto m = r.match("DELETE", "/x");
  ASSERT_TRUE(m.allow);
  EXPECT_EQ(*m.allow, "GET, HEAD, PUT, PU");
}

}  // namespace
}  // namespace l7::http::server
