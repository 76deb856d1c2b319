#include "app/metrics.hpp"

#include <thread>

#include <gtest/gtest.h>

namespace l7::app {
namespace {

TEST(metrics, renders_text_format_0_0_4) {
  registry r;
  auto& requests = r.counter_family("l7_requests_total", "Requests served.", {"service", "code"});
  requests.with({"http", "200"}).inc(3);
  requests.with({"http", "404"}).inc();
  requests.with({"https", "200"}).inc(0);
  r.gauge_metric("l7_connections", "Open connections.\nPer process \\ all services.").set(-2);
  r.gauge_family("l7_odd", "Odd label values.", {"v"}).with({"a\"b\\c\nd"}).inc(5);
  r.counter_family("l7_unused_total", "No children yet.", {"x"});
  EXPECT_EQ(r.render(),
            "# HELP l7_requests_total Requests served.\n"
            "# TYPE l7_requests_total counter\n"
            "l7_requests_total{service=\"http\",code=\"200\"} 3\n"
            "l7_requests_total{service=\"http\",code=\"404\"} 1\n"
            "l7_requests_total{service=\"https\",code=\"200\"} 0\n"
            "# HELP l7_connections Open connections.\\nPer process \\\\ all services.\n"
            "# TYPE l7_connections gauge\n"
            "l7_connections -2\n"
            "# HELP l7_odd Odd label values.\n"
            "# TYPE l7_odd gauge\n"
            "l7_odd{v=\"a\\\"b\\\\c\\nd\"} 5\n"
            "# HELP l7_unused_total No children yet.\n"
            "# TYPE l7_unused_total counter\n");
}

TEST(metrics, references_are_stable_and_registration_is_idempotent) {
  registry r;
  auto& f = r.counter_family("c_total", "h", {"k"});
  auto& a = f.with({"a"});
  for (int i = 0; i < 100; ++i) f.with({std::to_string(i)});
  EXPECT_EQ(&a, &f.with({"a"}));
  EXPECT_EQ(&f, &r.counter_family("c_total", "h", {"k"}));
  EXPECT_EQ(&r.counter_metric("single_total", "h"), &r.counter_metric("single_total", "h"));
  const std::vector<std::string> values{"a"};
  EXPECT_EQ(&a, &f.with(values));
}

TEST(metrics, rejects_bad_names_and_conflicts) {
  registry r;
  EXPECT_THROW(r.counter_metric("1abc", "h"), std::invalid_argument);
  EXPECT_THROW(r.counter_metric("a-b", "h"), std::invalid_argument);
  EXPECT_THROW(r.counter_family("ok", "h", {"__reserved"}), std::invalid_argument);
  EXPECT_THROW(r.counter_family("ok2", "h", {"a:b"}), std::invalid_argument);
  auto& f = r.counter_family("x_total", "h", {"a", "b"});
  EXPECT_THROW(f.with({"only one"}), std::invalid_argument);
  EXPECT_THROW(r.gauge_metric("x_total", "h"), std::logic_error);
  EXPECT_THROW(r.counter_family("x_total", "h", {"a"}), std::logic_error);
  EXPECT_NO_THROW(r.counter_metric("ns:sub_total", "h"));
}

TEST(metrics, concurrent_increments) {
  registry r;
  auto& c = r.counter_metric("n_total", "h");
  auto& g = r.gauge_metric("g", "h");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.inc();
        g.inc();
        g.dec(2);
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), 40000u);
  EXPECT_EQ(g.value(), -40000);
}

TEST(metrics, global_registry_has_the_process_start_time) {
  const auto text = metrics().render();
  EXPECT_NE(text.find("# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds 1"),
            std::string::npos)
      << text;
  EXPECT_EQ(&metrics(), &metrics());
}

}  // namespace
}  // namespace l7::app
