// Message flags as IMAP names them (RFC 9051 §2.3.2): the system flags \Seen \Answered
// \Flagged \Deleted \Draft and keywords (atoms such as $Forwarded, $Junk). \Recent is a
// session property and is never stored. A flag set is a sorted vector without duplicates;
// system flags are compared case-insensitively and kept in their canonical spelling,
// keywords are compared case-insensitively and keep the spelling first seen.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace l7::mail {

using flag_set = std::vector<std::string>;

inline constexpr std::string_view flag_seen = "\\Seen";
inline constexpr std::string_view flag_answered = "\\Answered";
inline constexpr std::string_view flag_flagged = "\\Flagged";
inline constexpr std::string_view flag_deleted = "\\Deleted";
inline constexpr std::string_view flag_draft = "\\Draft";
inline constexpr std::string_view flag_forwarded = "$Forwarded";

// Canonical, sorted and deduplicated copy; drops \Recent, empty names and names with
// spaces or control characters (they cannot be stored or sent back as atoms).
flag_set normalize_flags(const flag_set& flags);
bool has_flag(const flag_set& flags, std::string_view flag);
flag_set add_flags(const flag_set& to, const flag_set& add);
flag_set remove_flags(const flag_set& from, const flag_set& remove);

// Maildir info letters (cr.yp.to/proto/maildir.html; sorted ASCII): D=\Draft F=\Flagged
// P=$Forwarded R=\Answered S=\Seen T=\Deleted. Other keywords live in the index only.
std::string maildir_letters(const flag_set& flags);
// The flags the letters stand for (unknown letters are ignored).
flag_set flags_from_letters(std::string_view letters);
// Replaces the flags that have a letter by those in `letters`; keeps other keywords.
flag_set merge_letters(const flag_set& flags, std::string_view letters);

// Text form used by the index: flags joined by single spaces.
std::string join_flags(const flag_set& flags);
flag_set split_flags(std::string_view text);

}  // namespace l7::mail
