// Directory listings and file times, formatted from facts the server gathered (the codec does
// no I/O):
//   LIST  - `ls -l` lines, the de-facto format every client parses (RFC 959 leaves it open);
//   NLST  - names only (RFC 959 §4.1.3);
//   MLSD / MLST - machine-readable facts (RFC 3659 §7): "fact=value;...; name";
//   MDTM / modify= - "YYYYMMDDHHMMSS" in UTC (RFC 3659 §2.3).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace l7::ftp {

struct file_facts {
  enum class kind { file, dir, cdir, pdir, link, other };
  std::string name;           // last path component (MLSD/LIST) or full path (MLST)
  kind type = kind::file;
  std::uint64_t size = 0;
  std::int64_t mtime = 0;     // seconds since the epoch, UTC
  unsigned mode = 0644;       // permission bits, as st_mode & 07777
  unsigned nlink = 1;
  std::string owner = "ftp";  // LIST shows names, not numbers
  std::string group = "ftp";
  std::string perm;           // RFC 3659 §7.5.5 letters for this user, e.g. "adfrw" or "elr"
};

// One `ls -l` line without CR LF. Times within six months before `now` show hour:minute,
// others the year, as ls does.
std::string format_list_line(const file_facts& f, std::int64_t now);

// Which MLSx facts a client asked for with OPTS MLST (RFC 3659 §7.9); all on by default.
struct mlst_facts {
  bool type = true, size = true, modify = true, perm = true, unix_mode = true;
};
// "type=file;size=12;modify=20261121093000;perm=adfrw;unix.mode=0644; name" (no CR LF).
std::string format_mlsx_line(const file_facts& f, const mlst_facts& which);
// The fact list FEAT advertises, with '*' after those enabled: "type*;size*;modify*;perm*;unix.mode*;".
std::string format_mlst_feature(const mlst_facts& which);
// OPTS MLST argument ("type;size;") -> the enabled facts (unknown names ignored, §7.9).
mlst_facts parse_mlst_opts(std::string_view arg);

// "YYYYMMDDHHMMSS" for a UTC time, and back (an optional ".sss" fraction is accepted and
// dropped; nullopt for malformed or impossible dates).
std::string format_time_val(std::int64_t t);
std::optional<std::int64_t> parse_time_val(std::string_view s);

}  // namespace l7::ftp
