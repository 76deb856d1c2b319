// Value types shared by IMAP commands and responses (RFC 9051 §9 formal syntax): sequence
// sets, dates, body sections, fetch attributes and search keys. Plain values, no ownership
// beyond their own strings and vectors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace l7::imap {

// RFC 9051 §9 seq-number: a nz-number, or "*" (the largest number in use), held as 0.
inline constexpr std::uint32_t star = 0;

struct seq_range {
  std::uint32_t first = 0;  // as written: "5:2" keeps first = 5, last = 2
  std::uint32_t last = 0;
  friend bool operator==(const seq_range&, const seq_range&) = default;
};

// RFC 9051 §9 sequence-set, or "$" (RFC 5182 §2: the saved search result).
struct sequence_set {
  std::vector<seq_range> ranges;
  bool saved = false;  // "$": ranges is empty

  // Whether `n` is in the set when "*" stands for `largest` (RFC 9051 §9: "*" is the largest
  // number in use; ranges in either order). Always false for "$".
  bool contains(std::uint32_t n, std::uint32_t largest) const;
  friend bool operator==(const sequence_set&, const sequence_set&) = default;
};

// Parses a sequence-set (or "$"); nullopt on 0, overflow, an empty element or trailing junk.
std::optional<sequence_set> parse_sequence_set(std::string_view text);
// "1:3,5,7:*" as written (ranges kept in order); "$" for a saved result.
std::string format_sequence_set(const sequence_set& set);
// The compressed form of a list of numbers (any order, duplicates allowed): "1:3,5,9:10".
std::string format_sequence_set(std::vector<std::uint32_t> numbers);

// RFC 9051 §9 date ("1-Feb-1994").
struct date {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31
  friend bool operator==(const date&, const date&) = default;
};

// RFC 9051 §9 date-time ("17-Jul-1996 02:44:25 -0700").
struct date_time {
  imap::date date;
  int hour = 0, minute = 0, second = 0;
  int zone_minutes = 0;  // -0700 -> -420
  friend bool operator==(const date_time&, const date_time&) = default;
};

// Seconds since the epoch (UTC) of a date-time, and back (for INTERNALDATE).
std::int64_t to_unix(const date_time& t);
date_time from_unix(std::int64_t utc, int zone_minutes = 0);
std::string format_date_time(const date_time& t);  // "17-Jul-1996 02:44:25 -0700", quoted not

// RFC 9051 §6.4.5 section-spec: part numbers, then an optional text specifier.
struct section {
  enum class text_kind { none, header, header_fields, header_fields_not, text, mime };
  std::vector<unsigned> part;      // {} is the whole message; {1, 2} is "1.2"
  text_kind text = text_kind::none;
  std::vector<std::string> fields;  // HEADER.FIELDS (...) names, upper-cased as written
  friend bool operator==(const section&, const section&) = default;
};

struct partial {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;  // nz-number
  friend bool operator==(const partial&, const partial&) = default;
};

// One FETCH data item (RFC 9051 §6.4.5, RFC 3516 BINARY, RFC 7162 MODSEQ). The macros ALL,
// FAST and FULL arrive expanded (§6.4.5).
struct fetch_att {
  enum class kind {
    envelope, flags, internal_date, rfc822_size, body_structure, body /* no section */, uid,
    body_section, binary, binary_size, rfc822, rfc822_header, rfc822_text, modseq,
  };
  kind type = kind::flags;
  bool peek = false;                    // BODY.PEEK / BINARY.PEEK: no \Seen
  imap::section section;                // body_section, binary, binary_size
  std::optional<imap::partial> partial;  // <offset.length>
  friend bool operator==(const fetch_att&, const fetch_att&) = default;
};

// The name of a fetch item in a FETCH response: "BODY[1.HEADER.FIELDS (TO)]<0>" (RFC 9051
// §7.5.2: BODY.PEEK answers as BODY, and <partial> keeps only the origin octet).
std::string fetch_response_name(const fetch_att& att);

// RFC 9051 §6.4.4 search keys, plus MODSEQ (RFC 7162 §3.1.5), OLDER/YOUNGER (RFC 5032) and
// "$" (RFC 5182). A parenthesized list is `all_of`.
struct search_key {
  enum class kind {
    all, answered, bcc, before, body, cc, deleted, draft, flagged, from, header, keyword, larger,
    new_, not_, old, on, or_, recent, seen, sent_before, sent_on, sent_since, since, smaller,
    subject, text, to, uid, unanswered, undeleted, undraft, unflagged, unkeyword, unseen,
    sequence, all_of, modseq, older, younger,
  };
  kind type = kind::all;
  std::string value;       // string argument; HEADER's value; KEYWORD's flag
  std::string field;       // HEADER field name; MODSEQ entry name
  std::string entry_type;  // MODSEQ entry type: "priv", "shared" or "all"
  std::uint64_t number = 0;  // LARGER, SMALLER, MODSEQ, OLDER, YOUNGER
  imap::date date;
  sequence_set set;          // UID, sequence
  std::vector<search_key> children;  // NOT: 1, OR: 2, all_of: 1 or more
  friend bool operator==(const search_key&, const search_key&) = default;
};

}  // namespace l7::imap
