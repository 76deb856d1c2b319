#include "app/log.hpp"

#include <gtest/gtest.h>

namespace l7::app {
namespace {

TEST(log, combined_format) {
  // 971185536 = Tue, 10 Oct 2000 13:45:36 UTC
  EXPECT_EQ(format_combined("127.0.0.1", "frank", 971185536, "GET /apache_pb.gif HTTP/1.0", 200,
                            2326, "http://www.example.com/start.html",
                            "Mozilla/4.08 [en] (Win98; I ;Nav)"),
            "127.0.0.1 - frank [10/Oct/2000:13:45:36 +0000] \"GET /apache_pb.gif HTTP/1.0\" 200 "
            "2326 \"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"");
}

TEST(log, missing_fields_are_dashes) {
  EXPECT_EQ(format_combined("2001:db8::1", "", 0, "", 400, std::nullopt, "", ""),
            "2001:db8::1 - - [01/Jan/1970:00:00:00 +0000] \"-\" 400 - \"-\" \"-\"");
  EXPECT_EQ(format_common("", "", 0, "GET / HTTP/1.1", 204, 0),
            "- - - [01/Jan/1970:00:00:00 +0000] \"GET / HTTP/1.1\" 204 0");
}

TEST(log, quotes_and_control_bytes_are_escaped) {
  EXPECT_EQ(format_combined("::1", "a\"b", 0, "GET /\"x\\y\r\n\x1b[31m HTTP/1.1", 200, 1,
                            "ref\"", "ua\t\xff"),
            "::1 - a\\\"b [01/Jan/1970:00:00:00 +0000] "
            "\"GET /\\\"x\\\\y\\x0d\\x0a\\x1b[31m HTTP/1.1\" 200 1 \"ref\\\"\" \"ua\\x09\\xff\"");
}

TEST(log, dates_in_every_month) {
  // 2024-02-29 23:59:59 UTC (leap day) and 2038-01-19 03:14:08 UTC (past 32-bit time_t).
  EXPECT_NE(format_common("a", "", 1709251199, "x", 200, 1).find("[29/Feb/2024:23:59:59 +0000]"),
            std::string::npos);
  EXPECT_NE(format_common("a", "", 2147483648, "x", 200, 1).find("[19/Jan/2038:03:14:08 +0000]"),
            std::string::npos);
}

TEST(log, loggers_are_named_and_shared) {
  init_logging("warn", false);
  auto a = logger("http");
  EXPECT_EQ(a->name(), "http");
  EXPECT_EQ(a.get(), logger("http").get());
  EXPECT_EQ(a->level(), spdlog::level::warn);
  init_logging("debug", false);
  EXPECT_EQ(a->level(), spdlog::level::debug);
  EXPECT_THROW(init_logging("loud"), std::invalid_argument);
  EXPECT_THROW(init_logging("info", true, "json"), std::invalid_argument);
  log_access({"::1", "", 0, "GET / HTTP/1.1", 200, 5, "", ""});  // access log off: no output
}

}  // namespace
}  // namespace l7::app
