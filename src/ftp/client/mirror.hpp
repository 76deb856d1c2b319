// Directory listings as entries, and a recursive download (`l7 ftp ... mirror`) on a session.
//
// list_directory() asks MLSD first (RFC 3659 §7) unless FEAT was answered without MLST, and
// falls back to LIST with `ls -l` parsing when MLSD is not implemented (500/502).
//
// mirror() walks the tree depth-first: it changes into each directory by its absolute path
// (PWD after the first CWD) and lists it without an argument, so names with spaces or a
// leading '-' are never mistaken for LIST options. A file whose local copy has the remote
// size and modification time is skipped; others are downloaded in binary and get the remote
// time (MLSD modify=, else MDTM, else the listing's minute-or-day time). Names a server could
// use to escape the local directory ("..", anything with '/') are skipped, as are symlinks and
// special files; nesting deeper than max_depth stops with an error.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ftp/client/session.hpp"
#include "ftp/codec/list_parse.hpp"

namespace l7::ftp::client {

net::awaitable<with_status<std::vector<listed_entry>>> list_directory(session& s, std::string path);

struct mirror_options {
  std::function<void(std::string_view)> note;  // one line per file fetched or skipped
  // Called before each download with the remote size (when known) and for each chunk.
  std::function<void(std::string_view name, std::uint64_t size)> on_file_start;
  std::function<void(std::uint64_t bytes)> on_progress;
  std::function<void()> on_file_end;
  int max_depth = 64;
};

struct mirror_stats {
  std::uint64_t files = 0;     // downloaded
  std::uint64_t dirs = 0;      // visited, the top one included
  std::uint64_t bytes = 0;
  std::uint64_t unchanged = 0; // skipped: same size and time
  std::uint64_t skipped = 0;   // skipped: links, special files, unsafe names
  std::uint64_t failed = 0;    // refused by the server (the mirror goes on)
};

// Mirrors `remote_dir` ("" for the working directory) into `local_dir` (created if missing).
// A file or directory the server refuses is noted and counted, and the mirror goes on; the
// result is then the last refusal. Connection and local file errors end it at once.
net::awaitable<status> mirror(session& s, std::string remote_dir, std::filesystem::path local_dir,
                              const mirror_options& opt, mirror_stats& stats);

}  // namespace l7::ftp::client
