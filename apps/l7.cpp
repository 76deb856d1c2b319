#include "cli/main.hpp"

int main(int argc, char** argv) { return l7::cli::main(argc, argv); }
