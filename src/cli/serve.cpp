// `l7 serve`: run every enabled service until SIGINT/SIGTERM.
#include <fmt/format.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "app/config.hpp"
#include "app/data_dir.hpp"
#include "app/log.hpp"
#include "app/process_limits.hpp"
#include "cli/commands.hpp"
#include "cli/services.hpp"

namespace l7::cli {
namespace {

constexpr std::uint64_t min_open_files = 4096;

struct serve_args {
  std::string config_file;
  std::string data_dir;
  std::vector<std::string> ports;
  std::vector<std::string> only;
  bool trace = false;
  unsigned workers = 0;
};

void print_table(const std::vector<listener_row>& rows) {
  std::cout << fmt::format("{:<12} {:<9} {:<40} {:>5}  {}\n", "SERVICE", "TRANSPORT", "ADDRESS", "PORT", "TLS");
  for (const auto& r : rows)
    std::cout << fmt::format("{:<12} {:<9} {:<40} {:>5}  {}\n", r.service, r.transport, r.address, r.port,
                             r.tls ? "yes" : "no");
  std::cout << std::flush;
}

int run_serve(const serve_args& args) {
  auto cfg = app::load_config(args.config_file.empty() ? std::nullopt
                                                       : std::optional<std::filesystem::path>(args.config_file));
  if (!args.data_dir.empty()) cfg.set_data_dir(args.data_dir);
  for (const auto& p : args.ports) cfg.apply_port_override(p);
  if (!args.only.empty()) cfg.apply_only(args.only);
  if (args.workers > 0) cfg.workers = args.workers;
  app::init_logging(cfg.log);
  auto log = app::logger("serve");
  for (const auto& w : cfg.warnings) log->warn("config: {}", w);
  app::prepare_data_dir(cfg.data_dir);
  // Every connection is a descriptor: a soft limit of 1024 would cap l7 at about 1000.
  const auto files = app::raise_open_file_limit();
  if (files.now < min_open_files)
    log->warn("only {} open files allowed (ulimit -n, hard limit): connections are capped near that", files.now);

  // SIGINT/SIGTERM wait (blocked, so pending) until rt.run() takes them: a signal sent as soon as
  // the listener table appears must stop the server gracefully, not kill it. Threads started
  // from here inherit the mask, so the signals go to the main thread's handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  net::runtime rt(cfg.worker_count());
  service_set services(cfg, rt, {args.trace, args.config_file.empty()});
  auto rows = services.start();
  print_table(rows);
  log->info("serving with {} workers, data in {}, up to {} open files", rt.size(), cfg.data_dir.string(),
            files.now);
  rt.run();
  rt.release_connections();
  log->info("stopped");
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto args = std::make_shared<serve_args>();
  auto* cmd = app.add_subcommand("serve", "Run every enabled service (all of them with no config) until SIGINT/SIGTERM");
  cmd->add_option("-c,--config", args->config_file, "TOML config file (default: the embedded one, see `l7 config default`)")
      ->check(CLI::ExistingFile);
  cmd->add_option("-d,--data", args->data_dir, "Data directory (default from the config: ./l7-data)");
  cmd->add_option("-p,--port", args->ports, "Override a listener port, NAME=PORT (0 picks a free port); repeatable");
  cmd->add_option("--only", args->only, "Run only these services (comma-separated names: http,https,...)")
      ->delimiter(',');
  cmd->add_option("-w,--workers", args->workers, "Worker threads (default: one per core)");
  cmd->add_flag("--trace", args->trace, "Print every protocol exchange, decoded, as it happens");
  cmd->callback([args] {
    try {
      int rc = run_serve(*args);
      if (rc != 0) throw CLI::RuntimeError(rc);
    } catch (const CLI::Error&) {
      throw;
    } catch (const std::exception& e) {
      std::cerr << "l7 serve: " << e.what() << "\n";
      throw CLI::RuntimeError(1);
    }
  });
}

}  // namespace l7::cli
