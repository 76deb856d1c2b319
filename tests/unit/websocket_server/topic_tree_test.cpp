// The topic tree behind /ws/pubsub: MQTT-style '+' and '#' matching, removal, validation.
#include <gtest/gtest.h>

#include <algorithm>

#include "websocket/server/topic_tree.hpp"

namespace l7::websocket::server {
namespace {

struct sub {
  std::uint64_t id;
  std::string filter;
};

std::vector<std::uint64_t> ids(const topic_tree<sub>& t, std::string_view topic) {
  std::vector<sub> out;
  t.match(topic, out);
  std::vector<std::uint64_t> r;
  for (const auto& s : out) r.push_back(s.id);
  std::sort(r.begin(), r.end());
  return r;
}

topic_tree<sub> make_tree() { return topic_tree<sub>([](const sub& s) { return s.id; }); }

TEST(TopicTree, ExactPlusAndHash) {
  auto t = make_tree();
  t.add("a/b/c", {1, "a/b/c"});
  t.add("a/+/c", {2, "a/+/c"});
  t.add("a/#", {3, "a/#"});
  t.add("#", {4, "#"});
  t.add("+/+", {5, "+/+"});
  t.add("a/b", {6, "a/b"});
  EXPECT_EQ(ids(t, "a/b/c"), (std::vector<std::uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(ids(t, "a/x/c"), (std::vector<std::uint64_t>{2, 3, 4}));
  EXPECT_EQ(ids(t, "a/b"), (std::vector<std::uint64_t>{3, 4, 5, 6}));
  EXPECT_EQ(ids(t, "a"), (std::vector<std::uint64_t>{3, 4}));  // "a/#" matches its parent
  EXPECT_EQ(ids(t, "b/c/d"), (std::vector<std::uint64_t>{4}));
  EXPECT_EQ(ids(t, "a/b/c/d"), (std::vector<std::uint64_t>{3, 4}));
}

TEST(TopicTree, EmptyLevelsAreLevels) {
  auto t = make_tree();
  t.add("a//b", {1, ""});
  t.add("a/+/b", {2, ""});
  EXPECT_EQ(ids(t, "a//b"), (std::vector<std::uint64_t>{1, 2}));
  EXPECT_TRUE(ids(t, "a/b").empty());
}

TEST(TopicTree, SameIdTwiceUnderOneFilterIsOne) {
  auto t = make_tree();
  t.add("x", {7, "x"});
  t.add("x", {7, "x"});
  EXPECT_EQ(ids(t, "x"), (std::vector<std::uint64_t>{7}));
}

TEST(TopicTree, RemovePrunesEmptyNodes) {
  auto t = make_tree();
  t.add("a/b/c", {1, ""});
  t.add("a/b", {2, ""});
  t.remove("a/b/c", 1);
  EXPECT_TRUE(ids(t, "a/b/c").empty());
  EXPECT_EQ(ids(t, "a/b"), (std::vector<std::uint64_t>{2}));
  t.remove("a/b", 2);
  EXPECT_TRUE(t.empty());
  t.remove("not/there", 3);  // no-op
  EXPECT_TRUE(t.empty());
}

TEST(TopicTree, Validation) {
  for (auto f : {"a", "a/b", "+", "#", "a/+/b", "a/#", "+/+/#", "a//b"})
    EXPECT_TRUE(valid_topic_filter(f)) << f;
  for (auto f : {"", "a/#/b", "a+", "a/b#", "#/a", "a/+b"}) EXPECT_FALSE(valid_topic_filter(f)) << f;
  EXPECT_TRUE(valid_topic_name("a/b"));
  EXPECT_FALSE(valid_topic_name(""));
  EXPECT_FALSE(valid_topic_name("a/+"));
  EXPECT_FALSE(valid_topic_name("a/#"));
}

}  // namespace
}  // namespace l7::websocket::server
