#include "cli/main.hpp"

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace l7::cli {

int main(int argc, char** argv) {
  CLI::App app{"l7 - the application layer of the Internet in one toolkit.\n"
               "Servers, clients and decoders for every protocol share one codec per protocol."};
  app.set_version_flag("--version", "l7 0.1.0");
  app.require_subcommand(1);
  add_serve_command(app);
  add_http_command(app);
  add_dns_command(app);
  add_ws_command(app);
  add_ftp_command(app);
  add_tftp_command(app);
  add_mail_command(app);
  add_user_command(app);
  add_config_command(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}

}  // namespace l7::cli
