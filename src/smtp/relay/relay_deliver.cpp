// One delivery attempt of the relay (relay.hpp): where mail for a domain goes (the smarthost,
// an address literal, or its MX hosts and their addresses), then the SMTP transaction with
// each address in turn until one answers, and what each reply means for each recipient.
#include <algorithm>

#include <spdlog/spdlog.h>

#include "app/metrics.hpp"
#include "core/text.hpp"
#include "smtp/client/error.hpp"
#include "smtp/client/session.hpp"
#include "smtp/codec/command.hpp"
#include "smtp/relay/relay.hpp"
#include "smtp/relay/relay_detail.hpp"
#include "smtp/relay/route.hpp"

namespace l7::smtp::relay {
namespace {

namespace sc = l7::smtp::client;
using detail::failed_response;
using detail::random_u32;

std::string notify_text(std::uint8_t n) {
  if (n & notify_never) return "NEVER";
  std::string s;
  auto add = [&s](const char* w) { s += s.empty() ? w : std::string(",") + w; };
  if (n & notify_success) add("SUCCESS");
  if (n & notify_failure) add("FAILURE");
  if (n & notify_delay) add("DELAY");
  return s;
}

// "[192.0.2.1]" or "[IPv6:2001:db8::1]" (RFC 5321 §4.1.3) -> the address.

std::optional<ip_address> address_literal(std::string_view domain) {
  if (domain.size() < 3 || domain.front() != '[' || domain.back() != ']') return std::nullopt;
  auto inner = domain.substr(1, domain.size() - 2);
  if (inner.size() > 5 && iequals(inner.substr(0, 5), "IPv6:")) {
    auto a = ip_address::parse(inner.substr(5));
    if (a && a->is_v6()) return a;
    return std::nullopt;
  }
  auto a = ip_address::parse(inner);
  if (a && a->is_v4()) return a;
  return std::nullopt;
}

}  // namespace

net::awaitable<dns::message> relay::lookup(const std::string& host, std::uint16_t qtype) {
  dns::message q;
  q.hdr.id = static_cast<std::uint16_t>(random_u32());
  q.hdr.rd = true;
  std::error_code ec;
  auto n = dns::name::parse(host, ec);
  if (ec) {
    auto r = failed_response(q);
    r.set_rcode(dns::rcode::nxdomain);  // not a DNS name: treated as "not found"
    co_return r;
  }
  q.questions.push_back({std::move(n), qtype, dns::rr_class::in});
  try {
    co_return co_await lookup_(std::move(q));
  } catch (const std::exception& ex) {
    log_->warn("DNS lookup of {} failed: {}", host, ex.what());
  }
  dns::message fail;
  fail.set_rcode(dns::rcode::servfail);
  co_return fail;
}

net::awaitable<std::vector<ip_address>> relay::resolve_host(const std::string& host, std::string& error) {
  if (auto a = ip_address::parse(host)) co_return std::vector<ip_address>{*a};
  std::vector<ip_address> out;
  bool temporary = false, exists = false;
  for (const auto qtype : {dns::rr_type::a, dns::rr_type::aaaa}) {
    const auto r = co_await lookup(host, qtype);
    const auto rc = r.full_rcode();
    if (rc == dns::rcode::noerror) exists = true;
    else if (rc != dns::rcode::nxdomain) temporary = true;
    for (auto& a : addresses_of(r, qtype)) out.push_back(a);
  }
  if (out.empty()) {
    error = temporary ? "temporary DNS failure looking up " + host
                      : (exists ? "no A or AAAA record for " + host : "host " + host + " not found");
    if (!temporary) error.insert(0, "permanent: ");
  }
  co_return out;
}

net::awaitable<std::vector<relay::target>> relay::targets_for(queue_entry& e, const std::string& domain,
                                                              const std::vector<std::size_t>& rcpts) {
  auto settle = [&](rcpt_state state, const std::string& status, const std::string& diagnostic) {
    for (auto i : rcpts) {
      auto& r = e.recipients[i];
      r.state = state;
      r.status = status;
      r.diagnostic = diagnostic;
      r.remote.clear();
      (state == rcpt_state::failed ? bounced_ : deferred_)->inc();
      log_->info("{}: to=<{}>, status={} ({})", e.id, r.address, state == rcpt_state::failed ? "bounced" : "deferred",
                 diagnostic);
    }
  };
  std::vector<target> out;
  if (!settings_.smarthost.empty()) {
    auto hp = parse_host_port(settings_.smarthost, 25);
    target t;
    t.name = hp ? hp->host : settings_.smarthost;
    t.port = hp ? hp->port : 25;
    t.smarthost = true;
    std::string error;
    t.addresses = co_await resolve_host(t.name, error);
    if (t.addresses.empty()) {
      settle(rcpt_state::pending, "4.4.3", "smarthost " + settings_.smarthost + ": " + error);
      co_return out;
    }
    out.push_back(std::move(t));
    co_return out;
  }
  if (auto literal = address_literal(domain)) {
    out.push_back(target{domain, settings_.port, {*literal}, false});
    co_return out;
  }
  const auto mx = mx_hosts(co_await lookup(domain, dns::rr_type::mx), domain, random_u32);
  switch (mx.outcome) {
    case mx_outcome::no_domain: settle(rcpt_state::failed, "5.1.2", mx.detail); co_return out;
    case mx_outcome::null_mx: settle(rcpt_state::failed, "5.1.10", mx.detail); co_return out;
    case mx_outcome::temporary: settle(rcpt_state::pending, "4.4.3", mx.detail); co_return out;
    case mx_outcome::hosts: break;
  }
  std::string last_error;
  bool only_permanent = true;
  for (const auto& h : mx.hosts) {
    std::string error;
    auto addrs = co_await resolve_host(h.name, error);
    if (addrs.empty()) {
      last_error = error;
      if (!error.starts_with("permanent: ")) only_permanent = false;
      continue;
    }
    out.push_back(target{h.name, settings_.port, std::move(addrs), false});
  }
  if (out.empty()) {
    // RFC 5321 §5.1: no usable address for any MX. Unresolvable names are permanent
    // (Postfix: 5.4.4), a lookup that failed is not.
    if (only_permanent) settle(rcpt_state::failed, "5.4.4", "no usable mail exchanger for " + domain + ": " + last_error);
    else settle(rcpt_state::pending, "4.4.3", last_error);
  }
  co_return out;
}

net::awaitable<void> relay::deliver_domain(queue_entry& e, const std::string& message, const std::string& domain,
                                           const std::vector<std::size_t>& rcpts) {
  const auto targets = co_await targets_for(e, domain, rcpts);
  if (targets.empty()) co_return;
  std::string last_error;
  unsigned tried_addresses = 0;
  for (const auto& t : targets) {
    for (const auto& a : t.addresses) {
      if (stopping_ || tried_addresses++ >= settings_.max_addresses) break;
      target one{t.name, t.port, {a}, t.smarthost};
      if (co_await try_address(e, message, one, rcpts, last_error) == tried::done) co_return;
    }
  }
  for (auto i : rcpts) {
    auto& r = e.recipients[i];
    r.state = rcpt_state::pending;
    r.status = "4.4.1";  // no answer from host
    r.diagnostic = last_error.empty() ? "no mail exchanger could be reached" : last_error;
    deferred_->inc();
    log_->info("{}: to=<{}>, status=deferred ({})", e.id, r.address, r.diagnostic);
  }
}

net::awaitable<relay::tried> relay::try_address(queue_entry& e, const std::string& message, const target& t,
                                                const std::vector<std::size_t>& rcpts, std::string& last_error) {
  const auto& addr = t.addresses.front();
  sc::options o;
  o.host = addr.to_string();
  o.port = t.port;
  switch (settings_.tls) {
    case tls_policy::none: o.tls = sc::tls_mode::off; break;
    case tls_policy::may: o.tls = sc::tls_mode::starttls_optional; break;
    case tls_policy::encrypt:
    case tls_policy::verify: o.tls = sc::tls_mode::starttls_required; break;
  }
  o.insecure = settings_.tls != tls_policy::verify;
  // Verification checks the certificate against the MX name, so the client connects by name
  // (resolving it itself) rather than to the address we looked up.
  if (settings_.tls == tls_policy::verify && !ip_address::parse(t.name)) o.host = t.name;
  o.helo_name = settings_.hostname;
  if (t.smarthost && !settings_.smarthost_user.empty()) {
    o.auth_user = settings_.smarthost_user;
    o.auth_password = settings_.smarthost_password;
  }
  o.limits = sc::timeouts::all(settings_.command_timeout);
  o.limits.connect = settings_.connect_timeout;
  o.limits.data_term = std::max(settings_.command_timeout, std::chrono::milliseconds(600'000));
  const std::string where = t.name + "[" + addr.to_string() + "]:" + std::to_string(t.port);

  sc::session s(ex_, o);
  auto st = co_await s.connect();
  if (!st.ok()) {
    last_error = where + ": " + st.message();
    log_->info("{}: {}", e.id, last_error);
    co_await s.quit();
    co_return tried::next;
  }
  const auto& caps = s.server_capabilities();
  if (!t.smarthost && iequals(caps.domain, settings_.hostname)) {
    // RFC 5321 §5.1: a host must not relay to itself; a message for a domain whose MX is us
    // but which is not one of our domains would circle until its hop count ran out.
    co_await s.quit();
    for (auto i : rcpts) {
      auto& r = e.recipients[i];
      r.state = rcpt_state::failed;
      r.status = "5.4.6";
      r.diagnostic = "mail for " + domain_of(r.address) + " loops back to myself (" + where + ")";
      r.remote = where;
      bounced_->inc();
      log_->info("{}: to=<{}>, status=bounced ({})", e.id, r.address, r.diagnostic);
    }
    co_return tried::done;
  }
  sc::envelope env;
  env.from = e.from;
  for (auto i : rcpts) env.to.push_back(e.recipients[i].address);
  if (caps.dsn) {  // RFC 3461 §5.2: pass the DSN parameters on to a server that has them
    if (!e.ret.empty()) env.mail_params = "RET=" + e.ret;
    if (!e.envid.empty()) env.mail_params += (env.mail_params.empty() ? "" : " ") + ("ENVID=" + xtext_encode(e.envid));
    for (auto i : rcpts) {
      const auto& r = e.recipients[i];
      std::string p;
      if (r.notify) p = "NOTIFY=" + notify_text(r.notify);
      if (!r.orcpt.empty()) {
        const auto semi = r.orcpt.find(';');
        if (semi != std::string::npos)
          p += (p.empty() ? "" : " ") + ("ORCPT=" + r.orcpt.substr(0, semi + 1) + xtext_encode(r.orcpt.substr(semi + 1)));
      }
      env.rcpt_params.push_back(std::move(p));
    }
  }
  const auto res = co_await s.send(env, message);
  co_await s.quit();

  auto settle = [&](queued_recipient& r, rcpt_state state, std::string status, std::string diagnostic) {
    r.state = state;
    r.status = std::move(status);
    r.diagnostic = std::move(diagnostic);
    r.remote = where;
    const char* word = state == rcpt_state::delivered ? "sent" : state == rcpt_state::failed ? "bounced" : "deferred";
    (state == rcpt_state::delivered ? delivered_ : state == rcpt_state::failed ? bounced_ : deferred_)->inc();
    log_->info("{}: to=<{}>, relay={}, status={} ({})", e.id, r.address, where, word, r.diagnostic);
  };
  auto by_reply = [&](queued_recipient& r, const numeric_reply& reply) {
    const int cls = reply.code / 100;
    settle(r, cls == 2 ? rcpt_state::delivered : cls == 5 ? rcpt_state::failed : rcpt_state::pending,
           enhanced_status(reply), reply_line(reply));
  };
  const bool mail_refused = res.st.rejected() && res.st.where == "MAIL FROM";
  const bool before_rcpt = !res.st.ok() && !res.st.rejected() && res.recipients.empty();
  if (before_rcpt && res.st.ec != sc::error::smtputf8_unavailable && res.st.ec != sc::error::message_too_big &&
      res.st.ec != sc::error::unsafe_argument) {
    last_error = where + ": " + res.st.message();
    log_->info("{}: {}", e.id, last_error);
    co_return tried::next;  // the connection broke before the transaction began: next MX
  }
  for (std::size_t k = 0; k < rcpts.size(); ++k) {
    auto& r = e.recipients[rcpts[k]];
    const sc::recipient_result* rr = nullptr;
    for (const auto& x : res.recipients)
      if (x.address == r.address) rr = &x;
    if (mail_refused) by_reply(r, res.st.reply);
    else if (res.st.ec == sc::error::smtputf8_unavailable)  // RFC 6531 §3.2
      settle(r, rcpt_state::failed, "5.6.7", where + " does not support SMTPUTF8, needed for this message");
    else if (res.st.ec == sc::error::message_too_big)
      settle(r, rcpt_state::failed, "5.3.4", where + ": " + res.st.message());
    else if (res.st.ec == sc::error::unsafe_argument)
      settle(r, rcpt_state::failed, "5.1.3", "address unusable in SMTP: " + res.st.message());
    else if (!rr) settle(r, rcpt_state::pending, "4.4.2", where + ": " + res.st.message());
    else if (!rr->accepted()) by_reply(r, rr->reply);
    else if (res.st.ok()) {
      by_reply(r, res.final_reply);
      r.passed_on = caps.dsn;
    }
    else if (res.st.rejected()) by_reply(r, res.st.reply);
    else settle(r, rcpt_state::pending, "4.4.2", where + ": " + res.st.message());
  }
  co_return tried::done;
}

}  // namespace l7::smtp::relay
