// Loading and validating l7.toml; the service table; command-line overrides.
#include "app/config.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "core/ip_address.hpp"
#include "core/text.hpp"

namespace l7::app {

namespace {

// Every listener l7 knows. Keep in step with default_config.cpp (a unit test checks it).
constexpr std::array services{
    service_info{"http", 8080, false, "http"},
    service_info{"https", 8443, true, "http"},
    service_info{"dns", 1053, false, "dns"},
    service_info{"ftp", 2121, false, "ftp"},
    service_info{"ftps", 2990, true, "ftp"},
    service_info{"tftp", 6969, false, "tftp"},
    service_info{"smtp", 2525, false, "smtp"},
    service_info{"submission", 2587, false, "smtp"},
    service_info{"smtps", 2465, true, "smtp"},
    service_info{"pop3", 2110, false, "pop3"},
    service_info{"pop3s", 2995, true, "pop3"},
    service_info{"imap", 2143, false, "imap"},
    service_info{"imaps", 2993, true, "imap"},
};

constexpr std::array top_level_keys{
    std::string_view{"data_dir"}, std::string_view{"workers"}, std::string_view{"log"},
    std::string_view{"tls"}, std::string_view{"services"},
    // Protocol sections without a listener of their own (they ride on http).
    std::string_view{"websocket"},
    // What the mail services (smtp, pop3, imap) share.
    std::string_view{"mail"}};
constexpr std::array service_keys{
    std::string_view{"enabled"}, std::string_view{"port"}, std::string_view{"address"},
    std::string_view{"tls"}, std::string_view{"max_connections"}};
constexpr std::array log_keys{std::string_view{"level"}, std::string_view{"access_log"},
                              std::string_view{"format"}};
constexpr std::array log_levels{std::string_view{"trace"}, std::string_view{"debug"},
                                std::string_view{"info"},  std::string_view{"warn"},
                                std::string_view{"error"}, std::string_view{"critical"},
                                std::string_view{"off"}};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& set, std::string_view s) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

const service_info* find_service(std::string_view name) {
  for (const auto& s : services)
    if (s.name == name) return &s;
  return nullptr;
}

std::string known_names() {
  std::string out;
  for (const auto& s : services) {
    if (!out.empty()) out += ", ";
    out += s.name;
  }
  return out;
}

bool is_section_name(std::string_view key) {
  return std::any_of(services.begin(), services.end(),
                     [&](const service_info& s) { return s.section == key; });
}

void warn_unknown_keys(const toml::table& t, std::string_view where,
                       std::span<const std::string_view> known, std::vector<std::string>& out) {
  for (const auto& [key, value] : t) {
    if (std::find(known.begin(), known.end(), key.str()) == known.end())
      out.push_back(fmt::format("{}: unknown key \"{}\" (ignored)", where, key.str()));
  }
}

std::vector<std::string> parse_addresses(const config& c, std::string_view section) {
  const auto* t = c.section(section);
  const toml::node* node = t ? t->get("address") : nullptr;
  if (!node) return {"::"};
  std::vector<const toml::node*> items;
  if (const auto* arr = node->as_array()) {
    for (const auto& item : *arr) items.push_back(&item);
  } else {
    items.push_back(node);
  }
  if (items.empty()) throw config_error(fmt::format("{}.address: no address given", section));
  std::vector<std::string> out;
  for (const auto* item : items) {
    const auto* text = item->as_string();
    if (!text)
      throw config_error(fmt::format("{}.address: expected an IP address string", section));
    const auto ip = ip_address::parse(text->get());
    if (!ip)
      throw config_error(
          fmt::format("{}.address: \"{}\" is not an IP address", section, text->get()));
    out.push_back(ip->to_string());
  }
  return out;
}

listener_config parse_listener(const config& c, const service_info& info) {
  const std::string section = fmt::format("services.{}", info.name);
  listener_config l;
  l.service = std::string(info.name);
  l.port = info.port;
  l.addresses = {"::"};
  l.tls = info.tls;
  if (!c.section(section)) return l;
  const auto port = c.get_int(section, "port", info.port);
  if (port < 0 || port > 65535)
    throw config_error(fmt::format("{}.port: expected a port number 0..65535", section));
  const auto max_conn = c.get_int(section, "max_connections", 10000);
  if (max_conn < 0)
    throw config_error(fmt::format("{}.max_connections: expected 0 or more", section));
  l.port = static_cast<std::uint16_t>(port);
  l.addresses = parse_addresses(c, section);
  l.tls = c.get_bool(section, "tls", info.tls);
  l.enabled = c.get_bool(section, "enabled", true);
  l.max_connections = static_cast<std::size_t>(max_conn);
  return l;
}

void parse_services(config& c) {
  if (const auto* all = c.section("services")) {
    for (const auto& [key, value] : *all) {
      const std::string name(key.str());
      if (!find_service(name)) {
        c.warnings.push_back(fmt::format("services.{}: unknown service (ignored; known: {})",
                                         name, known_names()));
      } else if (!value.is_table()) {
        throw config_error(fmt::format("services.{}: expected a table", name));
      } else {
        warn_unknown_keys(*value.as_table(), "services." + name, service_keys, c.warnings);
      }
    }
  }
  for (const auto& info : services) c.listeners.push_back(parse_listener(c, info));
}

void parse_log(config& c) {
  c.log.level = to_lower(c.get_string("log", "level", c.log.level));
  if (!contains(log_levels, c.log.level))
    throw config_error(fmt::format(
        "log.level: expected trace, debug, info, warn, error, critical or off, got \"{}\"",
        c.log.level));
  c.log.access_log = c.get_bool("log", "access_log", c.log.access_log);
  c.log.format = c.get_string("log", "format", c.log.format);
  if (c.log.format != "combined" && c.log.format != "common")
    throw config_error(fmt::format("log.format: expected \"combined\" or \"common\", got \"{}\"",
                                   c.log.format));
  if (const auto* t = c.section("log")) warn_unknown_keys(*t, "log", log_keys, c.warnings);
}

void parse_tls(config& c) {
  const auto cert = c.get_string("tls", "cert", "");
  const auto key = c.get_string("tls", "key", "");
  if (cert.empty() != key.empty())
    throw config_error("tls: set both cert and key, or neither (self-signed)");
  c.tls.self_signed = cert.empty();
  c.tls.cert = cert;
  c.tls.key = key;
  if (const auto* t = c.section("tls")) {
    constexpr std::array tls_keys{std::string_view{"cert"}, std::string_view{"key"}};
    warn_unknown_keys(*t, "tls", tls_keys, c.warnings);
  }
}

void check_top_level(config& c) {
  for (const auto& [key, value] : c.raw) {
    if (!contains(top_level_keys, key.str()) && !is_section_name(key.str()))
      c.warnings.push_back(fmt::format("unknown top-level key \"{}\" (ignored)", key.str()));
  }
}

toml::table parse_toml(std::string_view text, std::string_view source) {
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw config_error(fmt::format("{}:{}:{}: {}", source, where.line, where.column,
                                   e.description()));
  }
}

}  // namespace

std::span<const service_info> known_services() { return services; }

unsigned config::worker_count() const {
  if (workers != 0) return workers;
  return std::max(1u, std::thread::hardware_concurrency());
}

const listener_config* config::listener(std::string_view service) const {
  for (const auto& l : listeners)
    if (l.service == service) return &l;
  return nullptr;
}

std::filesystem::path config::data_path(const std::filesystem::path& p) const {
  return p.is_absolute() ? p : data_dir / p;
}

void config::apply_port_override(std::string_view spec) {
  const auto eq = spec.find('=');
  const auto port = eq == std::string_view::npos ? std::nullopt : parse_uint(spec.substr(eq + 1));
  if (!port || *port > 65535)
    throw config_error(fmt::format("port override \"{}\": expected NAME=PORT with PORT 0..65535",
                                   spec));
  const auto name = spec.substr(0, eq);
  for (auto& l : listeners) {
    if (l.service == name) {
      l.port = static_cast<std::uint16_t>(*port);
      return;
    }
  }
  throw config_error(fmt::format("unknown service \"{}\" (known: {})", name, known_names()));
}

void config::apply_only(const std::vector<std::string>& names) {
  for (const auto& n : names) {
    if (!listener(n))
      throw config_error(fmt::format("unknown service \"{}\" (known: {})", n, known_names()));
  }
  for (auto& l : listeners)
    l.enabled = std::find(names.begin(), names.end(), l.service) != names.end();
}

void config::set_data_dir(std::filesystem::path dir) {
  data_dir = std::move(dir);
  if (tls.self_signed) {
    tls.cert = data_dir / "tls" / "cert.pem";
    tls.key = data_dir / "tls" / "key.pem";
  }
}

config parse_config(std::string_view text, std::string_view source) {
  config c;
  c.raw = parse_toml(text, source);
  check_top_level(c);
  const auto workers = c.get_int("", "workers", 0);
  if (workers < 0 || workers > 1024)
    throw config_error("workers: expected 0 (one per core) to 1024");
  c.workers = static_cast<unsigned>(workers);
  parse_log(c);
  parse_tls(c);
  parse_services(c);
  const auto dir = c.get_string("", "data_dir", "./l7-data");
  if (dir.empty()) throw config_error("data_dir: must not be empty");
  c.set_data_dir(dir);
  return c;
}

config load_config(const std::optional<std::filesystem::path>& file) {
  if (!file) return parse_config(default_config_text(), "<default>");
  std::ifstream in(*file, std::ios::binary);
  if (!in) throw config_error(fmt::format("{}: cannot open for reading", file->string()));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw config_error(fmt::format("{}: read error", file->string()));
  return parse_config(text.str(), file->string());
}

}  // namespace l7::app
