// DNSSEC rdata (RFC 4034 §2-§5, RFC 5155 §3): parsed and printed, never validated here.
// Included by rdata.hpp; the detail functions are the per-type pieces rdata.cpp and
// rdata_text.cpp dispatch to.
#pragma once

#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include "core/bytes.hpp"
#include "dns/codec/name.hpp"

namespace l7::dns {

struct ds_rdata {  // RFC 4034 §5.1
  std::uint16_t key_tag = 0;
  std::uint8_t algorithm = 0, digest_type = 0;
  std::vector<std::byte> digest;
  friend bool operator==(const ds_rdata&, const ds_rdata&) = default;
};
struct dnskey_rdata {  // RFC 4034 §2.1
  std::uint16_t flags = 0;
  std::uint8_t protocol = 3, algorithm = 0;
  std::vector<std::byte> public_key;
  friend bool operator==(const dnskey_rdata&, const dnskey_rdata&) = default;
};
struct rrsig_rdata {  // RFC 4034 §3.1; times are seconds since 1970 modulo 2^32
  std::uint16_t type_covered = 0;
  std::uint8_t algorithm = 0, labels = 0;
  std::uint32_t original_ttl = 0, expiration = 0, inception = 0;
  std::uint16_t key_tag = 0;
  name signer;
  std::vector<std::byte> signature;
  friend bool operator==(const rrsig_rdata&, const rrsig_rdata&) = default;
};
struct nsec_rdata {  // RFC 4034 §4.1; `types` ascending and unique
  name next;
  std::vector<std::uint16_t> types;
  friend bool operator==(const nsec_rdata&, const nsec_rdata&) = default;
};
struct nsec3_rdata {  // RFC 5155 §3.2; `types` ascending and unique
  std::uint8_t hash_algorithm = 1, flags = 0;
  std::uint16_t iterations = 0;
  std::vector<std::byte> salt, next_hashed;
  std::vector<std::uint16_t> types;
  friend bool operator==(const nsec3_rdata&, const nsec3_rdata&) = default;
};

namespace detail {

// Fields up to `end`. Reads past `end` are left for the caller to report (position != end);
// a false return is a malformed field (bad type bitmap, empty NSEC3 hash).
std::vector<std::byte> read_rest(byte_reader& r, std::size_t end);  // empty when past `end`
void read_fields(byte_reader& r, std::size_t end, ds_rdata& d);
void read_fields(byte_reader& r, std::size_t end, dnskey_rdata& d);
bool read_fixed(byte_reader& r, rrsig_rdata& d);  // the fields before the signer's name
bool read_fields(byte_reader& r, std::size_t end, nsec3_rdata& d);
// RFC 4034 §4.1.2: windows ascending, 1..32 octets each, no trailing zero octet.
bool read_type_bitmap(byte_reader& r, std::size_t end, std::vector<std::uint16_t>& types);

void write_fixed(byte_writer& w, const rrsig_rdata& d);
// Sorts and de-duplicates `types` into the windowed bitmap.
void write_type_bitmap(byte_writer& w, std::vector<std::uint16_t> types);
bool write_fields(byte_writer& w, const nsec3_rdata& d);  // false: salt or hash over 255 octets

std::string text(const ds_rdata& d);
std::string text(const dnskey_rdata& d);
std::string text(const rrsig_rdata& d);
std::string text(const nsec_rdata& d);
std::string text(const nsec3_rdata& d);

}  // namespace detail
}  // namespace l7::dns
