#include "dns/client/exchange.hpp"

#include <sys/random.h>

#include <cerrno>
#include <stdexcept>

#include "dns/client/transport.hpp"

namespace l7::dns::client {

std::optional<server_address> parse_server_address(std::string_view text,
                                                   std::uint16_t default_port) {
  const auto hp = parse_host_port(text, default_port);
  if (!hp) return std::nullopt;
  const auto address = ip_address::parse(hp->host);
  if (!address) return std::nullopt;
  return server_address{*address, hp->port};
}

std::string to_string(const server_address& s) {
  return s.address.to_string() + "#" + std::to_string(s.port);
}

bool is_response_to(const message& reply, const message& query) {
  if (!reply.hdr.qr || reply.hdr.id != query.hdr.id || reply.hdr.opcode != query.hdr.opcode)
    return false;
  // Comparing the question defeats answers spoofed for another name that guessed the ID
  // (RFC 5452 §9.1); name equality is ASCII case-insensitive (RFC 4343 §3).
  return reply.questions == query.questions;
}

std::uint16_t random_id() {
  std::uint16_t id = 0;
  // getrandom() of 2 octets from an initialised pool never returns short; EINTR cannot happen
  // for requests of at most 256 bytes (getrandom(2)). A failure here is a broken system.
  if (::getrandom(&id, sizeof id, 0) != static_cast<ssize_t>(sizeof id))
    throw std::system_error(errno, std::generic_category(), "getrandom");
  return id;
}

net::awaitable<exchange_result> exchange(server_address server, message query,
                                         query_options opts) {
  if (!opts.keep_id) query.hdr.id = random_id();
  std::vector<std::byte> wire;
  if (const auto ec = encode(query, wire)) {
    exchange_result r;
    r.ec = ec;
    r.from = server;
    co_return r;
  }
  if (opts.tcp) co_return co_await detail::tcp_exchange(server, query, wire, opts);
  exchange_result r = co_await detail::udp_exchange(server, query, wire, opts);
  // RFC 7766 §5: a truncated UDP answer is asked again over TCP.
  if (r.ec || !r.response.hdr.tc || !opts.tcp_fallback) co_return r;
  co_return co_await detail::tcp_exchange(server, query, wire, opts);
}

}  // namespace l7::dns::client
