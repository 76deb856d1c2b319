#include "dns/codec/types.hpp"

#include <array>
#include <utility>

#include "core/text.hpp"

namespace l7::dns {
namespace {

using entry = std::pair<std::uint16_t, std::string_view>;

constexpr std::array<entry, 26> type_names{{
    {rr_type::a, "A"},         {rr_type::ns, "NS"},       {rr_type::cname, "CNAME"},
    {rr_type::soa, "SOA"},     {rr_type::ptr, "PTR"},     {13, "HINFO"},
    {rr_type::mx, "MX"},       {rr_type::txt, "TXT"},     {rr_type::aaaa, "AAAA"},
    {rr_type::srv, "SRV"},     {rr_type::naptr, "NAPTR"}, {rr_type::dname, "DNAME"},
    {rr_type::opt, "OPT"},     {rr_type::ds, "DS"},       {rr_type::rrsig, "RRSIG"},
    {rr_type::nsec, "NSEC"},   {rr_type::dnskey, "DNSKEY"}, {rr_type::nsec3, "NSEC3"},
    {rr_type::svcb, "SVCB"},   {rr_type::https, "HTTPS"}, {250, "TSIG"},
    {251, "IXFR"},             {rr_type::axfr, "AXFR"},   {rr_type::any, "ANY"},
    {rr_type::caa, "CAA"},     {51, "NSEC3PARAM"},
}};

constexpr std::array<entry, 5> class_names{{
    {rr_class::in, "IN"}, {rr_class::ch, "CH"}, {rr_class::hs, "HS"},
    {rr_class::none, "NONE"}, {rr_class::any, "ANY"},
}};

constexpr std::array<entry, 12> rcode_names{{
    {0, "NOERROR"}, {1, "FORMERR"}, {2, "SERVFAIL"}, {3, "NXDOMAIN"}, {4, "NOTIMP"},
    {5, "REFUSED"}, {6, "YXDOMAIN"}, {7, "YXRRSET"}, {8, "NXRRSET"}, {9, "NOTAUTH"},
    {10, "NOTZONE"}, {16, "BADVERS"},
}};

constexpr std::array<entry, 5> opcode_names{{
    {opcode::query, "QUERY"}, {opcode::iquery, "IQUERY"}, {opcode::status, "STATUS"},
    {opcode::notify, "NOTIFY"}, {opcode::update, "UPDATE"},
}};

template <std::size_t N>
std::string to_text(const std::array<entry, N>& table, std::uint16_t v, std::string_view prefix) {
  for (const auto& [value, text] : table)
    if (value == v) return std::string(text);
  return std::string(prefix) + std::to_string(v);
}

template <std::size_t N>
std::optional<std::uint16_t> from_text(const std::array<entry, N>& table, std::string_view s,
                                       std::string_view prefix) {
  for (const auto& [value, text] : table)
    if (iequals(text, s)) return value;
  if (!istarts_with(s, prefix)) return std::nullopt;
  const auto n = parse_uint(s.substr(prefix.size()));
  if (!n || *n > 0xffff) return std::nullopt;
  return static_cast<std::uint16_t>(*n);
}

}  // namespace

std::string type_to_string(std::uint16_t type) { return to_text(type_names, type, "TYPE"); }
std::optional<std::uint16_t> type_from_string(std::string_view text) {
  return from_text(type_names, text, "TYPE");
}
std::string class_to_string(std::uint16_t klass) { return to_text(class_names, klass, "CLASS"); }
std::optional<std::uint16_t> class_from_string(std::string_view text) {
  return from_text(class_names, text, "CLASS");
}
std::string rcode_to_string(std::uint16_t rc) { return to_text(rcode_names, rc, ""); }
std::string opcode_to_string(std::uint8_t op) { return to_text(opcode_names, op, ""); }

}  // namespace l7::dns
