// Server responses as a client reads them (RFC 9051 §7, §9 "response"): one complete response
// (command_reader with limits.server_output frames them, literals in place) parsed into its
// tag, kind, status and response code, or its name and data as a tree of generic values that
// the client interprets per response (FETCH items, LIST, ESEARCH, ...).
// Errors: error::syntax, too_deep, nul_byte (make_error_code(error)).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "imap/codec/encode.hpp"

namespace l7::imap {

// One data item: NIL, a number, an atom (flags, "BODY[1.MIME]<0>" with its brackets), a string
// (quoted or literal, unescaped), or a parenthesized list.
struct value {
  enum class kind { nil, number, atom, string, list };
  kind type = kind::nil;
  std::string text;        // atom or string
  std::uint64_t number = 0;
  std::vector<value> items;  // list
  bool binary = false;       // a literal8
};

struct response {
  enum class kind { continuation, status, data };
  kind type = kind::data;
  std::string tag;      // "*" untagged, "+" continuation, else the command's tag
  status_kind status = status_kind::ok;  // kind::status
  std::string code;     // resp-text-code without brackets: "UIDNEXT 4392"
  std::string text;     // human-readable text (status, continuation)
  std::optional<std::uint32_t> number;  // "* 23 EXISTS": 23
  std::string name;     // data: upper-cased ("EXISTS", "FETCH", "CAPABILITY", "LIST")
  std::vector<value> values;  // data: what follows the name
};

void parse_response(std::string_view raw, response& out, std::error_code& ec,
                    std::size_t max_depth = 32);

}  // namespace l7::imap
