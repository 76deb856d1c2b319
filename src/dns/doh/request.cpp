#include "dns/doh/request.hpp"

#include "core/text.hpp"
#include "dns/codec/types.hpp"

namespace l7::dns::doh {

result<query_params> query_params::parse(std::string_view query) {
  query_params out;
  if (query.empty()) return out;
  for (auto part : split(query, '&')) {
    if (part.empty()) continue;  // "a=1&&b=2": browsers and curl produce these
    const auto eq = part.find('=');
    auto key = percent_decode(part.substr(0, eq), true);
    auto value = eq == std::string_view::npos ? std::optional<std::string>(std::string{})
                                              : percent_decode(part.substr(eq + 1), true);
    if (!key || !value) return fail(400, "malformed percent-encoding in the query string");
    out.items_.emplace_back(std::move(*key), std::move(*value));
  }
  return out;
}

std::optional<std::string> query_params::get(std::string_view key) const {
  for (const auto& [k, v] : items_)
    if (k == key) return v;
  return std::nullopt;
}

std::optional<bool> parse_flag(const std::optional<std::string>& value) {
  if (!value || value->empty() || *value == "0" || iequals(*value, "false")) return false;
  if (*value == "1" || iequals(*value, "true")) return true;
  return std::nullopt;
}

void add_client_subnet(message& query, const ip_address& address, std::uint8_t prefix) {
  if (!query.opt) query.opt.emplace();
  client_subnet s;
  s.source_prefix = prefix;
  s.scope_prefix = 0;  // RFC 7871 §6: SCOPE PREFIX-LENGTH MUST be 0 in queries
  s.address = address;
  query.opt->options.push_back(make_option(s));
}

message make_query(const name& qname, std::uint16_t qtype) {
  message m;
  m.hdr.rd = true;
  m.questions.push_back({qname, qtype, rr_class::in});
  return m;
}

}  // namespace l7::dns::doh
