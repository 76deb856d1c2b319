// POP3 commands (RFC 1939 §3-§7, CAPA RFC 2449, STLS RFC 2595, AUTH RFC 5034, UTF8 RFC 6856)
// and responses: "+OK text" / "-ERR [RESP-CODE] text" (RFC 2449 §8, RFC 3206), multi-line
// bodies dot-stuffed (core/dot_stuffing.hpp). Framing lines is core/command_line's job.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace l7::pop3 {

enum class verb { user, pass, apop, stat, list, retr, dele, noop, rset, quit, top, uidl, capa, stls,
                  auth, utf8, unknown };
verb verb_of(std::string_view upper_case_verb);

// RFC 1939 §3: a message number is 1-based and at most the maildrop's count; arguments are
// at most 40 characters. nullopt when `arg` is not a decimal number in [1, 2^31).
std::optional<std::uint32_t> message_number(std::string_view arg);

// TOP's "msg n" (§7): the message number and a count of body lines (0 allowed).
bool parse_top(std::string_view arg, std::uint32_t& msg, std::uint32_t& lines);

// Response codes of RFC 2449 §8 and RFC 3206.
enum class resp_code { none, in_use, login_delay, sys_temp, sys_perm, auth, utf8 };

// Appends "+OK text\r\n" or "-ERR [CODE] text\r\n" (CR and LF in text become spaces).
void append_ok(std::string& out, std::string_view text);
void append_err(std::string& out, std::string_view text, resp_code code = resp_code::none);

// The part of a message TOP sends (§7): the header section, the blank line, and the first
// `lines` lines of the body. A message without a blank line is all header.
std::string_view top_of(std::string_view message, std::uint32_t lines);

}  // namespace l7::pop3
