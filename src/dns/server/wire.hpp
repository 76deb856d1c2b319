// Turning responses into bytes for the transports: size budgets (RFC 6891 §6.2.5, RFC 1035
// §4.2.1), FORMERR for messages that do not decode (RFC 1035 §4.1.1), and the truncated reply
// rate limiting "slips" to a client.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "dns/codec/message.hpp"

namespace l7::dns::server {

// What a UDP response may use: 512 without EDNS, else the client's payload size (at least
// 512) capped at ours.
std::size_t udp_budget(const message& query, std::uint16_t ours);

// Encodes `r` into `out` (appending) within `max` octets; TC is set by the encoder when
// records had to go. If even that fails (rdata that cannot be encoded), a SERVFAIL with only
// the header and question is encoded instead.
void encode_response(const message& r, std::vector<std::byte>& out, std::size_t max);

// A FORMERR reply to bytes that did not decode: the query's ID and opcode, QR set, no
// sections. nullopt when there is no full header to answer, or it is itself a response.
std::optional<std::vector<std::byte>> formerr_reply(std::span<const std::byte> query);

// The header and question of `r` with TC set and no records: "retry over TCP".
message truncated(const message& r);

// The offsets of the TTL fields of every record in an encoded message (the OPT record's TTL
// field holds flags, not a TTL, and is skipped). nullopt when the octets do not parse.
std::optional<std::vector<std::uint16_t>> ttl_offsets(std::span<const std::byte> wire);

}  // namespace l7::dns::server
