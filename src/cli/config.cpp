// `l7 config default|check`: print the embedded configuration, or validate a file.
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/config.hpp"
#include "cli/commands.hpp"

namespace l7::cli {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

void print_listeners(const app::config& c) {
  for (const auto& l : c.listeners) {
    fmt::print("  {:<12} {:<8} port {:<5} {} {}\n", l.service, l.enabled ? "on" : "off", l.port,
               l.tls ? "tls  " : "plain", join(l.addresses));
  }
}

void check(const std::string& file) {
  const auto source = file.empty() ? std::string("the embedded default") : file;
  try {
    const auto c = app::load_config(file.empty() ? std::nullopt
                                                 : std::optional<std::filesystem::path>(file));
    for (const auto& w : c.warnings) fmt::print(stderr, "{}: warning: {}\n", source, w);
    fmt::print("{}: ok (data_dir {}, workers: {})\n", source, c.data_dir.string(),
               c.workers == 0 ? std::string("one per core") : std::to_string(c.workers));
    print_listeners(c);
  } catch (const app::config_error& e) {
    fmt::print(stderr, "l7 config check: {}\n", e.what());
    throw CLI::RuntimeError(1);
  }
}

}  // namespace

void add_config_command(CLI::App& app) {
  auto* config = app.add_subcommand("config", "Print or check the l7.toml configuration");
  config->require_subcommand(1);

  auto* def = config->add_subcommand(
      "default", "Print the embedded default configuration (save it to start your own l7.toml)");
  def->callback([] { fmt::print("{}", app::default_config_text()); });

  auto file = std::make_shared<std::string>();
  auto* chk = config->add_subcommand(
      "check", "Load and validate a configuration file; print warnings and the listeners");
  chk->add_option("FILE", *file, "The l7.toml to check (default: the embedded configuration)")
      ->check(CLI::ExistingFile);
  chk->callback([file] { check(*file); });
}

}  // namespace l7::cli
