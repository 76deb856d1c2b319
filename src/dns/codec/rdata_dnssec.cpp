#include "dns/codec/rdata_dnssec.hpp"

#include <algorithm>
#include <array>
#include <ctime>

#include "core/base64.hpp"
#include "core/hash.hpp"
#include "dns/codec/types.hpp"

namespace l7::dns::detail {
namespace {

std::vector<std::byte> counted(byte_reader& r) {
  const auto b = r.bytes(r.u8());
  return {b.begin(), b.end()};
}

// RFC 4034 §3.2: YYYYMMDDHHmmSS in UTC.
std::string rrsig_time(std::uint32_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm);
  return buf;
}

// RFC 4648 §7 base32hex without padding (RFC 5155 §3.3).
std::string base32hex(std::span<const std::byte> data) {
  static constexpr char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const std::byte b : data) {
    acc = (acc << 8) | std::to_integer<std::uint32_t>(b);
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += alphabet[(acc >> bits) & 31];
    }
  }
  if (bits > 0) out += alphabet[(acc << (5 - bits)) & 31];
  return out;
}

std::string types_text(const std::vector<std::uint16_t>& types) {
  std::string out;
  for (const auto t : types) out += " " + type_to_string(t);
  return out;
}

std::string n(std::uint32_t v) { return std::to_string(v); }

}  // namespace

std::vector<std::byte> read_rest(byte_reader& r, std::size_t end) {
  if (r.position() > end) return {};  // the caller reports bad_rdata
  const auto b = r.bytes(end - r.position());
  return {b.begin(), b.end()};
}

void read_fields(byte_reader& r, std::size_t end, ds_rdata& d) {
  d.key_tag = r.u16();
  d.algorithm = r.u8();
  d.digest_type = r.u8();
  d.digest = read_rest(r, end);
}

void read_fields(byte_reader& r, std::size_t end, dnskey_rdata& d) {
  d.flags = r.u16();
  d.protocol = r.u8();
  d.algorithm = r.u8();
  d.public_key = read_rest(r, end);
}

bool read_fixed(byte_reader& r, rrsig_rdata& d) {
  d.type_covered = r.u16();
  d.algorithm = r.u8();
  d.labels = r.u8();
  d.original_ttl = r.u32();
  d.expiration = r.u32();
  d.inception = r.u32();
  d.key_tag = r.u16();
  return r.ok();
}

bool read_fields(byte_reader& r, std::size_t end, nsec3_rdata& d) {
  d.hash_algorithm = r.u8();
  d.flags = r.u8();
  d.iterations = r.u16();
  d.salt = counted(r);
  d.next_hashed = counted(r);
  // RFC 5155 §3.2: the hash length is at least 1.
  return r.ok() && !d.next_hashed.empty() && read_type_bitmap(r, end, d.types);
}

bool read_type_bitmap(byte_reader& r, std::size_t end, std::vector<std::uint16_t>& types) {
  int last_window = -1;
  while (r.ok() && r.position() < end) {
    const int window = r.u8();
    const std::size_t length = r.u8();
    const auto bits = r.bytes(length);
    if (!r.ok() || window <= last_window || length == 0 || length > 32 ||
        bits.back() == std::byte{0})
      return false;
    last_window = window;
    for (std::size_t i = 0; i < length; ++i)
      for (int bit = 0; bit < 8; ++bit)
        if (std::to_integer<unsigned>(bits[i]) & (0x80u >> bit))
          types.push_back(static_cast<std::uint16_t>(window * 256 + int(i) * 8 + bit));
  }
  return true;
}

void write_fixed(byte_writer& w, const rrsig_rdata& d) {
  w.u16(d.type_covered);
  w.u8(d.algorithm);
  w.u8(d.labels);
  w.u32(d.original_ttl);
  w.u32(d.expiration);
  w.u32(d.inception);
  w.u16(d.key_tag);
}

void write_type_bitmap(byte_writer& w, std::vector<std::uint16_t> types) {
  std::sort(types.begin(), types.end());
  types.erase(std::unique(types.begin(), types.end()), types.end());
  for (std::size_t i = 0; i < types.size();) {
    const int window = types[i] >> 8;
    std::array<std::uint8_t, 32> bits{};
    std::size_t length = 0;
    for (; i < types.size() && (types[i] >> 8) == window; ++i) {
      const int low = types[i] & 0xff;
      bits[low / 8] |= static_cast<std::uint8_t>(0x80u >> (low % 8));
      length = std::size_t(low / 8) + 1;
    }
    w.u8(static_cast<std::uint8_t>(window));
    w.u8(static_cast<std::uint8_t>(length));
    for (std::size_t k = 0; k < length; ++k) w.u8(bits[k]);
  }
}

bool write_fields(byte_writer& w, const nsec3_rdata& d) {
  if (d.salt.size() > 255 || d.next_hashed.size() > 255 || d.next_hashed.empty()) return false;
  w.u8(d.hash_algorithm);
  w.u8(d.flags);
  w.u16(d.iterations);
  w.u8(static_cast<std::uint8_t>(d.salt.size()));
  w.bytes(d.salt);
  w.u8(static_cast<std::uint8_t>(d.next_hashed.size()));
  w.bytes(d.next_hashed);
  write_type_bitmap(w, d.types);
  return true;
}

std::string text(const ds_rdata& d) {  // RFC 4034 §5.3
  return n(d.key_tag) + " " + n(d.algorithm) + " " + n(d.digest_type) + " " + to_hex(d.digest);
}

std::string text(const dnskey_rdata& d) {  // RFC 4034 §2.2
  return n(d.flags) + " " + n(d.protocol) + " " + n(d.algorithm) + " " +
         base64_encode(d.public_key);
}

std::string text(const rrsig_rdata& d) {  // RFC 4034 §3.2
  return type_to_string(d.type_covered) + " " + n(d.algorithm) + " " + n(d.labels) + " " +
         n(d.original_ttl) + " " + rrsig_time(d.expiration) + " " + rrsig_time(d.inception) +
         " " + n(d.key_tag) + " " + d.signer.to_string() + " " + base64_encode(d.signature);
}

std::string text(const nsec_rdata& d) { return d.next.to_string() + types_text(d.types); }

std::string text(const nsec3_rdata& d) {  // RFC 5155 §3.3
  return n(d.hash_algorithm) + " " + n(d.flags) + " " + n(d.iterations) + " " +
         (d.salt.empty() ? "-" : to_hex(d.salt)) + " " + base32hex(d.next_hashed) +
         types_text(d.types);
}

}  // namespace l7::dns::detail
