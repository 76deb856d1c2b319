// The outbound side of SMTP: delivers queued mail (queue.hpp) for other domains to their MX
// hosts (RFC 5321 §5.1) or to a configured smarthost, with opportunistic STARTTLS (RFC 3207,
// RFC 7435), retries with backoff until max_queue_time (§4.5.4.1), and DSN bounces
// (RFC 3464, dsn.hpp) for what cannot be delivered.
//
// Lifecycle: the SMTP server makes one relay per process and calls start() on one worker; the
// scheduler and every delivery run on that worker's executor (so the in-memory state needs no
// lock), queue files are read and written on the relay's own thread. enqueue() may be called
// from any thread: it writes the entry durably (the caller answers 250 only after it returns
// success) and then wakes the scheduler. A graceful stop stops the scheduler; deliveries in
// flight are dropped with the runtime, their recipients still pending on disk, so a message
// may be sent twice but never lost (RFC 5321 §6.1 prefers duplicates to losses).
//
// DNS goes through a lookup_fn: l7 serve passes its own DNS service (zones, hosts file, cache,
// recursion) when the dns listener is enabled, else lookup_via() asks a resolver over the wire.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "dns/client/exchange.hpp"
#include "dns/codec/message.hpp"
#include "net/asio.hpp"
#include "smtp/relay/queue.hpp"
#include "smtp/relay/relay_settings.hpp"

namespace spdlog {
class logger;
}
namespace l7::net {
class worker;
}
namespace l7::app {
class counter;
class gauge;
}

namespace l7::smtp::relay {

// A DNS query in, its response out. A lookup that fails returns a response with RCODE
// SERVFAIL (an error is temporary).
using lookup_fn = std::function<net::awaitable<dns::message>(dns::message query)>;
// Asks `server` over UDP (TCP on truncation) with dns::client::exchange.
lookup_fn lookup_via(dns::client::server_address server);
// The first nameserver of /etc/resolv.conf, else 127.0.0.1.
dns::client::server_address system_resolver();

// Delivers a DSN to a local sender. nullopt when `address` is not a local mailbox (the DSN is
// then queued for relaying); otherwise the result of the delivery.
using local_fn = std::function<std::optional<std::error_code>(const std::string& address, std::string_view message)>;

// "SMTP-ID" queue ids: 16 characters of base32 without vowels.
std::string new_queue_id();

class relay : public std::enable_shared_from_this<relay> {
 public:
  relay(settings s, lookup_fn lookup, local_fn local);
  ~relay();
  relay(const relay&) = delete;
  relay& operator=(const relay&) = delete;

  const settings& config() const { return settings_; }
  // Loads the queue (blocking) and starts the scheduler on `w`. Call once, before the
  // runtime runs or on `w`'s thread.
  void start(net::worker& w);
  // Durably adds a message (blocking: call off the event loops). `e.id` must be valid and
  // every recipient pending; arrival and next_attempt are set here when zero.
  std::error_code enqueue(queue_entry e, std::string_view message);

 private:
  struct slot {
    queue_entry entry;
    bool busy = false;
  };
  struct target;
  enum class tried { done, next };

  net::awaitable<void> schedule();
  net::awaitable<void> attempt(std::string id);
  net::awaitable<void> deliver_domain(queue_entry& e, const std::string& message, const std::string& domain,
                                      const std::vector<std::size_t>& rcpts);
  net::awaitable<std::vector<target>> targets_for(queue_entry& e, const std::string& domain,
                                                  const std::vector<std::size_t>& rcpts);
  net::awaitable<std::vector<ip_address>> resolve_host(const std::string& host, std::string& error);
  net::awaitable<tried> try_address(queue_entry& e, const std::string& message, const target& t,
                                    const std::vector<std::size_t>& rcpts, std::string& last_error);
  net::awaitable<dns::message> lookup(const std::string& name, std::uint16_t qtype);
  // Builds and sends DSNs for the recipients whose final state is not reported yet; runs on
  // the file thread.
  void report(queue_entry& e, const std::string& message, bool delayed);
  void send_dsn(const queue_entry& e, std::string dsn);
  template <class F>
  net::awaitable<std::invoke_result_t<F&>> on_files(F f);
  void wake();

  settings settings_;
  lookup_fn lookup_;
  local_fn local_;
  queue queue_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<asio::thread_pool> files_;
  asio::any_io_executor ex_;
  std::unique_ptr<asio::steady_timer> timer_;
  std::map<std::string, slot> slots_;  // on ex_ only
  unsigned busy_ = 0;
  bool stopping_ = false;
  app::counter* delivered_ = nullptr;
  app::counter* deferred_ = nullptr;
  app::counter* bounced_ = nullptr;
  app::gauge* queued_ = nullptr;
};

}  // namespace l7::smtp::relay
