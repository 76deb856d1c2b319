// libFuzzer target: what the POP3 server does with a client's bytes and a maildrop's messages
// before any I/O. The input is both a command stream and a message. Checks:
// - message_number / parse_top: accepted numbers are 1..2^31-1 and format back to the same
//   text when the argument had no leading zeros (RFC 1939 §3);
// - top_of: a prefix of the message that ends at a line end (or the message's end), holds the
//   whole header section, and no more than n body lines after it (§7);
// - responses: one line each, "+OK"/"-ERR", whatever the text holds.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/command_line.hpp"
#include "pop3/codec/command.hpp"

namespace {

using namespace l7::pop3;

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "pop3 fuzz: invariant broken: %s\n", what);
  std::abort();
}

void check_top(std::string_view message, std::uint32_t lines) {
  auto top = top_of(message, lines);
  check(top.data() == message.data() && top.size() <= message.size(), "TOP is not a prefix");
  check(top.size() == message.size() || top.back() == '\n', "TOP does not end at a line end");
  // Count the body lines after the first empty line.
  std::size_t pos = 0;
  bool in_body = false;
  std::uint32_t body_lines = 0;
  while (pos < top.size()) {
    auto eol = top.find('\n', pos);
    auto line = top.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    pos = eol == std::string_view::npos ? top.size() : eol + 1;
    if (in_body) ++body_lines;
    else if (line.empty() || line == "\r") in_body = true;
  }
  check(body_lines <= lines, "TOP sent more body lines than asked");
}

void check_line(std::string_view line) {
  auto cmd = l7::split_command(line, 8);
  if (!cmd) return;
  (void)verb_of(cmd->verb);
  if (auto n = message_number(cmd->argument)) {
    check(*n >= 1 && *n < (1u << 31), "message number out of range");
    if (cmd->argument.front() != '0') check(std::to_string(*n) == cmd->argument, "message number text");
  }
  std::uint32_t msg = 0, lines = 0;
  if (parse_top(cmd->argument, msg, lines)) check(msg >= 1, "TOP message 0");
  std::string out;
  append_ok(out, line);
  append_err(out, line, resp_code::sys_temp);
  std::size_t breaks = 0;
  for (char c : out) breaks += c == '\n';
  check(breaks == 2, "a response took more than one line");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  l7::command_framer framer(255, true);
  std::string_view rest = input;
  while (!rest.empty()) {
    auto r = framer.next(rest);
    if (r.status == l7::line_status::need_more) break;
    if (r.status == l7::line_status::ok) check_line(r.line);
    check(r.consumed > 0, "framer made no progress");
    rest.remove_prefix(r.consumed);
  }
  for (std::uint32_t lines : {0u, 1u, 3u, 1000u}) check_top(input, lines);
  return 0;
}
