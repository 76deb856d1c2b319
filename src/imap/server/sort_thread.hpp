// SORT and THREAD (RFC 5256; DISPLAYFROM / DISPLAYTO of RFC 5957) on the messages a search
// selected. Sans-I/O: the caller builds one sort_item per message from its header section
// (make_sort_item) and gets the numbers back in order, or the THREAD response's tree.
// Strings compare with ASCII case folding (i;ascii-casemap; RFC 5256 asks for
// i;unicode-casemap, which differs only outside ASCII). Ties go to the lower sequence number.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "imap/codec/command.hpp"
#include "imap/server/message_data.hpp"

namespace l7::imap::server {

struct sort_item {
  std::uint32_t uid = 0, seq = 0;
  std::int64_t arrival = 0;  // INTERNALDATE, seconds
  std::int64_t sent = 0;     // Date: header in UTC; the internal date when it has none
  std::uint64_t size = 0;
  std::string subject;       // base subject (RFC 5256 §2.1), case-folded
  bool reply = false;        // the subject had Re: / Fwd: / (fwd) removed
  std::string from, to, cc;  // addr-mailbox of the first address, case-folded
  std::string display_from, display_to;  // RFC 5957: display name, else addr-spec
  std::string message_id;
  std::vector<std::string> references;  // References, else In-Reply-To: oldest first
};

// `m` needs its header section loaded.
sort_item make_sort_item(const message_data& m);

// RFC 5256 §2.1 base subject: RFC 2047 words decoded, white space folded, reply and forward
// markers and [blobs] removed. `reply` tells whether a marker was removed.
std::string base_subject(std::string_view subject, bool* reply = nullptr);

// Orders `items` by the criteria (RFC 5256 §3 keys; REVERSE per key).
void sort_items(std::vector<sort_item>& items, const std::vector<sort_criterion>& criteria);

// The THREAD response data ("(1 2)(3 (4)(5))") for ORDEREDSUBJECT or REFERENCES (RFC 5256
// §3); `uid` writes UIDs instead of sequence numbers.
std::string thread_ordered_subject(std::vector<sort_item> items, bool uid);
std::string thread_references(std::vector<sort_item> items, bool uid);

}  // namespace l7::imap::server
