// Per-family text parsers behind parse_rdata() (rdata_parse.cpp dispatches to them).
#pragma once

#include <cstdint>
#include <optional>

#include "dns/codec/presentation.hpp"
#include "dns/codec/rdata.hpp"

namespace l7::dns::detail {

// DS, DNSKEY, RRSIG, NSEC, NSEC3 (RFC 4034 §2.2-§5.3, RFC 5155 §3.3).
std::optional<rdata> parse_dnssec_rdata(std::uint16_t type, text_fields& f);
// SVCB and HTTPS (RFC 9460 §2.1, Appendix A).
std::optional<rdata> parse_svcb_rdata(std::uint16_t type, text_fields& f);
// RFC 9460 §8 and §14.3.2 rules the wire decoder does not enforce: the "mandatory" list is
// strictly increasing, never names itself, and names only keys present; key 65535 is absent.
bool svc_params_consistent(const std::vector<svc_param>& params);

}  // namespace l7::dns::detail
