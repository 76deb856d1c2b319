// Validators and conditional requests (RFC 9110 §8.8, §13): entity tags, the If-* fields, and
// their evaluation order. Pure functions over field values; the server supplies the current
// validators of the selected representation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/codec/message.hpp"

namespace l7::http {

// entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE (RFC 9110 §8.8.3). `opaque` keeps the quotes.
struct entity_tag {
  bool weak = false;
  std::string opaque;
  friend bool operator==(const entity_tag&, const entity_tag&) = default;
};

std::optional<entity_tag> parse_etag(std::string_view value);

// "*" or 1#entity-tag, as in If-Match and If-None-Match. nullopt when malformed.
struct etag_list {
  bool any = false;  // "*"
  std::vector<entity_tag> tags;
};
std::optional<etag_list> parse_etag_list(std::string_view value);

// RFC 9110 §8.8.3.2.
bool strong_match(const entity_tag& a, const entity_tag& b);
bool weak_match(const entity_tag& a, const entity_tag& b);

// Each function below returns true when the condition *holds* (the request proceeds).
// `current_etag` is the selected representation's ETag field value, empty when there is none
// (no current representation, or no entity tag for it).

// If-Match (§13.1.1): "*" holds when there is a current representation (`exists`); a list
// holds when one tag strongly matches. A malformed value does not hold.
bool if_match(std::string_view value, std::string_view current_etag, bool exists = true);
// If-None-Match (§13.1.2): "*" fails when a representation exists; a list fails when one tag
// weakly matches. A malformed value is ignored (holds).
bool if_none_match(std::string_view value, std::string_view current_etag, bool exists = true);
// If-Modified-Since (§13.1.3) and If-Unmodified-Since (§13.1.4), Unix seconds. An invalid date
// is ignored (holds).
bool if_modified_since(std::string_view value, std::int64_t last_modified);
bool if_unmodified_since(std::string_view value, std::int64_t last_modified);
// If-Range (§13.1.5): true when the Range field should be honoured: an entity tag that
// strongly matches, or an HTTP-date equal to `last_modified`. The caller passes
// `last_modified` only when it is a strong validator (§8.8.2.2).
bool if_range(std::string_view value, std::string_view current_etag,
              std::optional<std::int64_t> last_modified);

enum class precondition_result {
  proceed,       // evaluate the method normally (If-Range still applies to Range)
  not_modified,  // 304 (GET/HEAD)
  failed,        // 412
};

struct validators {
  std::string_view etag;                     // current ETag field value, or empty
  std::optional<std::int64_t> last_modified; // Unix seconds, or none
  bool exists = true;                        // the target has a current representation
};

// The evaluation order of RFC 9110 §13.2.2 over If-Match, If-Unmodified-Since,
// If-None-Match and If-Modified-Since in `headers`.
precondition_result evaluate_preconditions(std::string_view method, const fields& headers,
                                           const validators& v);

// A strong entity tag for a file: "\"<size hex>-<hex of mtime and inode mixed>\"".
std::string make_etag(std::uint64_t size, std::int64_t mtime_ns, std::uint64_t inode);

}  // namespace l7::http
