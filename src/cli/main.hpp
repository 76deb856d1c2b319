// Entry point of the `l7` command: one subcommand per file in src/cli.
#pragma once

namespace l7::cli {
int main(int argc, char** argv);
}
