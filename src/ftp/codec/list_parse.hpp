// A client's reading of directory listings (the other side of listing.hpp):
//  - MLSD lines and the MLST reply line, "fact=value;fact=value; name" (RFC 3659 §7.2). Fact
//    names and the values of type= are case-insensitive (§7.5, §7.5.1); unknown facts are
//    ignored (§7.1). Pass a line without CR LF; the single leading space of an MLST reply line
//    is the caller's to strip.
//  - Unix `ls -l` lines from LIST, which have no standard (RFC 959 §4.1.3); used when a server
//    has no MLSD. Times without a year ("Nov 21 09:30") are placed in the year that makes them
//    not more than a day after `now`; all times are read as UTC because the server's zone is
//    unknown. "total N" lines and lines that are not `ls -l` entries give nullopt.
// Neither function throws or allocates beyond the returned strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ftp/codec/listing.hpp"

namespace l7::ftp {

// file_facts plus which facts the server actually gave (file_facts has defaults for all).
struct listed_entry {
  file_facts facts;
  bool has_size = false;
  bool has_mtime = false;
  bool has_mode = false;
  bool mtime_exact = false;  // to the second (MLSx modify=) rather than minutes or days (LIST)
  std::string link_target;   // LIST "name -> target"
};

std::optional<listed_entry> parse_mlsx_line(std::string_view line);
std::optional<listed_entry> parse_list_line(std::string_view line, std::int64_t now);

}  // namespace l7::ftp
