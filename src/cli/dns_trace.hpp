// `l7 dns +trace`: iterative resolution from the root, printing every query the resolver
// sends and what came back (the same recursor `l7 serve` uses for recursion).
#pragma once

#include <chrono>
#include <vector>

#include "dns/client/exchange.hpp"
#include "dns/codec/message.hpp"

namespace l7::cli {

struct trace_request {
  dns::question q;
  std::vector<dns::client::server_address> roots;  // empty: the IANA root servers
  std::uint16_t referral_port = 53;
  bool dnssec = false;
  bool short_form = false;
  std::chrono::milliseconds timeout{2000};
};

// Prints the walk to stdout; returns dig's exit code (0 answered, 9 no answer).
int run_trace(const trace_request& r);

}  // namespace l7::cli
