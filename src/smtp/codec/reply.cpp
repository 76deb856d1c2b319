#include "smtp/codec/reply.hpp"

#include "core/numeric_reply.hpp"
#include "smtp/codec/error.hpp"

namespace l7::smtp {

void append_reply(std::string& out, int code, std::string_view enhanced, std::string_view text) {
  numeric_reply r{code, {}};
  r.lines.emplace_back(enhanced.empty() ? std::string(text) : std::string(enhanced) + " " + std::string(text));
  encode_reply(r, out, reply_style::every_line);
}

void append_reply(std::string& out, int code, std::string_view enhanced, const std::vector<std::string>& lines) {
  numeric_reply r{code, {}};
  for (const auto& l : lines) r.lines.push_back(enhanced.empty() ? l : std::string(enhanced) + " " + l);
  if (r.lines.empty()) r.lines.emplace_back(enhanced);
  encode_reply(r, out, reply_style::every_line);
}

reply_code reply_for(const std::error_code& ec) {
  if (ec.category() != category()) return {501, "5.5.4"};
  switch (static_cast<error>(ec.value())) {
    case error::syntax: return {500, "5.5.2"};
    case error::line_too_long: return {500, "5.5.6"};
    case error::bad_arguments: return {501, "5.5.4"};
    case error::bad_address: return {501, "5.1.3"};
    case error::address_too_long: return {501, "5.1.3"};
    case error::unknown_parameter: return {555, "5.5.4"};
    case error::bad_parameter: return {501, "5.5.4"};
    case error::utf8_not_allowed: return {553, "5.6.7"};
    case error::message_too_large: return {552, "5.3.4"};
    case error::bad_base64: return {501, "5.5.2"};
  }
  return {501, "5.5.4"};
}

}  // namespace l7::smtp
