#include "dns/doh/json_api.hpp"

#include <nlohmann/json.hpp>

#include "core/text.hpp"
#include "dns/codec/types.hpp"

namespace l7::dns::doh {
namespace {

using json = nlohmann::ordered_json;  // keep Google's field order

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

result<name> parse_name_param(const std::optional<std::string>& value) {
  if (!value) return fail(400, "missing name parameter");
  if (value->empty()) return fail(400, "empty name parameter");
  std::error_code ec;
  name n = name::parse(*value, ec);
  if (ec) return fail(400, "invalid name '" + *value + "': " + ec.message());
  return n;
}

result<std::uint16_t> parse_type_param(const std::optional<std::string>& value) {
  if (!value || value->empty()) return rr_type::a;
  std::optional<std::uint16_t> type;
  if (auto n = parse_uint(*value)) {
    if (*n >= 1 && *n <= 65535) type = static_cast<std::uint16_t>(*n);
  } else {
    type = type_from_string(*value);
    if (type == 0) type.reset();
  }
  if (!type)
    return fail(400,
                "invalid type '" + *value + "': use a number 1..65535 or a mnemonic like AAAA");
  return *type;
}

result<bool> parse_flag_param(const query_params& params, const char* key) {
  auto value = params.get(key);
  auto flag = parse_flag(value);
  if (!flag)
    return fail(400,
                std::string("invalid ") + key + " value '" + *value + "': use 0, 1, true or false");
  return *flag;
}

struct subnet {
  ip_address address;
  std::uint8_t prefix = 0;
};

result<subnet> parse_subnet(std::string_view text) {
  const auto slash = text.find('/');
  auto address = ip_address::parse(text.substr(0, slash));
  if (!address)
    return fail(400, "invalid edns_client_subnet '" + std::string(text) + "': not an IP address");
  const std::uint64_t max = address->is_v4() ? 32 : 128;
  std::uint64_t prefix = max;
  if (slash != std::string_view::npos) {
    auto p = parse_uint(text.substr(slash + 1));
    if (!p || *p > max)
      return fail(400, "invalid edns_client_subnet '" + std::string(text) +
                           "': prefix must be 0.." + std::to_string(max));
    prefix = *p;
  }
  return subnet{*address, static_cast<std::uint8_t>(prefix)};
}

json record_json(const resource_record& rr) {
  return json{{"name", rr.owner.to_string()},
              {"type", rr.type},
              {"TTL", rr.ttl},
              {"data", to_string(rr.data)}};
}

void add_section(json& j, const char* key, const std::vector<resource_record>& records) {
  if (records.empty()) return;
  json list = json::array();
  for (const auto& rr : records) list.push_back(record_json(rr));
  j[key] = std::move(list);
}

// RFC 7871 §7.2.1 echoes the client's subnet with the resolver's scope; RFC 8914 extended
// errors explain failures. Malformed options are skipped: the DNS answer still stands.
void add_edns_fields(json& j, const message& response) {
  if (!response.opt) return;
  std::string comment;
  for (const auto& o : response.opt->options) {
    std::error_code ec;
    if (o.code == option_code::client_subnet && !j.contains("edns_client_subnet")) {
      if (auto s = parse_client_subnet(o, ec))
        j["edns_client_subnet"] = s->address.to_string() + "/" + std::to_string(s->scope_prefix);
    } else if (o.code == option_code::extended_error) {
      if (auto e = parse_extended_error(o, ec)) {
        if (!comment.empty()) comment += "; ";
        comment += "EDE " + std::to_string(e->info_code);
        if (!e->extra_text.empty()) comment += ": " + e->extra_text;
      }
    }
  }
  if (!comment.empty()) j["Comment"] = comment;
}

}  // namespace

result<message> parse_json_request(const query_params& params) {
  auto qname = parse_name_param(params.get("name"));
  if (!qname) return tl::unexpected(qname.error());
  auto qtype = parse_type_param(params.get("type"));
  if (!qtype) return tl::unexpected(qtype.error());
  auto cd = parse_flag_param(params, "cd");
  if (!cd) return tl::unexpected(cd.error());
  auto dnssec_ok = parse_flag_param(params, "do");
  if (!dnssec_ok) return tl::unexpected(dnssec_ok.error());

  message query = make_query(*qname, *qtype);
  query.hdr.cd = *cd;
  if (*dnssec_ok) {
    query.opt.emplace();
    query.opt->dnssec_ok = true;  // RFC 3225 §3
  }
  if (auto ecs = params.get("edns_client_subnet"); ecs && !ecs->empty()) {
    auto s = parse_subnet(*ecs);
    if (!s) return tl::unexpected(s.error());
    add_client_subnet(query, s->address, s->prefix);
  }
  return query;
}

std::string format_json(const message& response) {
  const auto& h = response.hdr;
  json j{{"Status", response.full_rcode()},
         {"TC", h.tc},
         {"RD", h.rd},
         {"RA", h.ra},
         {"AD", h.ad},
         {"CD", h.cd}};
  json questions = json::array();
  for (const auto& q : response.questions)
    questions.push_back(json{{"name", q.qname.to_string()}, {"type", q.qtype}});
  j["Question"] = std::move(questions);
  add_section(j, "Answer", response.answers);
  add_section(j, "Authority", response.authority);
  add_section(j, "Additional", response.additional);
  add_edns_fields(j, response);
  return dump(j);
}

std::string format_json_error(std::string_view message) {
  return dump(json{{"error", std::string(message)}});
}

}  // namespace l7::dns::doh
