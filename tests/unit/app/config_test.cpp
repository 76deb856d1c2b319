#include "app/config.hpp"

#include <fstream>

#include <gtest/gtest.h>

#include "unit/app/temp_dir.hpp"

namespace l7::app {
namespace {

using namespace std::chrono_literals;

// Runs `f` and returns the config_error message it throws ("" when it throws nothing).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const config_error& e) {
    return e.what();
  }
  return {};
}

TEST(config, default_text_enables_exactly_the_service_table) {
  const auto c = load_config(std::nullopt);
  EXPECT_TRUE(c.warnings.empty()) << c.warnings.front();
  ASSERT_EQ(c.listeners.size(), known_services().size());
  for (std::size_t i = 0; i < c.listeners.size(); ++i) {
    const auto& l = c.listeners[i];
    const auto& info = known_services()[i];
    EXPECT_EQ(l.service, info.name);
    EXPECT_EQ(l.port, info.port) << l.service;
    EXPECT_EQ(l.tls, info.tls) << l.service;
    EXPECT_TRUE(l.enabled) << l.service;
    EXPECT_EQ(l.addresses, std::vector<std::string>{"::"}) << l.service;
  }
  // Every [services.NAME] table in the text is a known service.
  const auto* services = c.section("services");
  ASSERT_NE(services, nullptr);
  EXPECT_EQ(services->size(), known_services().size());
}

TEST(config, default_values) {
  const auto c = load_config(std::nullopt);
  EXPECT_EQ(c.data_dir, "./l7-data");
  EXPECT_EQ(c.workers, 0u);
  EXPECT_GE(c.worker_count(), 1u);
  EXPECT_EQ(c.log.level, "info");
  EXPECT_TRUE(c.log.access_log);
  EXPECT_EQ(c.log.format, "combined");
  EXPECT_TRUE(c.tls.self_signed);
  EXPECT_EQ(c.tls.cert, std::filesystem::path("./l7-data/tls/cert.pem"));
  EXPECT_EQ(c.tls.key, std::filesystem::path("./l7-data/tls/key.pem"));
  EXPECT_EQ(c.listener("http")->port, 8080);
  EXPECT_EQ(c.listener("https")->port, 8443);
  EXPECT_TRUE(c.listener("https")->tls);
  EXPECT_EQ(c.listener("nope"), nullptr);
  EXPECT_EQ(c.get_string("http", "root", "x"), "public");
  EXPECT_EQ(c.get_duration("http", "header_timeout", 1s), 10s);
  EXPECT_EQ(c.get_duration("http", "idle_timeout", 1s), 60s);
  EXPECT_EQ(c.get_size("http", "max_body", 0), 64u << 20);
  EXPECT_TRUE(c.get_bool("http", "directory_listing", false));
  EXPECT_EQ(c.data_path(c.get_string("http", "root", "")), "./l7-data/public");
  EXPECT_EQ(c.data_path("/srv/www"), "/srv/www");
}

TEST(config, getters_return_defaults_for_missing_keys_and_sections) {
  const auto c = parse_config("", "t");
  EXPECT_EQ(c.get_string("dns", "upstream", "1.1.1.1"), "1.1.1.1");
  EXPECT_EQ(c.get_int("dns", "ttl", 42), 42);
  EXPECT_EQ(c.get_duration("http", "idle_timeout", 5s), 5s);
  EXPECT_EQ(c.get_size("http", "max_body", 7), 7u);
  EXPECT_FALSE(c.get_bool("http", "directory_listing", false));
  EXPECT_EQ(c.section("ftp.passive"), nullptr);
}

TEST(config, missing_services_are_listed_disabled) {
  const auto c = parse_config("[services.https]\nport = 9443\n", "t");
  ASSERT_EQ(c.listeners.size(), known_services().size());
  EXPECT_FALSE(c.listener("http")->enabled);
  EXPECT_EQ(c.listener("http")->port, 8080);
  EXPECT_TRUE(c.listener("https")->enabled);
  EXPECT_EQ(c.listener("https")->port, 9443);
  EXPECT_TRUE(c.listener("https")->tls);
}

TEST(config, durations) {
  EXPECT_EQ(parse_duration("500ms"), 500ms);
  EXPECT_EQ(parse_duration("10s"), 10s);
  EXPECT_EQ(parse_duration("2m"), 2min);
  EXPECT_EQ(parse_duration("1h"), 1h);
  EXPECT_EQ(parse_duration("30"), 30s);
  EXPECT_EQ(parse_duration("0"), 0s);
  for (const auto* bad : {"", "s", "10x", "-5s", "1.5s", " 10s", "10 s", "99999999999999999999s"})
    EXPECT_FALSE(parse_duration(bad)) << bad;
  const auto c = parse_config("[http]\na = 15\nb = \"250ms\"\n", "t");
  EXPECT_EQ(c.get_duration("http", "a", 0ms), 15s);
  EXPECT_EQ(c.get_duration("http", "b", 0ms), 250ms);
}

TEST(config, sizes) {
  const auto c = parse_config("[http]\na = 100\nb = \"512k\"\nc = \"64MiB\"\nd = -1\n", "t");
  EXPECT_EQ(c.get_size("http", "a", 0), 100u);
  EXPECT_EQ(c.get_size("http", "b", 0), 512u * 1024);
  EXPECT_EQ(c.get_size("http", "c", 0), 64u << 20);
  EXPECT_EQ(error_of([&] { c.get_size("http", "d", 0); }),
            "http.d: expected a size like \"64MiB\"");
}

TEST(config, string_lists) {
  const auto c = parse_config("[dns]\na = [\"x\", \"y\"]\nb = \"one\"\nc = [1]\nd = []\n", "t");
  EXPECT_EQ(c.get_string_list("dns", "a", {}), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(c.get_string_list("dns", "b", {}), (std::vector<std::string>{"one"}));
  EXPECT_TRUE(c.get_string_list("dns", "d", {"z"}).empty());
  EXPECT_EQ(c.get_string_list("dns", "missing", {"z"}), (std::vector<std::string>{"z"}));
  EXPECT_EQ(error_of([&] { c.get_string_list("dns", "c", {}); }),
            "dns.c: expected an array of strings");
}

TEST(config, wrong_types_name_the_key) {
  const auto c = parse_config(
      "[http]\nheader_timeout = \"soon\"\nroot = 5\ndirectory_listing = \"yes\"\n"
      "max_body = true\nport = \"80\"\n",
      "t");
  EXPECT_EQ(error_of([&] { c.get_duration("http", "header_timeout", 1s); }),
            "http.header_timeout: expected a duration like \"10s\"");
  EXPECT_EQ(error_of([&] { c.get_string("http", "root", ""); }), "http.root: expected a string");
  EXPECT_EQ(error_of([&] { c.get_bool("http", "directory_listing", false); }),
            "http.directory_listing: expected true or false");
  EXPECT_EQ(error_of([&] { c.get_size("http", "max_body", 0); }),
            "http.max_body: expected a size like \"64MiB\"");
  EXPECT_EQ(error_of([&] { c.get_int("http", "port", 0); }), "http.port: expected an integer");
  const auto d = parse_config("http = 3\n", "t");
  EXPECT_EQ(error_of([&] { d.get_string("http", "root", ""); }), "http: expected a table");
}

TEST(config, invalid_files_are_errors) {
  EXPECT_EQ(error_of([] { parse_config("[services.http]\nport = 70000\n", "t"); }),
            "services.http.port: expected a port number 0..65535");
  EXPECT_EQ(error_of([] { parse_config("[services.http]\nport = -1\n", "t"); }),
            "services.http.port: expected a port number 0..65535");
  EXPECT_EQ(error_of([] { parse_config("[services.http]\nenabled = 1\n", "t"); }),
            "services.http.enabled: expected true or false");
  EXPECT_EQ(error_of([] { parse_config("[services.http]\naddress = [\"nope\"]\n", "t"); }),
            "services.http.address: \"nope\" is not an IP address");
  EXPECT_EQ(error_of([] { parse_config("[services.http]\naddress = []\n", "t"); }),
            "services.http.address: no address given");
  EXPECT_EQ(error_of([] { parse_config("[log]\nlevel = \"loud\"\n", "t"); }).substr(0, 10),
            "log.level:");
  EXPECT_EQ(error_of([] { parse_config("workers = -2\n", "t"); }),
            "workers: expected 0 (one per core) to 1024");
  EXPECT_EQ(error_of([] { parse_config("[tls]\ncert = \"a.pem\"\n", "t"); }),
            "tls: set both cert and key, or neither (self-signed)");
  EXPECT_EQ(error_of([] { parse_config("a = = 1\n", "f.toml"); }).substr(0, 11), "f.toml:1:5:");
  EXPECT_NE(error_of([] { load_config("/nonexistent/l7.toml"); }), "");
}

TEST(config, addresses_are_canonical_and_a_single_string_is_accepted) {
  const auto c = parse_config(
      "[services.http]\naddress = [\"2001:DB8:0:0:0:0:0:1\", \"127.0.0.1\"]\n"
      "[services.https]\naddress = \"::1\"\n",
      "t");
  EXPECT_EQ(c.listener("http")->addresses, (std::vector<std::string>{"2001:db8::1", "127.0.0.1"}));
  EXPECT_EQ(c.listener("https")->addresses, std::vector<std::string>{"::1"});
}

TEST(config, unknown_keys_are_warnings) {
  const auto c = parse_config(
      "colour = 1\n[services.http]\nprot = 1\n[services.gopher]\nport = 70\n[log]\nlvl = 1\n",
      "t");
  ASSERT_EQ(c.warnings.size(), 4u);
  EXPECT_EQ(c.warnings[0], "unknown top-level key \"colour\" (ignored)");
  EXPECT_NE(c.warnings[1].find("lvl"), std::string::npos);  // [log] is checked before services
  EXPECT_EQ(c.warnings[2], "services.gopher: unknown service (ignored; known: http, https, dns, ftp, ftps, tftp, smtp, submission, smtps, pop3, pop3s, imap, imaps)");
  EXPECT_EQ(c.warnings[3], "services.http: unknown key \"prot\" (ignored)");
}

TEST(config, port_override) {
  auto c = load_config(std::nullopt);
  c.apply_port_override("http=0");
  EXPECT_EQ(c.listener("http")->port, 0);
  c.apply_port_override("https=65535");
  EXPECT_EQ(c.listener("https")->port, 65535);
  EXPECT_EQ(error_of([&] { c.apply_port_override("gopher=70"); }),
            "unknown service \"gopher\" (known: http, https, dns, ftp, ftps, tftp, smtp, submission, smtps, pop3, pop3s, imap, imaps)");
  for (const auto* bad : {"http", "http=", "http=65536", "http=-1", "=80", "http=8x"})
    EXPECT_NE(error_of([&] { c.apply_port_override(bad); }), "") << bad;
}

TEST(config, only) {
  auto c = parse_config("[services.http]\n[services.https]\nenabled = false\n", "t");
  c.apply_only({"https"});
  EXPECT_FALSE(c.listener("http")->enabled);
  EXPECT_TRUE(c.listener("https")->enabled);
  EXPECT_EQ(error_of([&] { c.apply_only({"http", "gopher"}); }),
            "unknown service \"gopher\" (known: http, https, dns, ftp, ftps, tftp, smtp, submission, smtps, pop3, pop3s, imap, imaps)");
  EXPECT_FALSE(c.listener("http")->enabled);  // unchanged after the error
}

TEST(config, data_dir_override_moves_default_tls_files_only) {
  auto c = load_config(std::nullopt);
  c.set_data_dir("/srv/l7");
  EXPECT_EQ(c.data_dir, "/srv/l7");
  EXPECT_EQ(c.tls.cert, "/srv/l7/tls/cert.pem");
  auto d = parse_config("[tls]\ncert = \"/etc/c.pem\"\nkey = \"/etc/k.pem\"\n", "t");
  d.set_data_dir("/srv/l7");
  EXPECT_FALSE(d.tls.self_signed);
  EXPECT_EQ(d.tls.cert, "/etc/c.pem");
}

TEST(config, loads_a_file) {
  test::temp_dir dir;
  const auto file = dir.path() / "l7.toml";
  std::ofstream(file) << "data_dir = \"/var/lib/l7\"\nworkers = 3\n[services.http]\nport = 0\n";
  const auto c = load_config(file);
  EXPECT_EQ(c.data_dir, "/var/lib/l7");
  EXPECT_EQ(c.workers, 3u);
  EXPECT_EQ(c.worker_count(), 3u);
  EXPECT_EQ(c.listener("http")->port, 0);
  EXPECT_TRUE(c.listener("http")->enabled);
  EXPECT_FALSE(c.listener("https")->enabled);
}

}  // namespace
}  // namespace l7::app
