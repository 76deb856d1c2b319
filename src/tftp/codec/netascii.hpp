// netascii (RFC 1350 §5 and appendix I, the NVT ASCII of RFC 764/854): on the wire every end
// of line is CR LF and a bare CR is CR NUL. Both converters stream: a CR LF pair, or a CR and
// its NUL, may be split across blocks, so each keeps the state of the previous call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "tftp/codec/receiver.hpp"
#include "tftp/codec/sender.hpp"

namespace l7::tftp {

// Local text (LF line ends) -> netascii: LF -> CR LF, CR -> CR NUL, other bytes unchanged.
class netascii_encoder {
 public:
  struct result {
    std::size_t consumed = 0;  // bytes of `in` used
    std::size_t produced = 0;  // bytes written to `out`
  };
  // Converts as much of `in` as fits in `out`. When a pair does not fit, its first byte is
  // written and the second is held for the next call (which writes it before anything else).
  result encode(std::span<const std::byte> in, std::span<std::byte> out);
  // True while the second byte of a pair is waiting to be written.
  bool pending() const { return held_ != 0; }

 private:
  unsigned held_ = 0;  // 0 = none, else the held byte + 1
};

// netascii -> local text: CR LF -> LF, CR NUL -> CR. A CR followed by anything else is kept
// with that byte (lenient: some senders emit bare CRs).
class netascii_decoder {
 public:
  // Appends the local form of `in` to `out`. A trailing CR is held until the next call.
  void decode(std::span<const std::byte> in, std::vector<std::byte>& out);
  // End of data: a held CR is written as it is.
  void finish(std::vector<std::byte>& out);

 private:
  bool cr_ = false;
};

// A sender source giving the netascii form of what `local` reads (local text).
sender::source netascii_source(sender::source local);
// A receiver sink passing the local form of netascii blocks on to `local`.
receiver::sink netascii_sink(receiver::sink local);

}  // namespace l7::tftp
