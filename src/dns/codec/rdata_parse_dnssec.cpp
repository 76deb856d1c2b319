// DNSSEC rdata from presentation format (RFC 4034 §2.2, §3.2, §4.2, §5.3; RFC 5155 §3.3).
#include "dns/codec/rdata_parse_detail.hpp"
#include "dns/codec/types.hpp"

namespace l7::dns::detail {
namespace {

std::uint8_t algorithm(text_fields& f) {
  const auto a = dnssec_algorithm(f.token());
  if (!a) f.fail();
  return a.value_or(0);
}

std::uint32_t timestamp(text_fields& f) {
  const auto t = rrsig_time(f.token());
  if (!t) f.fail();
  return t.value_or(0);
}

// One token of hex (NSEC3 salt, RFC 5155 §3.3: no whitespace inside), `-` for none.
std::vector<std::byte> salt(text_fields& f) {
  std::vector<std::byte> out;
  const std::string_view text = f.token();
  const std::string_view one[] = {text};
  if (text != "-" && (!hex_tokens(one, out) || out.empty() || out.size() > 255)) f.fail();
  return out;
}

ds_rdata ds(text_fields& f) {  // RFC 4034 §5.3: the digest may be split by whitespace
  ds_rdata d;
  d.key_tag = static_cast<std::uint16_t>(f.number(65535));
  d.algorithm = algorithm(f);
  d.digest_type = static_cast<std::uint8_t>(f.number(255));
  if (f.ok() && !hex_tokens(f.rest(), d.digest)) f.fail();
  return d;
}

dnskey_rdata dnskey(text_fields& f) {  // RFC 4034 §2.2
  dnskey_rdata k;
  k.flags = static_cast<std::uint16_t>(f.number(65535));
  k.protocol = static_cast<std::uint8_t>(f.number(255));
  k.algorithm = algorithm(f);
  if (f.ok() && !base64_tokens(f.rest(), k.public_key)) f.fail();
  return k;
}

rrsig_rdata rrsig(text_fields& f) {  // RFC 4034 §3.2
  rrsig_rdata s;
  const auto covered = type_from_string(f.token());
  if (!covered) f.fail();
  s.type_covered = covered.value_or(0);
  s.algorithm = algorithm(f);
  s.labels = static_cast<std::uint8_t>(f.number(255));
  s.original_ttl = f.period();
  s.expiration = timestamp(f);
  s.inception = timestamp(f);
  s.key_tag = static_cast<std::uint16_t>(f.number(65535));
  s.signer = f.domain();
  if (f.ok() && !base64_tokens(f.rest(), s.signature)) f.fail();
  return s;
}

nsec_rdata nsec(text_fields& f) {  // RFC 4034 §4.2
  nsec_rdata n;
  n.next = f.domain();
  if (f.ok() && !type_list(f.rest(), n.types)) f.fail();
  return n;
}

nsec3_rdata nsec3(text_fields& f) {  // RFC 5155 §3.3
  nsec3_rdata n;
  n.hash_algorithm = static_cast<std::uint8_t>(f.number(255));
  n.flags = static_cast<std::uint8_t>(f.number(255));
  n.iterations = static_cast<std::uint16_t>(f.number(65535));
  n.salt = salt(f);
  const std::string_view next = f.token();
  if (f.ok() && (!base32hex_decode(next, n.next_hashed) || n.next_hashed.empty() ||
                 n.next_hashed.size() > 255))
    f.fail();
  if (f.ok() && !type_list(f.rest(), n.types)) f.fail();
  return n;
}

}  // namespace

std::optional<rdata> parse_dnssec_rdata(std::uint16_t type, text_fields& f) {
  switch (type) {
    case rr_type::ds: return ds(f);
    case rr_type::dnskey: return dnskey(f);
    case rr_type::rrsig: return rrsig(f);
    case rr_type::nsec: return nsec(f);
    case rr_type::nsec3: return nsec3(f);
    default: return std::nullopt;
  }
}

}  // namespace l7::dns::detail
