// SEARCH keys (RFC 9051 §6.4.4, RFC 7162 §3.1.5 MODSEQ, RFC 5032 OLDER/YOUNGER, RFC 5182 "$")
// evaluated against one message (message_data.hpp). String keys match case-insensitively
// as substrings of the decoded text (RFC 2047 words and transfer encodings undone, charsets
// converted to UTF-8); dates compare the day only, internal dates in UTC, Date: in its own
// zone. Sans-I/O: the caller loads the message's bytes when search_need() says so.
#pragma once

#include <cstdint>
#include <vector>

#include "imap/codec/types.hpp"
#include "imap/server/message_data.hpp"

namespace l7::imap::server {

struct search_context {
  std::uint32_t messages = 0;   // the view's size ("*" in a sequence set)
  std::uint32_t last_uid = 0;   // "*" in a UID set
  const std::vector<std::uint32_t>* saved = nullptr;  // "$", ascending
  std::int64_t now = 0;         // seconds since the epoch (OLDER / YOUNGER)
};

content_need search_need(const search_key& key);
// Whether the key uses MODSEQ (the response then carries the highest MODSEQ, RFC 7162 §3.1.5).
bool search_uses_modseq(const search_key& key);
bool search_matches(const search_key& key, message_data& m, const search_context& ctx);

}  // namespace l7::imap::server
