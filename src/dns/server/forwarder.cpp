#include "dns/server/forwarder.hpp"

#include <algorithm>

#include "app/log.hpp"
#include "dns/codec/types.hpp"

namespace l7::dns::server {

namespace {
constexpr int down_after = 3;
constexpr auto down_for = std::chrono::seconds(30);

std::int64_t now_ticks() { return std::chrono::steady_clock::now().time_since_epoch().count(); }
}  // namespace

forwarder::forwarder(std::vector<client::server_address> servers, std::chrono::milliseconds timeout,
                     int tries)
    : servers_(std::move(servers)), health_(new health[servers_.size()]) {
  opts_.timeout = timeout;
  opts_.tries = tries;
}

std::vector<std::size_t> forwarder::order() const {
  std::vector<std::size_t> up, down;
  const auto now = now_ticks();
  for (std::size_t i = 0; i < servers_.size(); ++i)
    (health_[i].down_until.load(std::memory_order_relaxed) > now ? down : up).push_back(i);
  up.insert(up.end(), down.begin(), down.end());  // down servers last, still tried
  return up;
}

void forwarder::record(std::size_t i, bool ok) {
  auto& h = health_[i];
  if (ok) {
    h.failures.store(0, std::memory_order_relaxed);
    h.down_until.store(0, std::memory_order_relaxed);
    return;
  }
  if (h.failures.fetch_add(1, std::memory_order_relaxed) + 1 >= down_after) {
    const auto until = std::chrono::steady_clock::now() + down_for;
    if (h.down_until.exchange(until.time_since_epoch().count()) == 0)
      app::logger("dns")->warn("upstream {} marked down for 30s after {} failures",
                               client::to_string(servers_[i]), down_after);
  }
}

net::awaitable<std::optional<message>> forwarder::resolve(upstream_query uq) {
  message query;
  query.hdr.rd = true;
  query.hdr.cd = uq.checking_disabled;
  query.questions.push_back(uq.q);
  query.opt.emplace();
  query.opt->udp_payload_size = 1232;
  query.opt->dnssec_ok = uq.dnssec_ok;
  std::optional<message> last;
  for (std::size_t i : order()) {
    auto r = co_await client::exchange(servers_[i], query, opts_);
    if (r.ec) {
      record(i, false);
      continue;
    }
    const auto rc = r.response.full_rcode();
    if (rc == rcode::noerror || rc == rcode::nxdomain) {
      record(i, true);
      r.response.opt.reset();
      co_return std::move(r.response);
    }
    // SERVFAIL or REFUSED: this server cannot help now; another may.
    record(i, rc != rcode::refused);
    r.response.opt.reset();
    last = std::move(r.response);
  }
  co_return last;
}

}  // namespace l7::dns::server
