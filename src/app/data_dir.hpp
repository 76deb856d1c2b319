// The data directory: one root for everything l7 stores (see docs/data.md).
//
//   <data>/public/     served by HTTP at /; later read-only for anonymous FTP and TFTP
//   <data>/home/<user> per-account files (created by account_store::add)
//   <data>/tls/        certificate and key (0700)
//   <data>/accounts/   the account database (0700)
//   <data>/<service>/  state of stateful services (dns, mail, mqtt, ...), created by them
#pragma once

#include <filesystem>

namespace l7::app {

// Creates the data directory and the folders above when missing. When it creates public/, it
// also writes a small public/index.html welcome page. Existing files and directories are
// never modified (an existing tls/ keeps its mode). Throws std::filesystem::filesystem_error.
void prepare_data_dir(const std::filesystem::path& data);

}  // namespace l7::app
