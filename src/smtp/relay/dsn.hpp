// Delivery status notifications (RFC 3464) that the relay sends back to a sender: a
// multipart/report (RFC 6522) with a human-readable part, the machine-readable
// message/delivery-status, and the original message (RET=FULL) or its header (RET=HDRS, or a
// large message). SMTPUTF8 mail gets the RFC 6533 types (message/global-delivery-status,
// message/global, message/global-headers). Sans-I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "smtp/relay/queue.hpp"

namespace l7::smtp::relay {

enum class dsn_action { failed, delayed, relayed };

struct dsn_request {
  std::string reporting_mta;  // our host name (Reporting-MTA: dns; ...)
  const queue_entry* entry = nullptr;
  std::vector<const queued_recipient*> recipients;  // at least one
  dsn_action action = dsn_action::failed;
  std::string_view original;       // the queued message (CRLF)
  std::int64_t now = 0;            // Unix seconds
  std::string boundary;            // unique per DSN (random), without "--"
  std::size_t full_limit = 256 * 1024;  // larger originals are returned as headers only
};

// The notification as a complete message (CRLF), to be sent with MAIL FROM:<> to
// entry->from (RFC 3461 §6.1, RFC 5321 §4.5.5).
std::string build_dsn(const dsn_request& r);

// Whether a recipient's NOTIFY asks for a DSN on this action (RFC 3461 §4.1: without NOTIFY,
// failures are reported and delays may be). `relayed` is the success notice owed when the
// message went to a server without DSN (§5.2.2), asked for by NOTIFY=SUCCESS.
bool wants_dsn(const queued_recipient& r, dsn_action action);

}  // namespace l7::smtp::relay
