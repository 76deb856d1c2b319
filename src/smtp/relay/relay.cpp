#include "smtp/relay/relay.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "app/log.hpp"
#include "app/metrics.hpp"
#include "core/random.hpp"
#include "core/text.hpp"
#include "dns/codec/types.hpp"
#include "net/runtime.hpp"
#include "smtp/client/error.hpp"
#include "smtp/client/session.hpp"
#include "smtp/codec/command.hpp"
#include "smtp/relay/dsn.hpp"
#include "smtp/relay/route.hpp"

namespace l7::smtp::relay {
namespace {

namespace sc = l7::smtp::client;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::uint32_t random_u32() {
  std::array<std::byte, 4> b;
  random_fill(b);
  std::uint32_t v;
  std::memcpy(&v, b.data(), sizeof v);
  return v;
}

dns::message failed_response(const dns::message& q) {
  dns::message r;
  r.hdr.id = q.hdr.id;
  r.hdr.qr = true;
  r.questions = q.questions;
  r.set_rcode(dns::rcode::servfail);
  return r;
}

net::awaitable<dns::message> ask(dns::client::server_address server, dns::message q) {
  auto r = co_await dns::client::exchange(server, q, {});
  if (r.ec) co_return failed_response(q);
  co_return std::move(r.response);
}

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

struct relay::target {
  std::string name;
  std::uint16_t port = 25;
  std::vector<ip_address> addresses;
  bool smarthost = false;
};

std::string new_queue_id() {
  std::array<std::byte, 16> raw;
  random_fill(raw);
  static constexpr char alphabet[] = "0123456789BCDFGHJKLMNPQRSTVWXYZ";
  std::string id;
  for (auto b : raw) id.push_back(alphabet[std::to_integer<unsigned>(b) % 31]);
  return id;
}

lookup_fn lookup_via(dns::client::server_address server) {
  return [server](dns::message q) { return ask(server, std::move(q)); };
}

dns::client::server_address system_resolver() {
  std::ifstream in("/etc/resolv.conf");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string key, value;
    if (words >> key >> value && key == "nameserver" && value.find('%') == std::string::npos) {
      if (auto a = ip_address::parse(value)) return {*a, 53};
    }
  }
  return {ip_address::v4({127, 0, 0, 1}), 53};
}

relay::relay(settings s, lookup_fn lookup, local_fn local)
    : settings_(std::move(s)), lookup_(std::move(lookup)), local_(std::move(local)), queue_(settings_.queue_dir) {
  log_ = app::logger("relay");
  auto& reg = app::metrics();
  auto& results = reg.counter_family("l7_smtp_relay_recipients_total",
                                     "Outbound recipients by attempt result", {"result"});
  delivered_ = &results.with({"delivered"});
  deferred_ = &results.with({"deferred"});
  bounced_ = &results.with({"bounced"});
  queued_ = &reg.gauge_metric("l7_smtp_queue_messages", "Messages in the outbound queue");
}

relay::~relay() {
  if (files_) files_->join();
}

void relay::start(net::worker& w) {
  if (files_) return;
  ex_ = w.executor();
  files_ = std::make_unique<asio::thread_pool>(1);
  timer_ = std::make_unique<asio::steady_timer>(ex_);
  std::vector<std::string> problems;
  for (auto& e : queue_.load(&problems)) {
    auto id = e.id;  // not e.id itself: slot{std::move(e)} empties it before the key is made
    slots_.emplace(std::move(id), slot{std::move(e)});
  }
  for (const auto& p : problems) log_->warn("queue {}: {}", queue_.dir().string(), p);
  queued_->set(static_cast<std::int64_t>(slots_.size()));
  if (!slots_.empty()) log_->info("{} message(s) in the outbound queue", slots_.size());
  auto self = shared_from_this();
  asio::co_spawn(ex_, [self, &w]() -> net::awaitable<void> {
    // A weak reference: the worker keeps its stop hooks until it is destroyed, after its
    // io_context, and the relay's timer must not outlive that.
    auto hook = w.on_stop([weak = std::weak_ptr<relay>(self)] {
      if (auto r = weak.lock()) {
        r->stopping_ = true;
        r->timer_->cancel();
      }
    });
    co_await self->schedule();
  }, asio::detached);
}

void relay::wake() {
  if (timer_) timer_->cancel();
}

std::error_code relay::enqueue(queue_entry e, std::string_view message) {
  const auto now = unix_now();
  if (e.arrival == 0) e.arrival = now;
  if (e.next_attempt == 0) e.next_attempt = now;
  if (auto ec = queue_.add(e, message)) return ec;
  if (ex_) {
    asio::post(ex_, [self = shared_from_this(), e = std::move(e)]() mutable {
      auto id = e.id;
      self->slots_.emplace(std::move(id), slot{std::move(e)});
      self->queued_->set(static_cast<std::int64_t>(self->slots_.size()));
      self->wake();
    });
  }
  return {};
}

template <class F>
net::awaitable<std::invoke_result_t<F&>> relay::on_files(F f) {
  using R = std::invoke_result_t<F&>;
  co_return co_await asio::co_spawn(
      files_->get_executor(), [f = std::move(f)]() mutable -> net::awaitable<R> { co_return f(); },
      asio::use_awaitable);
}

net::awaitable<void> relay::schedule() {
  while (!stopping_) {
    const auto now = unix_now();
    std::int64_t earliest = LLONG_MAX;
    for (auto& [id, s] : slots_) {
      if (s.busy) continue;
      if (s.entry.next_attempt > now) {
        earliest = std::min(earliest, s.entry.next_attempt);
        continue;
      }
      if (busy_ >= settings_.max_deliveries) continue;  // a delivery that ends wakes us
      s.busy = true;
      ++busy_;
      asio::co_spawn(ex_, attempt(id), [self = shared_from_this(), id](std::exception_ptr ep) {
        if (!ep) return;
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& ex) {
          self->log_->error("{}: delivery attempt failed: {}", id, ex.what());
        }
      });
    }
    const auto wait = earliest == LLONG_MAX ? std::chrono::seconds(3600) : std::chrono::seconds(earliest - now);
    timer_->expires_after(wait);
    std::error_code ec;
    co_await timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

net::awaitable<void> relay::attempt(std::string id) {
  auto it = slots_.find(id);
  queue_entry e = it->second.entry;
  std::string message;
  auto read_ec = co_await on_files([this, &id, &message] { return queue_.read_message(id, message); });
  if (read_ec) {
    log_->error("{}: cannot read the queued message: {}", id, read_ec.message());
    for (auto& r : e.recipients)
      if (r.state == rcpt_state::pending) {
        r.status = "4.3.0";
        r.diagnostic = "queue file unreadable: " + read_ec.message();
      }
  } else {
    std::map<std::string, std::vector<std::size_t>> by_domain;
    for (std::size_t i = 0; i < e.recipients.size(); ++i)
      if (e.recipients[i].state == rcpt_state::pending) by_domain[domain_of(e.recipients[i].address)].push_back(i);
    for (const auto& [domain, rcpts] : by_domain) {
      if (stopping_) break;
      co_await deliver_domain(e, message, domain, rcpts);
    }
  }
  if (stopping_) co_return;  // the entry stays as it is on disk
  const auto now = unix_now();
  ++e.attempts;
  const auto pending = [&e] {
    return std::any_of(e.recipients.begin(), e.recipients.end(),
                       [](const queued_recipient& r) { return r.state == rcpt_state::pending; });
  };
  if (pending() && now - e.arrival >= settings_.max_queue_time.count()) {
    for (auto& r : e.recipients) {
      if (r.state != rcpt_state::pending) continue;
      r.state = rcpt_state::failed;
      r.status = "5.4.7";  // RFC 3463: delivery time expired
      r.diagnostic = "delivery time expired; last error: " + r.diagnostic;
      bounced_->inc();
      log_->info("{}: to=<{}>, status=expired ({})", e.id, r.address, r.diagnostic);
    }
  }
  const bool delayed = pending() && settings_.delay_warning.count() > 0 && !e.delay_warned &&
                       now - e.arrival >= settings_.delay_warning.count();
  e.next_attempt = now + backoff(e.attempts, settings_.retry_first, settings_.retry_max).count();
  const bool finished = co_await on_files([this, &e, &message, delayed, &read_ec] {
    if (!read_ec) report(e, message, delayed);
    if (e.done()) {
      if (auto ec = queue_.remove(e.id)) log_->error("{}: cannot remove from the queue: {}", e.id, ec.message());
      return true;
    }
    if (auto ec = queue_.update(e)) log_->error("{}: cannot update the queue file: {}", e.id, ec.message());
    return false;
  });
  if (finished) {
    slots_.erase(it);
    log_->info("{}: removed from the queue", e.id);
  } else {
    it->second.entry = std::move(e);
    it->second.busy = false;
  }
  --busy_;
  queued_->set(static_cast<std::int64_t>(slots_.size()));
  wake();
}

void relay::report(queue_entry& e, const std::string& message, bool delayed) {
  auto dsn_for = [&](std::vector<const queued_recipient*> rcpts, dsn_action action) {
    if (rcpts.empty() || e.from.empty()) return;  // never a DSN for a DSN (RFC 3461 §6.2)
    dsn_request r;
    r.reporting_mta = settings_.hostname;
    r.entry = &e;
    r.recipients = std::move(rcpts);
    r.action = action;
    r.original = message;
    r.now = unix_now();
    r.boundary = new_queue_id() + "/" + settings_.hostname;
    send_dsn(e, build_dsn(r));
  };
  std::vector<const queued_recipient*> failed;
  for (const auto& r : e.recipients)
    if (r.state == rcpt_state::failed && !r.reported && wants_dsn(r, dsn_action::failed)) failed.push_back(&r);
  dsn_for(std::move(failed), dsn_action::failed);
  std::vector<const queued_recipient*> relayed;  // RFC 3461 §5.2.2
  for (const auto& r : e.recipients)
    if (r.state == rcpt_state::delivered && !r.reported && !r.passed_on && wants_dsn(r, dsn_action::relayed))
      relayed.push_back(&r);
  dsn_for(std::move(relayed), dsn_action::relayed);
  for (auto& r : e.recipients)
    if (r.state != rcpt_state::pending) r.reported = true;
  if (delayed) {
    std::vector<const queued_recipient*> late;
    for (const auto& r : e.recipients)
      if (r.state == rcpt_state::pending && wants_dsn(r, dsn_action::delayed)) late.push_back(&r);
    dsn_for(std::move(late), dsn_action::delayed);
    e.delay_warned = true;
  }
}

void relay::send_dsn(const queue_entry& e, std::string dsn) {
  if (local_) {
    if (auto result = local_(e.from, dsn)) {
      if (*result) log_->error("{}: DSN to <{}> not delivered: {}", e.id, e.from, result->message());
      else log_->info("{}: DSN delivered to <{}>", e.id, e.from);
      return;
    }
  }
  queue_entry b;
  b.id = new_queue_id();
  queued_recipient r;
  r.address = e.from;
  r.notify = notify_never;  // a DSN is never answered by another (RFC 3461 §6.2)
  b.recipients.push_back(std::move(r));
  if (auto ec = enqueue(std::move(b), dsn)) log_->error("{}: cannot queue the DSN to <{}>: {}", e.id, e.from, ec.message());
  else log_->info("{}: DSN to <{}> queued", e.id, e.from);
}

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
