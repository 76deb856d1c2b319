// TYPE A (RFC 959 §3.1.1.1): on the wire every line ends in CR LF; here, in files, in LF.
// Both directions stream: a transfer converts one buffer at a time and a CR LF may be split
// between two buffers.
//
// Outgoing (RETR in TYPE A, a client's STOR in TYPE A): every LF becomes CR LF. A CR already
// in the file is data and is sent as it is, so "a\r\n" goes out as "a\r\r\n", and comes back
// unchanged through from_network: the conversion round-trips any file.
// Incoming: CR LF becomes LF; a CR not followed by LF is data and kept.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace l7::ftp {

// Appends `in` converted to network form to `out`.
void ascii_to_network(std::span<const std::byte> in, std::string& out);

// How many bytes ascii_to_network adds to `in` (one per LF): the TYPE A size (RFC 3659 §4).
std::uint64_t ascii_extra(std::span<const std::byte> in);

class ascii_from_network {
 public:
  // Appends `in` converted to local form to `out`. A CR at the end of `in` is held back until
  // the next call (or finish()) shows whether an LF follows it.
  void feed(std::span<const std::byte> in, std::string& out);
  // End of the data: a held-back CR is data.
  void finish(std::string& out);

 private:
  bool pending_cr_ = false;
};

}  // namespace l7::ftp
