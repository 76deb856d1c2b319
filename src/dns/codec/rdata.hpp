// Typed rdata for the well-known RR types, and opaque bytes (RFC 3597) for everything else.
// Values own their data. A record's type lives in the record; type_of() says which type a typed
// alternative belongs to, so encoding can refuse a mismatch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <variant>
#include <vector>

#include "core/bytes.hpp"
#include "core/ip_address.hpp"
#include "dns/codec/name.hpp"
#include "dns/codec/name_wire.hpp"
#include "dns/codec/rdata_dnssec.hpp"
#include "dns/codec/rdata_svcb.hpp"

namespace l7::dns {

struct a_rdata {  // RFC 1035 §3.4.1 (class IN)
  ip_address address;
  friend bool operator==(const a_rdata&, const a_rdata&) = default;
};
struct aaaa_rdata {  // RFC 3596 §2.2 (class IN)
  ip_address address = ip_address::v6({});
  friend bool operator==(const aaaa_rdata&, const aaaa_rdata&) = default;
};
struct ns_rdata {  // RFC 1035 §3.3.11
  name host;
  friend bool operator==(const ns_rdata&, const ns_rdata&) = default;
};
struct cname_rdata {  // RFC 1035 §3.3.1
  name target;
  friend bool operator==(const cname_rdata&, const cname_rdata&) = default;
};
struct ptr_rdata {  // RFC 1035 §3.3.12
  name target;
  friend bool operator==(const ptr_rdata&, const ptr_rdata&) = default;
};
struct dname_rdata {  // RFC 6672 §2.1: never compressed when sent
  name target;
  friend bool operator==(const dname_rdata&, const dname_rdata&) = default;
};
struct soa_rdata {  // RFC 1035 §3.3.13
  name mname, rname;
  std::uint32_t serial = 0, refresh = 0, retry = 0, expire = 0, minimum = 0;
  friend bool operator==(const soa_rdata&, const soa_rdata&) = default;
};
struct mx_rdata {  // RFC 1035 §3.3.9
  std::uint16_t preference = 0;
  name exchange;
  friend bool operator==(const mx_rdata&, const mx_rdata&) = default;
};
struct txt_rdata {  // RFC 1035 §3.3.14: one or more <character-string>s of at most 255 octets
  std::vector<std::string> strings;
  friend bool operator==(const txt_rdata&, const txt_rdata&) = default;
};
struct srv_rdata {  // RFC 2782 (class IN), target never compressed
  std::uint16_t priority = 0, weight = 0, port = 0;
  name target;
  friend bool operator==(const srv_rdata&, const srv_rdata&) = default;
};
struct naptr_rdata {  // RFC 3403 §4.1, replacement never compressed
  std::uint16_t order = 0, preference = 0;
  std::string flags, services, regexp;
  name replacement;
  friend bool operator==(const naptr_rdata&, const naptr_rdata&) = default;
};
struct caa_rdata {  // RFC 8659 §4.1: tag of 1..15 ASCII letters and digits
  std::uint8_t flags = 0;
  std::string tag, value;
  friend bool operator==(const caa_rdata&, const caa_rdata&) = default;
};
struct opaque_rdata {  // RFC 3597: any type, including empty rdata (RFC 2136 updates)
  std::vector<std::byte> data;
  friend bool operator==(const opaque_rdata&, const opaque_rdata&) = default;
};

using rdata = std::variant<opaque_rdata, a_rdata, aaaa_rdata, ns_rdata, cname_rdata, ptr_rdata,
                           dname_rdata, soa_rdata, mx_rdata, txt_rdata, srv_rdata, naptr_rdata,
                           caa_rdata, ds_rdata, dnskey_rdata, rrsig_rdata, nsec_rdata,
                           nsec3_rdata, svcb_rdata, https_rdata>;

// The RR type a typed alternative belongs to; nullopt for opaque_rdata.
std::optional<std::uint16_t> type_of(const rdata& d);

// Decodes `rdlength` octets at r.position() (r spans the whole message, for compressed names).
// Known types decode to their struct; A, AAAA and SRV only in class IN; empty rdata and other
// types stay opaque. Names are decompressed in every known type (RFC 3597 §4). On success r is
// at the end of the rdata. Errors: truncated, bad_rdata, and the name errors.
rdata read_rdata(byte_reader& r, std::uint16_t type, std::uint16_t klass, std::uint16_t rdlength,
                 std::error_code& ec);

// Appends the rdata (without RDLENGTH). Names in NS, CNAME, PTR, SOA and MX are compressed
// (RFC 3597 §4); others are not. Errors: bad_rdata (a string over 255 octets, an empty TXT,
// a bad CAA tag, an IPv6 address in A or IPv4 in AAAA, an NSEC3 salt or hash over 255 octets,
// SvcParams out of order or malformed).
std::error_code write_rdata(byte_writer& w, name_compressor& c, const rdata& d);

// Presentation format of the rdata alone, as dig prints it; `\# len hex` for opaque data
// (RFC 3597 §5).
std::string to_string(const rdata& d);

namespace detail {
// A <character-string> in presentation format: double quotes, '"' and '\\' escaped, other
// octets outside 0x20..0x7e as \DDD (RFC 1035 §5.1).
std::string quoted(std::string_view s);
}  // namespace detail

}  // namespace l7::dns
