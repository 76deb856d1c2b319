#include "cli/dns_trace.hpp"

#include <fmt/format.h>

#include "dns/codec/types.hpp"
#include "dns/server/recursor.hpp"
#include "dns/server/settings.hpp"

namespace l7::cli {

namespace {

void print_step(const dns::server::trace_step& s) {
  fmt::print(";; asked {} (a server for {}): {} {}\n", dns::client::to_string(s.server),
             s.zone.to_string(), s.asked.qname.to_string(), dns::type_to_string(s.asked.qtype));
  if (!s.response) {
    fmt::print(";; no usable answer: {}\n\n", s.error);
    return;
  }
  const auto& m = *s.response;
  for (const auto& rr : m.answers) fmt::print("{}\n", dns::to_string(rr));
  for (const auto& rr : m.authority) fmt::print("{}\n", dns::to_string(rr));
  for (const auto& rr : m.additional) fmt::print("{}\n", dns::to_string(rr));
  const char* kind = !m.answers.empty() ? "answer"
                     : m.full_rcode() == dns::rcode::nxdomain ? "name does not exist"
                     : std::any_of(m.authority.begin(), m.authority.end(),
                                   [](const auto& rr) { return rr.type == dns::rr_type::ns; }) &&
                             !m.hdr.aa
                         ? "referral"
                         : "no data";
  fmt::print(";; {}, {}{}\n\n", dns::rcode_to_string(m.full_rcode()), kind, m.hdr.aa ? " (authoritative)" : "");
}

}  // namespace

int run_trace(const trace_request& r) {
  std::vector<dns::client::server_address> roots = r.roots;
  if (roots.empty()) {
    for (const auto& e : dns::server::iana_root_hints())
      if (auto a = ip_address::parse(e.host)) roots.push_back({*a, e.port});
  }
  dns::server::recursor_options o;
  o.timeout = r.timeout;
  o.server_port = r.referral_port;
  o.qname_minimisation = false;  // show the full question at every level, as dig +trace does
  dns::server::recursor rec(roots, o);
  std::optional<dns::message> answer;
  asio::io_context io;
  asio::co_spawn(io, [&]() -> net::awaitable<void> {
    dns::server::upstream_query uq{r.q, r.dnssec, false};
    dns::server::trace_fn fn = [&](const dns::server::trace_step& s) {
      if (!r.short_form) print_step(s);
    };
    answer = co_await rec.resolve(uq, std::move(fn));
  }, [](std::exception_ptr e) { if (e) std::rethrow_exception(e); });
  io.run();
  if (!answer) {
    fmt::print(stderr, ";; resolution failed: no server gave a usable answer\n");
    return 9;
  }
  if (r.short_form) {
    for (const auto& rr : answer->answers)
      if (rr.type == r.q.qtype) fmt::print("{}\n", dns::to_string(rr.data));
    return 0;
  }
  fmt::print(";; result: {}\n", dns::rcode_to_string(answer->full_rcode()));
  for (const auto& rr : answer->answers) fmt::print("{}\n", dns::to_string(rr));
  for (const auto& rr : answer->authority) fmt::print("{}\n", dns::to_string(rr));
  return 0;
}

}  // namespace l7::cli
