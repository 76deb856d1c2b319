// The `[tftp]` section: the embedded default (read-only public root, no uploads) and the
// values it refuses, each naming its key.
#include <gtest/gtest.h>

#include "app/config.hpp"
#include "tftp/server/settings.hpp"

namespace l7::tftp::server {
namespace {

app::config with(const std::string& tftp_table) {
  return app::parse_config("data_dir = \"/srv/l7\"\n[services.tftp]\nport = 69\n[tftp]\n" + tftp_table,
                           "<test>");
}

TEST(tftp_server_settings, embedded_default_is_read_only) {
  auto c = app::load_config(std::nullopt);
  c.set_data_dir("/srv/l7");
  const auto s = load_settings(c, false);
  EXPECT_EQ(s.root, "/srv/l7/public");
  EXPECT_TRUE(s.upload_dir.empty());
  EXPECT_FALSE(s.allow_overwrite);
  EXPECT_EQ(s.max_upload, 64u << 20);
  EXPECT_EQ(s.policy.max_blksize, 65464);
  EXPECT_EQ(s.policy.max_windowsize, 64);
  EXPECT_EQ(s.policy.timeout, std::chrono::seconds(1));
  EXPECT_EQ(s.retries, 5);
  const auto* l = c.listener("tftp");
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->port, 6969);
}

TEST(tftp_server_settings, values_are_read) {
  const auto s = load_settings(with("upload_dir = \"incoming\"\nallow_overwrite = true\n"
                                    "max_upload = \"1MiB\"\nmax_blksize = 1428\ntimeout = \"250ms\"\n"
                                    "max_sessions_per_ip = 2\n"),
                               true);
  EXPECT_EQ(s.upload_dir, "/srv/l7/incoming");
  EXPECT_TRUE(s.allow_overwrite);
  EXPECT_EQ(s.max_upload, 1u << 20);
  EXPECT_EQ(s.policy.max_upload, 1u << 20);
  EXPECT_EQ(s.policy.max_blksize, 1428);
  EXPECT_EQ(s.policy.timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(s.max_sessions_per_ip, 2u);
  EXPECT_TRUE(s.trace);
}

TEST(tftp_server_settings, bad_values_name_their_key) {
  for (const auto& [table, key] : std::vector<std::pair<std::string, std::string>>{
           {"max_blksize = 7", "tftp.max_blksize"},
           {"max_blksize = 65465", "tftp.max_blksize"},
           {"max_windowsize = 0", "tftp.max_windowsize"},
           {"max_window_bytes = 100", "tftp.max_window_bytes"},
           {"timeout = \"1ms\"", "tftp.timeout"},
           {"retries = -1", "tftp.retries"},
           {"max_sessions = 0", "tftp.max_sessions"}}) {
    try {
      load_settings(with(table), false);
      ADD_FAILURE() << table << " was accepted";
    } catch (const app::config_error& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace l7::tftp::server
