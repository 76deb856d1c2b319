// libFuzzer target: what the IMAP server does with a client's bytes before any I/O. Checks:
// - command_reader gives the same events whole, split at an input-chosen offset, and fed one
//   byte at a time (RFC 9051 §2.2 framing, literals of §4.3 / RFC 7888);
// - a parsed command keeps its tag; its sequence sets format and parse back to themselves;
//   its mailbox names survive modified UTF-7 encoding and decoding;
// - any byte string, written by append_string / append_astring, parses back to itself;
// - the same bytes framed as server output parse as responses without crashing, and a status
//   response written by append_status parses back to its tag, code and text.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "imap/codec/encode.hpp"
#include "mail/codec/mutf7.hpp"
#include "imap/codec/reader.hpp"
#include "imap/codec/response.hpp"

namespace {

using namespace l7::imap;

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "imap fuzz: invariant broken: %s\n", what);
  std::abort();
}

l7::imap::limits fuzz_limits() {
  l7::imap::limits l;
  l.max_line = 512;
  l.max_literal = 1024;
  l.max_command = 4096;
  return l;
}

std::vector<std::string> run(const std::vector<std::string_view>& chunks) {
  command_reader r(fuzz_limits());
  std::vector<std::string> events;
  for (auto chunk : chunks) {
    for (;;) {
      std::error_code ec;
      auto n = r.parse(chunk, ec);
      check(n <= chunk.size(), "consumed more than given");
      chunk.remove_prefix(n);
      auto e = r.last_event();
      if (e == command_reader::event::need_more) {
        check(chunk.empty(), "need_more with bytes left");
        break;
      }
      std::string ev(1, static_cast<char>('0' + static_cast<int>(e)));
      if (e == command_reader::event::error) ev += std::to_string(ec.value()) + ":" + std::string(r.tag());
      else ev += std::string(r.raw());
      events.push_back(std::move(ev));
      if (e == command_reader::event::command && r.raw().find(" IDLE\r") != std::string_view::npos) r.read_line();
    }
  }
  return events;
}

void check_set(const sequence_set& set) {
  auto text = format_sequence_set(set);
  auto again = parse_sequence_set(text);
  check(again && *again == set, "sequence set does not round trip");
}

void check_mailbox(const std::string& name) {
  auto encoded = l7::mail::encode_mutf7(name);
  if (!encoded) return;  // not UTF-8: nothing to encode
  auto back = l7::mail::decode_mutf7(*encoded);
  check(back && *back == name, "mailbox name does not round trip through modified UTF-7");
}

void check_command(std::string_view raw, bool utf8) {
  command c;
  std::error_code ec;
  parse_options o;
  o.utf8 = utf8;
  parse_command(raw, o, c, ec);
  if (ec) return;
  check(!c.tag.empty(), "command without a tag");
  if (auto* f = std::get_if<fetch>(&c.args)) check_set(f->set);
  if (auto* s = std::get_if<store>(&c.args)) check_set(s->set);
  if (auto* cp = std::get_if<copy>(&c.args)) {
    check_set(cp->set);
    check_mailbox(cp->mailbox);
  }
  if (auto* s = std::get_if<select_mailbox>(&c.args)) check_mailbox(s->mailbox);
  if (auto* m = std::get_if<mailbox_arg>(&c.args)) check_mailbox(m->mailbox);
}

void check_string(std::string_view value, bool utf8) {
  if (value.find('\0') != std::string_view::npos) return;  // only literal8 carries NUL
  std::string raw = "t LOGIN ";
  append_astring(raw, value, utf8);
  raw += ' ';
  append_string(raw, value, utf8);
  raw += "\r\n";
  command c;
  std::error_code ec;
  parse_options o;
  o.utf8 = utf8;
  parse_command(raw, o, c, ec);
  check(!ec, "an encoded string does not parse");
  const auto& l = std::get<login>(c.args);
  check(l.user == value && l.password == value, "an encoded string parses to another value");
}

void check_responses(std::string_view input) {
  auto l = fuzz_limits();
  l.server_output = true;
  command_reader r(l);
  while (!input.empty()) {
    std::error_code ec;
    input.remove_prefix(r.parse(input, ec));
    if (r.last_event() != command_reader::event::command) continue;
    response resp;
    parse_response(r.raw(), resp, ec);
  }
}

void check_status(std::string_view text) {
  auto code = text.substr(0, text.size() / 2);
  auto words = text.substr(code.size());
  for (char c : text)
    if (c == ']' || c == '\r' || c == '\n' || c == '\0') return;
  if (code.find('[') != std::string_view::npos || words.empty() || words.front() == ' ') return;
  if (code.empty() && words.front() == '[') return;
  std::string out;
  append_status(out, "t", status_kind::no, code, words);
  response resp;
  std::error_code ec;
  parse_response(out, resp, ec);
  check(!ec, "a status response does not parse");
  check(resp.tag == "t" && resp.status == status_kind::no, "status response tag or kind");
  check(resp.code == code && resp.text == words, "status response code or text");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto whole = run({input});
  std::size_t at = size == 0 ? 0 : data[0] % (size + 1);
  check(run({input.substr(0, at), input.substr(at)}) == whole, "a split changed the events");
  if (size <= 1024) {
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < size; ++i) bytes.push_back(input.substr(i, 1));
    check(run(bytes) == whole, "byte-at-a-time feeding changed the events");
  }
  for (const auto& e : whole)
    if (e[0] == '0' + static_cast<int>(command_reader::event::command)) {
      check_command(std::string_view(e).substr(1), false);
      check_command(std::string_view(e).substr(1), true);
    }
  check_string(input.substr(0, 256), false);
  check_string(input.substr(0, 256), true);
  check_responses(input);
  check_status(input.substr(0, 128));
  return 0;
}
