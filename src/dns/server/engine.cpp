#include "dns/server/engine.hpp"

#include "app/log.hpp"
#include "app/metrics.hpp"
#include "dns/codec/types.hpp"

namespace l7::dns::server {

namespace {

// RFC 8914 §4 INFO-CODEs used here.
constexpr std::uint16_t ede_stale_answer = 3, ede_prohibited = 18, ede_no_reachable_authority = 22,
                        ede_not_supported = 21;

cache_config cache_settings(const settings& s) {
  cache_config c;
  c.max_entries = s.cache_size;
  c.min_ttl = s.min_ttl;
  c.max_ttl = s.max_ttl;
  c.negative_max_ttl = s.negative_max_ttl;
  c.serve_stale = s.serve_stale;
  if (!s.prefetch) c.prefetch_fraction = 0;
  return c;
}

void add_ede(message& m, std::uint16_t code, std::string text) {
  if (!m.opt) return;  // EDE travels only in EDNS responses
  m.opt->options.push_back(make_option(extended_error{code, std::move(text)}));
}

message with_rcode(message m, std::uint16_t rc) {
  m.set_rcode(rc);
  return m;
}

bool is_meta_qtype(std::uint16_t t) {
  // RFC 6895 §3.1: 128-255 are QTYPEs/meta-TYPEs; we support ANY and the transfers.
  return (t >= 128 && t <= 254) || t == rr_type::opt || t == 0;
}

}  // namespace

engine::engine(settings s) : settings_(std::move(s)), cache_(cache_settings(settings_)) {
  data_.store(std::make_shared<const data_snapshot>());
  auto& family = app::metrics().counter_family(
      "l7_dns_answers_total", "DNS responses sent, by where the answer came from", {"source"});
  static constexpr const char* names[src_count] = {"zone", "hosts", "cache", "upstream",
                                                   "stale", "refused", "servfail", "error"};
  for (int i = 0; i < src_count; ++i) answers_[i] = &family.with({names[i]});
}

void engine::count(source s) const { answers_[s]->inc(); }

engine::~engine() = default;

message engine::response_for(const message& query) const {
  message r;
  r.hdr.id = query.hdr.id;
  r.hdr.qr = true;
  r.hdr.opcode = query.hdr.opcode;
  // RD is copied (RFC 1035 §4.1.1) and so is CD (RFC 4035 §3.2.2, RFC 6840 §5.9), but only
  // for QUERY: the header bits are defined per opcode (RFC 6895 §2), so a response to any
  // other opcode carries none of RD, CD, RA, AA, TC, AD or Z. AA, TC, Z and AD of a query
  // are never echoed: AA and RA are ours to set, TC only when we truncate, Z must be zero
  // (RFC 1035 §4.1.1), and AD is left clear because we validate nothing (RFC 4035 §3.2.3).
  if (query.hdr.opcode == opcode::query) {
    r.hdr.rd = query.hdr.rd;
    r.hdr.cd = query.hdr.cd;
  }
  r.questions = query.questions;
  if (query.opt) {
    r.opt.emplace();
    r.opt->udp_payload_size = settings_.udp_payload;
    r.opt->dnssec_ok = query.opt->dnssec_ok;
  }
  return r;
}

// Queries we answer with an error before looking anything up. The common case (no error)
// builds nothing.
std::optional<message> engine::check(const message& query) const {
  std::uint16_t rc = rcode::noerror;
  const char* ede_text = nullptr;
  bool strip = false;
  if (query.opt && query.opt->version != 0) {
    rc = rcode::badvers;  // RFC 6891 §6.1.3
    strip = true;
  } else if (query.hdr.opcode != opcode::query) {
    rc = rcode::notimp;
  } else if (query.questions.size() != 1) {
    rc = rcode::formerr;
  } else {
    const auto& q = query.questions.front();
    if (q.qtype == rr_type::opt) {
      rc = rcode::formerr;
    } else if (q.qtype == rr_type::axfr || q.qtype == 251 /* IXFR */) {
      // Zone transfers run over TCP in the transport (tcp.cpp); anything reaching here is not.
      rc = rcode::refused;
      ede_text = "zone transfers need TCP";
    } else if (is_meta_qtype(q.qtype) && q.qtype != rr_type::any) {
      rc = rcode::notimp;
    } else if (q.qclass != rr_class::in && q.qclass != rr_class::any) {
      rc = rcode::refused;
      ede_text = "only class IN is served";
    }
  }
  if (rc == rcode::noerror) return std::nullopt;
  message r = response_for(query);
  if (strip) {
    r.questions.clear();
    r.opt->options.clear();
  }
  if (ede_text) add_ede(r, ede_not_supported, ede_text);
  return with_rcode(std::move(r), rc);
}

bool engine::may_recurse(const ip_address& client) const {
  return (settings_.recursion || !settings_.upstreams.empty()) && upstream_ &&
         settings_.allow_recursion.contains(client);
}

std::optional<message> engine::answer_now(const message& query, const query_context& ctx,
                                          const asio::any_io_executor& ex, source* from) {
  source ignored;
  source& src = from ? *from : ignored;
  src = src_error;
  if (auto err = check(query)) {
    count(src_error);
    return err;
  }
  message r = response_for(query);
  const auto& q = query.questions.front();
  const bool recurse = may_recurse(ctx.client);
  r.hdr.ra = recurse;

  const auto snapshot = data_.load();
  if (snapshot->zones.answer(q, r, {.full_any = ctx.via != transport::udp})) {
    count(src = src_zone);
    return r;
  }
  if (snapshot->hosts.answer(q, r, settings_.hosts_ttl)) {
    count(src = src_hosts);
    return r;
  }

  if (!recurse) {
    count(src = src_refused);
    add_ede(r, ede_prohibited, "recursion is not available to this client");
    return with_rcode(std::move(r), rcode::refused);
  }
  const auto key = key_for(query);
  auto hit = cache_.lookup(key, std::chrono::steady_clock::now());
  if (hit) {
    r.answers = std::move(hit->response.answers);
    r.set_rcode(hit->response.full_rcode());
    // Minimal responses for positive answers (what Unbound does by default): the upstream's
    // NS and glue add bytes, not information, for a stub client. Negative answers keep their
    // SOA (RFC 2308 §3).
    if (r.answers.empty() || r.full_rcode() != rcode::noerror) {
      r.authority = std::move(hit->response.authority);
      r.additional = std::move(hit->response.additional);
    }
    if (hit->prefetch) {
      upstream_query uq{q, query.opt && query.opt->dnssec_ok, query.hdr.cd};
      asio::co_spawn(ex, prefetch(key, std::move(uq)), asio::detached);
    }
    count(src = src_cache);
    return r;
  }
  if (!query.hdr.rd) {
    // Not in the cache and the client asked us not to go looking (RFC 1034 §4.3.1).
    count(src = src_refused);
    add_ede(r, ede_not_supported, "not cached and recursion not desired");
    return with_rcode(std::move(r), rcode::refused);
  }
  return std::nullopt;
}

net::awaitable<std::optional<message>> engine::ask_upstream(const upstream_query& q) {
  if (!upstream_) co_return std::nullopt;
  co_return co_await upstream_->resolve(q);
}

net::awaitable<void> engine::prefetch(cache_key key, upstream_query q) {
  auto answer = co_await ask_upstream(q);
  if (answer) cache_.store(key, *answer, std::chrono::steady_clock::now());
}

net::awaitable<message> engine::resolve(message query, query_context ctx) {
  const auto ex = co_await asio::this_coro::executor;
  if (auto now = answer_now(query, ctx, ex)) {
    log_query(query, *now, ctx);
    co_return std::move(*now);
  }
  co_return co_await resolve_miss(std::move(query), ctx);
}

net::awaitable<message> engine::resolve_miss(message query, query_context ctx) {
  const auto& q = query.questions.front();
  upstream_query uq{q, query.opt && query.opt->dnssec_ok, query.hdr.cd};
  const auto key = key_for(query);
  message r = response_for(query);
  r.hdr.ra = true;
  auto answer = co_await ask_upstream(uq);
  if (answer && answer->full_rcode() == rcode::servfail) {
    // A failed resolution: stale data, when there is some, beats SERVFAIL (RFC 8767 §4).
    cache_.store(key, *answer, std::chrono::steady_clock::now());
    if (auto stale = cache_.lookup_stale(key, std::chrono::steady_clock::now());
        stale && stale->response.full_rcode() != rcode::servfail)
      answer.reset();
  }
  if (answer) {
    cache_.store(key, *answer, std::chrono::steady_clock::now());
    r.answers = std::move(answer->answers);
    r.authority = std::move(answer->authority);
    r.additional = std::move(answer->additional);
    r.set_rcode(answer->full_rcode());
    count(answer->full_rcode() == rcode::servfail ? src_failed : src_upstream);
  } else if (auto stale = cache_.lookup_stale(key, std::chrono::steady_clock::now())) {
    r.answers = std::move(stale->response.answers);
    r.authority = std::move(stale->response.authority);
    r.additional = std::move(stale->response.additional);
    r.set_rcode(stale->response.full_rcode());
    if (stale->stale) add_ede(r, ede_stale_answer, "upstream unreachable; answer served stale");
    count(src_stale);
  } else {
    count(src_failed);
    // Remember the failure briefly (servfail_ttl), so that clients retrying do not each wait
    // for the upstream timeouts again (RFC 9520 §3.2).
    message failed;
    failed.hdr.qr = true;
    failed.questions.push_back(q);
    failed.set_rcode(rcode::servfail);
    cache_.store(key, failed, std::chrono::steady_clock::now());
    r.set_rcode(rcode::servfail);
    add_ede(r, ede_no_reachable_authority, "no upstream server answered");
  }
  log_query(query, r, ctx);
  co_return r;
}

resolve_fn engine::function() {
  return [this](message query, query_context ctx) { return resolve(std::move(query), ctx); };
}

void engine::log_query(const message& query, const message& response, const query_context& ctx) const {
  if (!settings_.trace || query.questions.empty()) return;
  app::logger("dns")->info("{} {} {} -> {} ({} answers)", ctx.client.to_string(),
                           query.questions.front().qname.to_string(),
                           type_to_string(query.questions.front().qtype),
                           rcode_to_string(response.full_rcode()), response.answers.size());
}

}  // namespace l7::dns::server
