// The authoritative data a server holds: a set of zones, answered with the RFC 1034 §4.3.2
// algorithm: zone cuts give referrals with glue (AA clear), CNAME chains are followed through
// every zone held here, DNAME is substituted (RFC 6672 §3.3), wildcards synthesise answers
// (RFC 4592 §3.3), missing names give NXDOMAIN and missing types NODATA, both with the SOA in
// the authority section and its TTL capped by the SOA MINIMUM (RFC 2308 §3). ANY is answered
// per RFC 8482 §4.2: over UDP one RRset of the name, over TCP all of them.
//
// Immutable once built: share it between workers through a shared_ptr<const authority> and
// build a new one to reload.
#pragma once

#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dns/auth/zone.hpp"

namespace l7::dns::auth {

struct lookup_options {
  bool full_any = false;        // ANY: every RRset (TCP) instead of one (UDP)
  std::size_t max_chain = 12;   // CNAME/DNAME links followed before giving up
  bool additional = true;       // A/AAAA for NS, MX and SRV targets we hold
};

class authority {
 public:
  // Adds a zone, replacing one with the same origin.
  void add(zone z);
  std::size_t size() const { return zones_.size(); }
  const zone* find_exact(const name& origin) const;
  // The zone closest to `qname` (the longest origin it is at or below). With `for_ds`, a zone
  // whose origin is qname itself is skipped: DS lives on the parent side of a cut (RFC 4035 §3.1.4.1).
  const zone* find_zone(const name& qname, bool for_ds = false) const;
  std::vector<const zone*> zones() const;

  // Answers `q` into `response` (sections, AA, RCODE). Returns false, leaving `response`
  // untouched, when no zone here covers the name.
  bool answer(const question& q, message& response, const lookup_options& opts = {}) const;

 private:
  struct hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  // By canonical origin; looked up by suffixes of one canonical qname (no allocation per label).
  std::unordered_map<std::string, std::shared_ptr<const zone>, hash, std::equal_to<>> zones_;
};

}  // namespace l7::dns::auth
