// Folder and user names (internal). Folder names in the API are UTF-8 with '.' as the
// hierarchy separator; on disk a folder is the Maildir++ directory "." + modified UTF-7 of
// its name (RFC 3501 §5.1.3), as Dovecot's default layout has it. "INBOX" (any case) is the
// Maildir root.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace l7::mail::detail {

inline constexpr char hierarchy_separator = '.';

bool is_inbox(std::string_view name);
// ".<mutf7>" for a valid non-INBOX name: UTF-8 without control characters or '/', no empty
// component, no leading component "INBOX" (INBOX has no inferiors here), at most 200 bytes.
std::optional<std::string> dir_name_of(std::string_view name);
// The UTF-8 folder name of a directory entry ".<mutf7>", nullopt when it is not a folder name.
std::optional<std::string> folder_of_dir(std::string_view dir_name);
// The names of the superiors of `name` ("A.B.C" -> "A", "A.B").
std::vector<std::string> parents_of(std::string_view name);
// RFC 6154 SPECIAL-USE attribute for well-known top-level names ("" when none).
std::string special_use_of(std::string_view name);

}  // namespace l7::mail::detail
