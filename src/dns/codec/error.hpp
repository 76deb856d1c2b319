// Errors reported by the DNS message codec (category "l7.dns"). Every decode error is a
// malformed message: a server answers it with FORMERR (RFC 1035 §4.1.1) via rcode_for().
#pragma once

#include <cstdint>
#include <system_error>

namespace l7::dns {

enum class error {
  truncated = 1,       // the message ends inside a header, name, record or rdata
  bad_pointer,         // compression pointer forward, into the header or past the end (§4.1.4)
  pointer_loop,        // compression pointer into the name being read, or too many hops
  label_too_long,      // a label of more than 63 octets (RFC 1035 §2.3.4)
  name_too_long,       // a name of more than 255 octets on the wire (RFC 1035 §2.3.4)
  bad_label_type,      // reserved label types 0x40 / 0x80 (RFC 6891 §5)
  bad_name_text,       // presentation-format name: bad escape, empty label
  bad_rdata,           // rdata does not match its type's format or rdlength
  too_many_records,    // a section count exceeds limits.max_records_per_section
  message_too_large,   // over limits.max_message_size, or does not fit the encode budget
  multiple_opt,        // more than one OPT RR (RFC 6891 §6.1.1)
  bad_opt,             // OPT outside the additional section or with a non-root owner
  bad_option,          // an EDNS option's content is malformed (typed helpers)
  trailing_data,       // bytes after the last record (strict mode only)
  // Presentation format, zone files (rdata_parse.hpp, zone.hpp); never seen on the wire.
  zone_syntax,         // unbalanced parentheses or quotes, a missing field, a bad directive
  bad_ttl,             // not a number (BIND units allowed) or a TTL above 2^31-1 (RFC 2181 §8)
  unknown_rr_type,     // a type mnemonic we do not know, or a meta type in a zone file
  class_mismatch,      // a record's class differs from the zone's (RFC 1035 §5.2)
  include_failed,      // $INCLUDE without a callback, file unavailable or nested too deeply
  zone_too_large,      // more records than zone_parse_options::max_records
};

const std::error_category& category();
std::error_code make_error_code(error e);

// The RCODE a server answers a codec error with: 1 (FORMERR) for decode errors, 2 (SERVFAIL)
// when a reply could not be encoded.
std::uint16_t rcode_for(std::error_code ec);

}  // namespace l7::dns

template <>
struct std::is_error_code_enum<l7::dns::error> : std::true_type {};
