// FTP pathnames on the control connection.
//  - 257 replies quote the name and double any '"' inside it (RFC 959 Appendix II).
//  - A name may hold a CR only as "CR NUL" on the wire (RFC 959 Appendix II / Telnet); NUL
//    and CR are refused in names here instead, so that a name never breaks the line framing.
//  - A command's argument is relative to the working directory unless it starts with '/'.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace l7::ftp {

// "/a \"b\"" -> "\"/a \"\"b\"\"\"".
std::string quote_pathname(std::string_view path);
// A 257 reply's text -> the pathname between the first quote and its closing quote, with
// doubled quotes undone; nullopt when there is no quoted name.
std::optional<std::string> unquote_pathname(std::string_view text);

// `arg` taken from the working directory `cwd` ("/" or "/a/b"): an absolute arg replaces it.
// The result still holds "." and ".." segments: the jail normalizes it.
std::string join_path(std::string_view cwd, std::string_view arg);

// True for names that cannot be sent back on the control connection as they are.
bool unsafe_pathname(std::string_view name);

}  // namespace l7::ftp
