#include "dns/doh/wire.hpp"

#include <algorithm>
#include <string>

#include "core/base64.hpp"
#include "core/text.hpp"
#include "dns/codec/error.hpp"
#include "dns/codec/types.hpp"
#include "dns/server/wire.hpp"

namespace l7::dns::doh {
namespace {

constexpr bool is_base64url(char c) { return is_alpha(c) || is_digit(c) || c == '-' || c == '_'; }

std::string describe(char c) {
  if (c == ' ') return "' ' (a '+' in the URL decodes to a space)";
  if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e) {
    static constexpr char digits[] = "0123456789abcdef";
    const auto u = static_cast<unsigned char>(c);
    return std::string("byte 0x") + digits[u >> 4] + digits[u & 15];
  }
  return std::string("'") + c + "'";
}

void min_into(std::optional<std::uint32_t>& acc, std::uint32_t v) {
  acc = acc ? std::min(*acc, v) : v;
}

}  // namespace

result<std::vector<std::byte>> decode_dns_param(const std::optional<std::string>& value) {
  if (!value)
    return fail(400, "missing dns parameter (RFC 8484 §4.1: GET needs ?dns=<base64url query>)");
  const std::string& text = *value;
  if (text.empty()) return fail(400, "empty dns parameter");
  // RFC 8484 §6: "padding characters for base64url MUST NOT be included".
  if (auto pad = text.find('='); pad != std::string::npos)
    return fail(400, "dns parameter: base64url padding '=' at offset " + std::to_string(pad) +
                         " is not allowed (RFC 8484 §6)");
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!is_base64url(text[i]))
      return fail(400, "dns parameter: " + describe(text[i]) + " at offset " + std::to_string(i) +
                           " is not in the base64url alphabet (A-Z a-z 0-9 - _)");
  }
  if (text.size() % 4 == 1)
    return fail(400, "dns parameter: " + std::to_string(text.size()) +
                         " characters is not a possible base64url length");
  // n base64url characters carry floor(n * 3 / 4) octets: check before decoding.
  if (text.size() * 3 / 4 > max_message_size)
    return fail(413, "dns parameter: the query is longer than 65535 octets");
  auto decoded = base64url_decode(text);
  if (!decoded)
    return fail(400,
                "dns parameter: non-canonical base64url (the unused trailing bits are not zero)");
  const auto b = as_bytes(*decoded);
  return std::vector<std::byte>(b.begin(), b.end());
}

std::optional<request_error> check_content_type(std::optional<std::string_view> content_type) {
  if (!content_type) return request_error{415, "POST needs Content-Type: application/dns-message"};
  auto type = trim_ows(content_type->substr(0, content_type->find(';')));
  if (iequals(type, dns_message_type)) return std::nullopt;
  return request_error{415, "Content-Type " + std::string(type) +
                                " is not supported; POST needs application/dns-message"};
}

result<message> parse_query(std::span<const std::byte> wire) {
  if (wire.empty()) return fail(400, "empty DNS query");
  message m;
  std::error_code ec;
  decode(wire, m, ec);
  if (ec) return fail(400, "malformed DNS query: " + ec.message());
  if (m.hdr.qr) return fail(400, "not a DNS query: the QR bit is set");
  return m;
}

std::optional<std::uint32_t> cache_max_age(const message& response) {
  if (response.hdr.tc) return std::nullopt;
  const auto rc = response.full_rcode();
  if (rc != rcode::noerror && rc != rcode::nxdomain) return std::nullopt;
  std::optional<std::uint32_t> age;
  for (const auto& rr : response.answers) min_into(age, rr.ttl);
  const bool negative = rc == rcode::nxdomain || response.answers.empty();
  if (!negative) return age;
  // RFC 2308 §5: a negative answer lives as long as the SOA's TTL and MINIMUM allow.
  for (const auto& rr : response.authority) {
    if (const auto* soa = std::get_if<soa_rdata>(&rr.data)) {
      min_into(age, std::min(rr.ttl, soa->minimum));
      return age;
    }
  }
  return std::nullopt;
}

std::vector<std::byte> encode_response(message response, const message& query) {
  response.hdr.id = query.hdr.id;
  std::vector<std::byte> out;
  // The UDP/TCP transports' encoder: an unencodable answer (bad rdata) still becomes a DNS
  // answer, SERVFAIL for the same question (DESIGN.md: errors answered the protocol's way).
  server::encode_response(response, out, max_message_size);
  return out;
}

}  // namespace l7::dns::doh
