#include "smtp/relay/relay.hpp"

#include <algorithm>
#include <climits>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "app/log.hpp"
#include "app/metrics.hpp"
#include "core/text.hpp"
#include "net/runtime.hpp"
#include "smtp/codec/command.hpp"
#include "smtp/relay/dsn.hpp"
#include "smtp/relay/relay_detail.hpp"
#include "smtp/relay/route.hpp"

// The relay's scheduler, queue bookkeeping and DSNs; the delivery of one attempt (DNS,
// connections, the SMTP transaction) is in relay_deliver.cpp.
namespace l7::smtp::relay {
namespace {

using detail::failed_response;
using detail::random_u32;
using detail::unix_now;

net::awaitable<dns::message> ask(dns::client::server_address server, dns::message q) {
  auto r = co_await dns::client::exchange(server, q, {});
  if (r.ec) co_return failed_response(q);
  co_return std::move(r.response);
}

}  // namespace

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

}  // namespace l7::smtp::relay
