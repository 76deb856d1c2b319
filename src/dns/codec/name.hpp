// A domain name (RFC 1034 §3.1): a sequence of labels, each 1..63 octets, at most 255 octets in
// wire form including length octets and the root. The empty sequence is the root ".".
// A name owns its labels. Comparison ignores ASCII case only (RFC 4343 §3); other octets
// compare exactly. Every name object is valid: the factories check the limits.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace l7::dns {

inline constexpr std::size_t max_label_length = 63;   // RFC 1035 §2.3.4
inline constexpr std::size_t max_name_length = 255;   // wire octets, RFC 1035 §2.3.4

class name {
 public:
  name() = default;  // the root

  // From raw labels (any octets). Errors: bad_name_text (empty label), label_too_long,
  // name_too_long.
  static name from_labels(std::vector<std::string> labels, std::error_code& ec);

  // Presentation format (RFC 1035 §5.1): labels separated by '.', `\.`, `\\`, `\X` and `\DDD`
  // escapes, an optional trailing dot; "." and "" are the root. Names are always absolute
  // here (zone-file origins are the zone parser's business). Errors: bad_name_text,
  // label_too_long, name_too_long.
  static name parse(std::string_view text, std::error_code& ec);

  const std::vector<std::string>& labels() const { return labels_; }
  bool is_root() const { return labels_.empty(); }
  std::size_t label_count() const { return labels_.size(); }
  // Octets in uncompressed wire form, root octet included (1 for the root).
  std::size_t wire_length() const;

  // Presentation form with a trailing dot; '.', '\\', '"', '(', ')', ';', '@', '$' are
  // escaped with a backslash, octets outside 0x21..0x7e as \DDD.
  std::string to_string() const;
  // Uncompressed wire form with every ASCII letter lowered (compression keys, hashing).
  std::string canonical_wire() const;

  // The name without its first `n` labels (n <= label_count()).
  name suffix(std::size_t n) const;
  // True when this name equals `other` or lies below it.
  bool is_subdomain_of(const name& other) const;

  friend bool operator==(const name& a, const name& b);

 private:
  std::vector<std::string> labels_;
};

// Case-insensitive label comparison (RFC 4343 §3: ASCII letters only).
bool label_equal(std::string_view a, std::string_view b);

}  // namespace l7::dns
