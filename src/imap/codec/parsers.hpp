// Internal: the argument parsers of each command family. Each starts right after the command
// name (at its SP or the final CRLF) and fills out.args; errors are left in the cursor.
#pragma once

#include "imap/codec/command.hpp"
#include "imap/codec/cursor.hpp"

namespace l7::imap::detail {

// mailbox_commands.cpp
void parse_select(cursor& c, command& out);
void parse_create(cursor& c, command& out);
void parse_mailbox_arg(cursor& c, command& out);
void parse_rename(cursor& c, command& out);
void parse_list(cursor& c, command& out);
void parse_status(cursor& c, command& out);
void parse_append(cursor& c, command& out);
std::optional<status_item> status_item_of(std::string_view upper);
// search.cpp
void parse_search(cursor& c, command& out);
void parse_sort(cursor& c, command& out);
void parse_thread(cursor& c, command& out);
// fetch.cpp
void parse_fetch(cursor& c, command& out);
void parse_store(cursor& c, command& out);
void parse_copy(cursor& c, command& out);
void parse_uid_expunge(cursor& c, command& out);

}  // namespace l7::imap::detail
