// Field lines of a head or trailer section (RFC 9112 §5). Internal to the parser.
#pragma once

#include <string_view>
#include <system_error>

#include "http/codec/message.hpp"
#include "http/codec/parser.hpp"

namespace l7::http::detail {

// Takes the next line off a complete section: up to LF, without the LF and one CR before it.
std::string_view take_line(std::string_view& rest);

// Parses the field lines in `rest` up to the empty line that ends the section, appending them
// to `out`. Errors: bad_header_name, bad_header_value, obs_fold, too_many_headers.
void parse_field_lines(std::string_view rest, const limits& l, fields& out, std::error_code& ec);

}  // namespace l7::http::detail
