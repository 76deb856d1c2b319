#include "smtp/relay/route.hpp"

#include <algorithm>

#include "core/text.hpp"
#include "dns/codec/message.hpp"
#include "dns/codec/types.hpp"

namespace l7::smtp::relay {

namespace {

std::string host_text(const dns::name& n) {
  auto s = to_lower(n.to_string());
  if (s.ends_with('.')) s.pop_back();
  return s;
}

}  // namespace

mx_result mx_hosts(const dns::message& response, std::string_view domain,
                   const std::function<std::uint32_t()>& random) {
  mx_result out;
  const auto rc = response.full_rcode();
  if (rc == dns::rcode::nxdomain) {
    out.outcome = mx_outcome::no_domain;
    out.detail = "Host or domain name not found (NXDOMAIN for " + std::string(domain) + ")";
    return out;
  }
  if (rc != dns::rcode::noerror) {
    out.outcome = mx_outcome::temporary;
    out.detail = "DNS lookup of the MX records of " + std::string(domain) + " failed (rcode " +
                 std::to_string(rc) + ")";
    return out;
  }
  bool null_mx = false;
  for (const auto& rr : response.answers) {
    if (rr.type != dns::rr_type::mx) continue;
    const auto* mx = std::get_if<dns::mx_rdata>(&rr.data);
    if (!mx) continue;
    if (mx->exchange.is_root()) {
      null_mx = true;
      continue;
    }
    out.hosts.push_back({host_text(mx->exchange), mx->preference});
  }
  if (out.hosts.empty() && null_mx) {
    out.outcome = mx_outcome::null_mx;
    out.detail = "Domain " + std::string(domain) + " does not accept mail (null MX, RFC 7505)";
    return out;
  }
  if (out.hosts.empty()) {  // §5.1: the domain is its own MX, preference 0
    out.hosts.push_back({to_lower(domain), 0});
  }
  // Shuffle, then a stable sort by preference: equal preferences stay in random order.
  for (std::size_t i = out.hosts.size(); i > 1; --i) std::swap(out.hosts[i - 1], out.hosts[random() % i]);
  std::stable_sort(out.hosts.begin(), out.hosts.end(),
                   [](const mx_host& a, const mx_host& b) { return a.preference < b.preference; });
  // The same host twice (two names' CNAMEs aside) is tried once.
  std::vector<mx_host> unique;
  for (auto& h : out.hosts)
    if (std::none_of(unique.begin(), unique.end(), [&](const mx_host& u) { return u.name == h.name; }))
      unique.push_back(std::move(h));
  out.hosts = std::move(unique);
  out.outcome = mx_outcome::hosts;
  return out;
}

std::vector<ip_address> addresses_of(const dns::message& response, std::uint16_t qtype) {
  std::vector<ip_address> out;
  if (response.full_rcode() != dns::rcode::noerror) return out;
  for (const auto& rr : response.answers) {
    if (rr.type != qtype) continue;
    if (const auto* a = std::get_if<dns::a_rdata>(&rr.data)) out.push_back(a->address);
    else if (const auto* a6 = std::get_if<dns::aaaa_rdata>(&rr.data)) out.push_back(a6->address);
  }
  return out;
}

std::chrono::seconds backoff(unsigned attempts, std::chrono::seconds first, std::chrono::seconds max) {
  auto d = first;
  for (unsigned i = 1; i < attempts && d < max; ++i) d *= 2;
  return std::min(d, max);
}

std::string enhanced_status(const numeric_reply& r) {
  const int cls = r.code / 100;
  const std::string fallback = std::to_string(cls) + ".0.0";
  if (r.lines.empty()) return fallback;
  std::string_view t = r.lines.front();
  const auto end = t.find(' ');
  const auto word = t.substr(0, end);
  // class "." subject(1-3 digits) "." detail(1-3 digits), RFC 3463 §2
  if (word.size() < 5 || word[0] - '0' != cls || word[1] != '.') return fallback;
  const auto dot = word.find('.', 2);
  if (dot == std::string_view::npos) return fallback;
  const auto subject = word.substr(2, dot - 2), detail = word.substr(dot + 1);
  auto digits = [](std::string_view s) {
    return !s.empty() && s.size() <= 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(subject) || !digits(detail)) return fallback;
  return std::string(word);
}

std::string reply_line(const numeric_reply& r) {
  std::string s = std::to_string(r.code);
  for (const auto& l : r.lines) {
    s += ' ';
    for (char c : l) s += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  }
  return s;
}

std::string domain_of(std::string_view address) {
  const auto at = address.rfind('@');
  if (at == std::string_view::npos) return {};
  return to_lower(address.substr(at + 1));
}

}  // namespace l7::smtp::relay
