// One authoritative zone held in memory: records grouped into RRsets per owner name, the set
// of names that exist (owners and empty non-terminals, RFC 4592 §2.2.2) and the zone cuts.
// Built once from a record list (a parsed zone file) and then read-only, so one zone can be
// shared by every worker thread without locks; a reload builds a new zone and swaps it in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "dns/codec/message.hpp"

namespace l7::dns::auth {

struct rrset {
  name owner;
  std::uint16_t type = 0;
  std::uint32_t ttl = 0;
  std::vector<rdata> rdatas;

  // The set as records, owned by `owner_override` when given (wildcard synthesis).
  void append_to(std::vector<resource_record>& out, const name* owner_override = nullptr) const;
};

class zone {
 public:
  // Checks the data (RFC 1035 §5.2, RFC 2181 §10.1, RFC 1034 §3.6.2): exactly one SOA, at the
  // origin; NS at the origin; every record at or below the origin and in class IN; no CNAME
  // beside other data at a name (RRSIG and NSEC excepted); RRset TTLs unified to the smallest
  // (RFC 2181 §5.2) with a warning; exact duplicate records dropped (RFC 2181 §5).
  // On failure returns nullopt and a message naming the record.
  static std::optional<zone> build(name origin, std::vector<resource_record> records,
                                   std::string& error, std::vector<std::string>* warnings = nullptr);

  const name& origin() const { return origin_; }
  const soa_rdata& soa() const { return soa_; }
  std::uint32_t soa_ttl() const { return soa_ttl_; }
  std::size_t record_count() const { return record_count_; }

  // Every RRset at `owner` (empty when the name has none: nonexistent or empty non-terminal).
  const std::vector<rrset>* node(const name& owner) const;
  const rrset* find(const name& owner, std::uint16_t type) const;
  // True for owners and for empty non-terminals (names with descendants but no data).
  bool exists(const name& n) const;
  // A zone cut: a name below the origin that owns NS records.
  bool is_delegation(const name& n) const;

  // SOA, every other record (zone order: names sorted canonically, RFC 4034 §6.1), SOA again:
  // the record stream of an AXFR (RFC 5936 §2.2).
  std::vector<resource_record> transfer_records() const;

 private:
  name origin_;
  soa_rdata soa_;
  std::uint32_t soa_ttl_ = 0;
  std::size_t record_count_ = 0;
  // Keyed by name::canonical_wire(): lower-cased, so lookups are case-insensitive.
  std::unordered_map<std::string, std::vector<rrset>> nodes_;
  std::unordered_map<std::string, bool> names_;  // every existing name -> is a zone cut
};

}  // namespace l7::dns::auth
