#include "cli/main.hpp"

#include <CLI/CLI.hpp>

namespace l7::cli {

int main(int argc, char** argv) {
  CLI::App app{"l7 - the application layer of the Internet in one toolkit"};
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}

}  // namespace l7::cli
