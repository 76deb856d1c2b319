// A whole DNS message (RFC 1035 §4.1) and its wire codec. DNS messages are whole datagrams (or
// whole TCP frames after the RFC 1035 §4.2.2 length prefix), so decoding takes a complete
// message; there is no "need more".
//
// EDNS: the OPT pseudo-RR is lifted out of the additional section into `message::opt` on decode
// and appended as the last additional record on encode (RFC 6891 §6.1.1).
//
// Trailing data: strict decoding rejects bytes after the last record (error::trailing_data);
// lenient decoding (limits::lenient, for the analyzer) stops after the last record and returns
// the number of octets used, so the caller sees how much was left over.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "dns/codec/edns.hpp"
#include "dns/codec/name.hpp"
#include "dns/codec/rdata.hpp"

namespace l7::dns {

struct header {  // RFC 1035 §4.1.1, RFC 4035 §3.2 (AD, CD)
  std::uint16_t id = 0;
  bool qr = false;
  std::uint8_t opcode = 0;  // 4 bits
  bool aa = false, tc = false, rd = false, ra = false, z = false, ad = false, cd = false;
  std::uint8_t rcode = 0;  // low 4 bits of the RCODE
  friend bool operator==(const header&, const header&) = default;
};

struct question {  // RFC 1035 §4.1.2
  name qname;
  std::uint16_t qtype = 0;
  std::uint16_t qclass = 1;
  friend bool operator==(const question&, const question&) = default;
};

struct resource_record {  // RFC 1035 §4.1.3
  name owner;
  std::uint16_t type = 0;
  std::uint16_t klass = 1;
  std::uint32_t ttl = 0;
  rdata data;
  friend bool operator==(const resource_record&, const resource_record&) = default;
};

// A record whose type is taken from a typed rdata (`d` must not be opaque_rdata).
resource_record make_record(name owner, std::uint32_t ttl, rdata d);

struct message {
  header hdr;
  std::vector<question> questions;
  std::vector<resource_record> answers, authority, additional;  // additional without OPT
  std::optional<edns> opt;

  // The 12-bit RCODE: EDNS extended bits above the header's 4 (RFC 6891 §6.1.3).
  std::uint16_t full_rcode() const;
  // Splits a 12-bit RCODE into the header and (creating it if needed) the OPT record.
  void set_rcode(std::uint16_t rc);
  friend bool operator==(const message&, const message&) = default;
};

struct limits {
  std::size_t max_message_size = 65535;        // RFC 1035 §4.2.2 (TCP length prefix)
  std::size_t max_records_per_section = 8192;  // any section, questions included
  bool lenient = false;                        // accept trailing data (analyzer)
};

// Decodes one complete message. Returns the octets used (data.size() unless lenient and there
// was trailing data), 0 on error. Errors: every l7.dns decode error, including multiple_opt and
// bad_opt (an OPT outside the additional section or with a non-root owner).
std::size_t decode(std::span<const std::byte> data, message& m, std::error_code& ec,
                   const limits& lim = {});

// Appends the encoded message to `out` (which may already hold, say, a TCP length prefix).
// At most `max_size` octets (capped at 65535) are written: records that do not fit are dropped,
// and TC is set when an answer or authority record was dropped (RFC 2181 §9; RFC 1035 §4.1.1);
// the OPT record is always kept. Errors: message_too_large (header, questions and OPT alone do
// not fit), bad_rdata (a record's rdata is invalid or does not match its type). On error `out`
// is restored to its original size.
std::error_code encode(const message& m, std::vector<std::byte>& out,
                       std::size_t max_size = 65535);

// dig-like presentation: one record ("example.com.\t300\tIN\tA\t192.0.2.1"), one question
// (";example.com.\t\tIN\tA") and a whole message with ";; ->>HEADER<<-" and its sections.
std::string to_string(const resource_record& rr);
std::string to_string(const question& q);
std::string to_string(const message& m);

}  // namespace l7::dns
