// [ftp] settings: anonymous access is on in the embedded default and off in a config that
// does not ask for it; bad values are refused with the key's name.
#include <gtest/gtest.h>

#include "app/config.hpp"
#include "ftp/server/settings.hpp"

namespace l7::ftp::server {
namespace {

TEST(FtpSettings, AnonymousOnlyWhereTheConfigEnablesIt) {
  auto embedded = app::parse_config(app::default_config_text(), "embedded");
  auto s = load_settings(embedded, false);
  EXPECT_TRUE(s.anonymous);
  EXPECT_EQ(s.passive_min, 0) << "no range: the kernel picks passive ports";
  EXPECT_EQ(s.passive_max, 0);
  EXPECT_EQ(s.anonymous_root.filename(), "public");

  auto mine = app::parse_config("data_dir = \"/tmp/x\"\n[services.ftp]\nport = 2121\n", "mine.toml");
  EXPECT_FALSE(load_settings(mine, false).anonymous);

  auto ranged = app::parse_config("[services.ftp]\nport = 2121\n[ftp]\npassive_ports = [30000, 30009]\n", "r.toml");
  auto r = load_settings(ranged, false);
  EXPECT_EQ(r.passive_min, 30000);
  EXPECT_EQ(r.passive_max, 30009);
}

TEST(FtpSettings, BadValuesNameTheirKey) {
  auto expect_error = [](std::string text, std::string key) {
    auto cfg = app::parse_config("[services.ftp]\nport = 2121\n[ftp]\n" + text, "t.toml");
    try {
      load_settings(cfg, false);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const app::config_error& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  };
  expect_error("passive_ports = [30099, 30000]\n", "ftp.passive_ports");
  expect_error("passive_ports = [80, 90]\n", "ftp.passive_ports");
  expect_error("passive_ports = [30000]\n", "ftp.passive_ports");
  expect_error("passive_address = \"::1\"\n", "ftp.passive_address");
  expect_error("max_login_failures = 0\n", "ftp.max_login_failures");
  expect_error("max_per_ip = -1\n", "ftp.max_per_ip");
}

}  // namespace
}  // namespace l7::ftp::server
