#include "pop3/codec/command.hpp"

#include <array>
#include <utility>

#include "core/text.hpp"

namespace l7::pop3 {
namespace {

void append_text(std::string& out, std::string_view text) {
  for (char c : text) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
  out += "\r\n";
}

}  // namespace

verb verb_of(std::string_view v) {
  static constexpr std::array<std::pair<std::string_view, verb>, 16> verbs{{
      {"USER", verb::user}, {"PASS", verb::pass}, {"APOP", verb::apop}, {"STAT", verb::stat},
      {"LIST", verb::list}, {"RETR", verb::retr}, {"DELE", verb::dele}, {"NOOP", verb::noop},
      {"RSET", verb::rset}, {"QUIT", verb::quit}, {"TOP", verb::top},   {"UIDL", verb::uidl},
      {"CAPA", verb::capa}, {"STLS", verb::stls}, {"AUTH", verb::auth}, {"UTF8", verb::utf8}}};
  for (const auto& [name, value] : verbs)
    if (name == v) return value;
  return verb::unknown;
}

std::optional<std::uint32_t> message_number(std::string_view arg) {
  if (arg.empty() || arg.size() > 10) return std::nullopt;
  auto n = parse_uint(arg);
  if (!n || *n == 0 || *n >= (1u << 31)) return std::nullopt;
  return static_cast<std::uint32_t>(*n);
}

bool parse_top(std::string_view arg, std::uint32_t& msg, std::uint32_t& lines) {
  auto words = split(arg, ' ');
  if (words.size() != 2) return false;
  auto m = message_number(words[0]);
  auto n = words[1].size() <= 10 ? parse_uint(words[1]) : std::nullopt;
  if (!m || !n || *n >= (1u << 31)) return false;
  msg = *m;
  lines = static_cast<std::uint32_t>(*n);
  return true;
}

void append_ok(std::string& out, std::string_view text) {
  out += text.empty() ? "+OK" : "+OK ";
  append_text(out, text);
}

void append_err(std::string& out, std::string_view text, resp_code code) {
  out += "-ERR ";
  switch (code) {
    case resp_code::none: break;
    case resp_code::in_use: out += "[IN-USE] "; break;
    case resp_code::login_delay: out += "[LOGIN-DELAY] "; break;
    case resp_code::sys_temp: out += "[SYS/TEMP] "; break;
    case resp_code::sys_perm: out += "[SYS/PERM] "; break;
    case resp_code::auth: out += "[AUTH] "; break;
    case resp_code::utf8: out += "[UTF8] "; break;
  }
  append_text(out, text);
}

std::string_view top_of(std::string_view message, std::uint32_t lines) {
  // The end of the header section: the first empty line (CRLF CRLF, or LF LF in files that
  // other programs wrote).
  std::size_t pos = 0;
  std::size_t body = std::string_view::npos;
  while (pos < message.size()) {
    auto eol = message.find('\n', pos);
    if (eol == std::string_view::npos) break;
    std::string_view line = message.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.empty() || line == "\r") {
      body = pos;
      break;
    }
  }
  if (body == std::string_view::npos) return message;
  pos = body;
  for (std::uint32_t i = 0; i < lines && pos < message.size(); ++i) {
    auto eol = message.find('\n', pos);
    pos = eol == std::string_view::npos ? message.size() : eol + 1;
  }
  return message.substr(0, pos);
}

}  // namespace l7::pop3
