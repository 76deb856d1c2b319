// Master files (RFC 1035 §5) into records. Sans-I/O: the text comes in as a string, and
// `$INCLUDE` asks the caller's `include` callback for the included text.
//
// Supported: `$ORIGIN`, `$TTL` (RFC 2308 §4), `$INCLUDE file [origin]` (nested at most 10 deep;
// the origin and the "previous owner" are restored after it, $TTL carries over),
// `$GENERATE start-stop[/step] lhs [ttl] [class] type rhs` (BIND form; `$`, `${offset}`,
// `${offset,width}`, `${offset,width,base}` with base d, o, x or X; `\$` is a literal `$`),
// `@`, a blank owner meaning the previous owner, relative names, TTL and class in either order
// and both optional, parentheses across lines, `;` comments, quoted strings, escapes, every
// rdata form of parse_rdata() (rdata_parse.hpp).
//
// TTL of a record that has none: the $TTL in effect; without $TTL, the last TTL stated on a
// record (RFC 1035 §5.1); without either, the SOA MINIMUM once an SOA has been read (RFC 2308
// §4, as BIND does); else options.default_ttl. TTLs above 2^31-1 are errors (RFC 2181 §8).
// Class of a record that has none: the zone's class (the first record's), IN before any record.
// Every record must be in the zone's class (RFC 1035 §5.2), at most one SOA may appear, meta
// types (OPT, TSIG, AXFR, ANY, ...) and meta classes (NONE, ANY) are refused. A, AAAA and SRV
// outside class IN accept only the `\#` form (their text form is defined for IN) and stay opaque.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "dns/codec/message.hpp"
#include "dns/codec/name.hpp"

namespace l7::dns {

struct zone_parse_options {
  name origin;                    // the initial $ORIGIN
  std::uint32_t default_ttl = 3600;
  // Returns the text of an included file, nullopt when it cannot be read. Empty: $INCLUDE is an
  // error (include_failed).
  std::function<std::optional<std::string>(std::string_view)> include;
  std::size_t max_records = 10'000'000;  // zone_too_large past this
};

struct zone_parse_error {
  std::error_code ec;
  // 1-based line in the text given to parse_zone(). For an error inside an included file, the
  // line of the $INCLUDE; `message` then starts with `"file" line N: ` for each level.
  std::size_t line = 0;
  std::string message;
};

// Parses a whole zone. On error returns nullopt and fills `err`. Errors: zone_syntax, bad_ttl,
// unknown_rr_type, class_mismatch, include_failed, zone_too_large, bad_rdata and the name errors.
std::optional<std::vector<resource_record>> parse_zone(std::string_view text,
                                                       const zone_parse_options& options,
                                                       zone_parse_error& err);

}  // namespace l7::dns
