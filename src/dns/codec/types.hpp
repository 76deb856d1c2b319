// Numeric registries (IANA "Domain Name System (DNS) Parameters") and their mnemonics.
// Values are plain integers so that unknown ones pass through unchanged (RFC 3597).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace l7::dns {

namespace rr_type {
inline constexpr std::uint16_t a = 1, ns = 2, cname = 5, soa = 6, ptr = 12, mx = 15, txt = 16,
                               aaaa = 28, srv = 33, naptr = 35, dname = 39, opt = 41, ds = 43,
                               rrsig = 46, nsec = 47, dnskey = 48, nsec3 = 50, svcb = 64,
                               https = 65, axfr = 252, any = 255, caa = 257;
}

namespace rr_class {
inline constexpr std::uint16_t in = 1, ch = 3, hs = 4, none = 254, any = 255;
}

namespace opcode {
inline constexpr std::uint8_t query = 0, iquery = 1, status = 2, notify = 4, update = 5;
}

namespace rcode {
inline constexpr std::uint16_t noerror = 0, formerr = 1, servfail = 2, nxdomain = 3, notimp = 4,
                               refused = 5, yxdomain = 6, notauth = 9, badvers = 16;
}

// "A", "AAAA", ... or "TYPE65280" (RFC 3597 §5) for types without a mnemonic.
std::string type_to_string(std::uint16_t type);
// Mnemonic (case-insensitive) or TYPEnnn.
std::optional<std::uint16_t> type_from_string(std::string_view text);
// "IN", "CH", "HS", "NONE", "ANY" or "CLASSnnn".
std::string class_to_string(std::uint16_t klass);
std::optional<std::uint16_t> class_from_string(std::string_view text);
// "NOERROR", "FORMERR", ... or the decimal value (12-bit extended RCODEs included).
std::string rcode_to_string(std::uint16_t rc);
// "QUERY", "IQUERY", "STATUS", "NOTIFY", "UPDATE" or the decimal value.
std::string opcode_to_string(std::uint8_t op);

}  // namespace l7::dns
