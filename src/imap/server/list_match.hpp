// LIST patterns (RFC 9051 §6.3.9): "*" matches any run of characters, "%" any run without the
// hierarchy separator ('.'). Names are UTF-8; "INBOX" and names under it match
// case-insensitively in their first five characters (§5.1: INBOX is case-insensitive).
// Sans-I/O.
#pragma once

#include <string>
#include <string_view>

namespace l7::imap::server {

inline constexpr char hierarchy_separator = '.';

// The pattern LIST uses for a reference and a mailbox pattern (§6.3.9: the reference is
// prefixed, a separator added between them when neither gives one).
std::string list_pattern(std::string_view reference, std::string_view pattern);

bool list_matches(std::string_view pattern, std::string_view name);

// Would some inferior of `name` match `pattern` ("%" stops at a level: LIST-EXTENDED's
// CHILDINFO and LSUB's \Noselect parents)?
bool list_matches_inferior(std::string_view pattern, std::string_view name);

}  // namespace l7::imap::server
