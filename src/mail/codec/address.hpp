// RFC 5322 §3.4 address lists (From, To, Cc, Bcc, Reply-To, Sender), including the obsolete
// syntax of §4.4 (obs-route, obs-local-part, obs-phrase, CFWS around dots). The result is flat,
// in the order IMAP's ENVELOPE needs (RFC 3501 §7.4.2, RFC 9051 §7.5.2): a group appears as a
// group_start entry, its members, then a group_end entry.
// Lenient: unterminated quotes, comments, literals and angle brackets run to the end of the
// value; a stray '>' or ';' is skipped; an entry without '@' keeps an empty domain; an entry the
// parser had to guess at is flagged `malformed`. Never fails: garbage gives fewer entries.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace l7::mail {

struct address {
  enum class kind { mailbox, group_start, group_end };
  kind type = kind::mailbox;
  // Display name (phrase) with quotes and quoted-pairs removed and words joined by one space;
  // RFC 2047 words are left encoded (decode_encoded_words() for display). For group_start, the
  // group's name. If a mailbox has no phrase but a comment, the last comment (old style
  // "user@host (Full Name)").
  std::string name;
  std::string route;       // obs-route without the ':' ("@a.test,@b.test"); IMAP's adl
  std::string local_part;  // unquoted, CFWS removed
  std::string domain;      // CFWS removed; a domain-literal keeps its brackets
  bool malformed = false;

  // local_part@domain, or local_part when there is no domain.
  std::string addr_spec() const;
};

std::vector<address> parse_address_list(std::string_view value);

// Only the mailboxes (groups flattened), as a sender or recipient list would be.
std::vector<address> parse_mailboxes(std::string_view value);

// "name <addr-spec>" for a header, the name as a quoted string or RFC 2047 words when needed;
// just the addr-spec when the name is empty. `utf8`: SMTPUTF8 (RFC 6532) allows raw UTF-8.
std::string format_mailbox(std::string_view name, std::string_view addr_spec, bool utf8 = false);

}  // namespace l7::mail
