// Pieces of the presentation format (RFC 1035 §5.1) shared by the rdata text parsers and the zone
// and hosts parsers. A token is raw text as the zone lexer cut it: a quoted token keeps its
// double quotes and every escape is still escaped, so the field's type decides how to read it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "dns/codec/name.hpp"

namespace l7::dns::detail {

inline bool is_quoted(std::string_view token) { return !token.empty() && token.front() == '"'; }

// Appends the octets of a <character-string>: `"quoted"` (surrounding quotes required to match)
// or bare, with `\X` and `\DDD` escapes. No length limit here. False on a bad escape, a `\DDD`
// above 255, an unescaped quote inside, or a missing closing quote.
bool char_string(std::string_view token, std::string& out);

// RFC 9460 Appendix A.1 value-list: splits an already decoded char-string on commas, where `\,`
// is a literal comma and `\\` a backslash. False on a trailing lone backslash.
bool value_list(std::string_view decoded, std::vector<std::string>& items);

// Unsigned decimal that fits in `max`; nullopt otherwise (no sign, no spaces).
std::optional<std::uint32_t> decimal(std::string_view text, std::uint32_t max);

// Hex digits of every token concatenated (RFC 3597 §5 and RFC 4034 §5.3 allow whitespace),
// appended as octets. False on a non-hex character or an odd count.
bool hex_tokens(std::span<const std::string_view> tokens, std::vector<std::byte>& out);
// Base64 (RFC 4648 §4) of every token concatenated (RFC 4034 §2.2 allows whitespace).
bool base64_tokens(std::span<const std::string_view> tokens, std::vector<std::byte>& out);
// RFC 4648 §7 base32hex, case-insensitive, no padding (RFC 5155 §3.3). Trailing bits must be 0.
bool base32hex_decode(std::string_view text, std::vector<std::byte>& out);

// RFC 4034 §3.2: YYYYMMDDHHmmSS (UTC) when exactly 14 digits, otherwise seconds since 1970;
// both modulo 2^32.
std::optional<std::uint32_t> rrsig_time(std::string_view text);
// RFC 4034 §2.2: an algorithm number or mnemonic (RSASHA256, ECDSAP256SHA256, ED25519, ...).
std::optional<std::uint8_t> dnssec_algorithm(std::string_view text);
// Type mnemonics or TYPEnnn, sorted and de-duplicated (NSEC and NSEC3 type bitmaps).
bool type_list(std::span<const std::string_view> tokens, std::vector<std::uint16_t>& out);

// Reads the fields of one rdata from its tokens in order. The first failure sticks: later reads
// return empty values, and finish() reports it. Name errors keep their own code; everything
// else is bad_rdata.
class text_fields {
 public:
  text_fields(std::span<const std::string_view> tokens, const name& origin, std::error_code& ec)
      : tokens_(tokens), origin_(origin), ec_(ec) {}

  std::string_view token();                   // the next raw token
  std::uint32_t number(std::uint32_t max);    // decimal up to `max`
  std::uint32_t period();                     // SOA times: decimal or BIND units (1h30m)
  name domain();                              // relative to the origin, `@` is the origin
  std::string string(std::size_t max = 255);  // a <character-string>
  std::span<const std::string_view> rest();   // every remaining token
  bool at_end() const { return next_ == tokens_.size(); }
  const name& origin() const { return origin_; }
  void fail();
  bool ok() const { return !failed_; }
  // True when every token was used and nothing failed; otherwise sets ec (bad_rdata unless a
  // name error is already there).
  bool finish();

 private:
  std::span<const std::string_view> tokens_;
  std::size_t next_ = 0;
  const name& origin_;
  std::error_code& ec_;
  bool failed_ = false;
};

}  // namespace l7::dns::detail
