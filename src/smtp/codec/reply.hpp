// Server replies with enhanced status codes (RFC 5321 §4.2, RFC 2034, RFC 3463): "250 2.1.0
// Ok". Multi-line replies repeat the code on every line (§4.2.1), written by core/numeric_reply.
#pragma once

#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace l7::smtp {

// Appends one reply. `enhanced` ("2.1.0") may be empty (the greeting, 220/221 per RFC 2034 §3
// may go without); CR and LF in `text` become spaces.
void append_reply(std::string& out, int code, std::string_view enhanced, std::string_view text);
// A multi-line reply: every line gets the code; `enhanced` goes before every line's text.
void append_reply(std::string& out, int code, std::string_view enhanced, const std::vector<std::string>& lines);

struct reply_code {
  int code;
  std::string_view enhanced;
};
// The reply for a codec error (see error.hpp); for codes of other categories, 501 5.5.4.
reply_code reply_for(const std::error_code& ec);

}  // namespace l7::smtp
