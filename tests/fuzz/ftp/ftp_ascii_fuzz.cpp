// libFuzzer target: TYPE A conversion (RFC 959 §3.1.1.1). The first two bytes choose a cut
// point (little-endian, modulo the length of the rest); the rest is the data. Checks:
// - incoming: the data split at the cut, or in pieces of any size including empty ones,
//   decodes the same as unsplit; exactly each CR LF pair becomes LF, every other byte stays;
// - outgoing: converting two halves is converting the whole (the encoder keeps no state);
//   every LF goes out as CR LF and ascii_extra counts the bytes added (RFC 3659 §4 SIZE);
// - round trip: to network form and back gives the original bytes, whatever the cuts.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ftp/codec/ascii.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace l7::ftp;
using l7::ftp::fuzzing::check;

std::span<const std::byte> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

// Decodes `in` cut at the ascending offsets in `cuts`.
std::string from_network(std::string_view in, const std::vector<std::size_t>& cuts) {
  ascii_from_network dec;
  std::string out;
  std::size_t at = 0;
  for (auto cut : cuts) {
    dec.feed(bytes_of(in.substr(at, cut - at)), out);
    at = cut;
  }
  dec.feed(bytes_of(in.substr(at)), out);
  dec.finish(out);
  return out;
}

// Ascending cuts (repeats allowed: an empty feed must change nothing) drawn from `pieces`.
std::vector<std::size_t> random_cuts(std::size_t size, fuzzing::piece_sizes& pieces) {
  std::vector<std::size_t> cuts;
  for (std::size_t at = 0;;) {
    const auto bits = pieces.bits();
    at += (bits & 7) == 0 ? 0 : pieces.next();
    if (at > size) break;
    cuts.push_back(at);
  }
  return cuts;
}

// What from_network must produce, written from the rule rather than the implementation.
std::string expected_local(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i)
    if (!(in[i] == '\r' && i + 1 < in.size() && in[i + 1] == '\n')) out += in[i];
  return out;
}

std::string to_network(std::string_view in) {
  std::string out;
  ascii_to_network(bytes_of(in), out);
  return out;
}

void check_incoming(std::string_view data, std::size_t cut, fuzzing::piece_sizes& pieces) {
  const auto whole = from_network(data, {});
  check(whole == expected_local(data), "CR LF -> LF, everything else kept");
  check(from_network(data, {cut}) == whole, "split decodes differently");
  check(from_network(data, random_cuts(data.size(), pieces)) == whole,
        "pieces decode differently");
}

void check_outgoing(std::string_view data, std::size_t cut, fuzzing::piece_sizes& pieces) {
  const auto net = to_network(data);
  check(net == to_network(data.substr(0, cut)) + to_network(data.substr(cut)),
        "halves encode differently");
  check(net.size() == data.size() + ascii_extra(bytes_of(data)), "ascii_extra");
  for (std::size_t i = 0; i < net.size(); ++i)
    if (net[i] == '\n') check(i > 0 && net[i - 1] == '\r', "bare LF on the wire");
  check(from_network(net, {}) == data, "to_network -> from_network");
  check(from_network(net, {cut % (net.size() + 1)}) == data, "round trip, split");
  check(from_network(net, random_cuts(net.size(), pieces)) == data, "round trip, pieces");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 2, size - 2);
  const std::size_t cut = (data[0] | (std::size_t{data[1]} << 8)) % (in.size() + 1);
  fuzzing::piece_sizes pieces(fuzzing::fnv1a(in) ^ cut);
  check_incoming(in, cut, pieces);
  check_outgoing(in, cut, pieces);
  return 0;
}
