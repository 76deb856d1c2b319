// libFuzzer target: what the SMTP server does with a client's bytes before any I/O. The input
// is a client's byte stream; lines go through the command framer and the argument parsers,
// and after a DATA line the rest goes through the DATA reader. Checks:
// - MAIL/RCPT: a parsed path formats back (text()) to an address that parses to the same
//   mailbox (RFC 5321 §4.1.2); parameters within their limits; NOTIFY=NEVER alone;
// - xtext decode/encode round trip (RFC 3461 §4);
// - the DATA reader: the same content, bytes used and end for every split of the input (a
//   hash of the input picks the cut); output only CRLF line ends; the end is CRLF "." CRLF
//   and nothing else (RFC 5321 §4.1.1.4: no smuggling variant ends it); stuffing what came
//   out and reading it again gives it back, with its bare CRs as CRLF (a client sends no bare
//   CR, RFC 5321 §2.3.8) and a line end after an unfinished last line.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/command_line.hpp"
#include "core/sasl.hpp"
#include "smtp/codec/command.hpp"
#include "core/dot_stuffing.hpp"
#include "smtp/codec/data_reader.hpp"

namespace {

using namespace l7::smtp;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "smtp fuzz: invariant broken: %s\n", what);
  std::abort();
}
void check(bool ok, const char* what) {
  if (!ok) fail(what);
}

std::uint64_t hash_of(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  return h;
}

void check_path(const mailbox& m, bool utf8) {
  if (m.empty()) return;
  mailbox again;
  check(!parse_mailbox(m.text(), utf8, again), "a parsed mailbox does not parse again");
  check(again.local == m.local && again.domain == m.domain, "mailbox changed on a round trip");
  check(m.local.size() <= 64 && m.domain.size() <= 255, "mailbox over the RFC 5321 lengths");
}

void check_line(std::string_view line) {
  auto cmd = l7::split_command(line, 8);
  if (!cmd) return;
  const offered all;
  switch (verb_of(cmd->verb)) {
    case verb::mail: {
      mail_from m;
      if (!parse_mail_from(cmd->argument, all, m)) {
        check_path(m.from, m.smtputf8);
        check(m.envid.size() <= 100, "ENVID over 100");
      }
      break;
    }
    case verb::rcpt: {
      rcpt_to r;
      if (!parse_rcpt_to(cmd->argument, all, true, r)) {
        if (!r.postmaster || !r.to.domain.empty()) check_path(r.to, true);
        check(!(r.notify & notify_never) || r.notify == notify_never, "NOTIFY=NEVER with others");
      }
      break;
    }
    case verb::auth: {
      std::string mech;
      std::optional<std::string> initial;
      if (!parse_auth(cmd->argument, mech, initial) && initial) (void)l7::decode_plain(*initial);
      break;
    }
    default: break;
  }
  if (auto x = xtext_decode(line)) check(xtext_decode(xtext_encode(*x)) == x, "xtext round trip");
}

struct data_run {
  std::string content;
  std::size_t used = 0;
  bool done = false;
};

data_run read_data(std::string_view in, std::size_t cut) {
  data_reader r;
  data_run out;
  out.used = r.feed(in.substr(0, cut), out.content);
  if (!r.done()) out.used += r.feed(in.substr(cut), out.content);
  out.done = r.done();
  return out;
}

void check_data(std::string_view in) {
  const auto whole = read_data(in, in.size());
  const auto split = read_data(in, in.empty() ? 0 : hash_of(in) % (in.size() + 1));
  check(whole.content == split.content && whole.used == split.used && whole.done == split.done,
        "DATA differs when split");
  if (whole.done) {
    check(whole.used >= 3 && in.substr(whole.used - 3, 3) == ".\r\n", "DATA ended without \".CRLF\"");
    check(whole.used == 3 || (whole.used >= 5 && in.substr(whole.used - 5, 2) == "\r\n"),
          "DATA ended after something other than CRLF");
  } else {
    check(whole.used == in.size(), "DATA left input unused before its end");
  }
  for (std::size_t i = 0; i < whole.content.size(); ++i)
    if (whole.content[i] == '\n') check(i > 0 && whole.content[i - 1] == '\r', "bare LF in DATA output");
  std::string wire;
  l7::dot_stuff(whole.content, wire);
  const auto again = read_data(wire, wire.size());
  check(again.done && again.used == wire.size(), "stuffed content does not end where it should");
  std::string expected;
  for (std::size_t i = 0; i < whole.content.size(); ++i) {
    const bool bare_cr = whole.content[i] == '\r' && (i + 1 == whole.content.size() || whole.content[i + 1] != '\n');
    expected += bare_cr ? std::string_view("\r\n") : std::string_view(&whole.content[i], 1);
  }
  // A last line without its end (the input stopped inside it) gets one.
  if (!expected.empty() && !expected.ends_with("\r\n")) expected += "\r\n";
  check(again.content == expected, "stuffed content does not read back");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  l7::command_framer framer(512, true);
  std::string_view rest = input;
  while (!rest.empty()) {
    auto r = framer.next(rest);
    if (r.status == l7::line_status::need_more) break;
    if (r.status == l7::line_status::ok) {
      check_line(r.line);
      if (auto cmd = l7::split_command(r.line, 8); cmd && verb_of(cmd->verb) == verb::data) {
        rest.remove_prefix(r.consumed);
        check_data(rest);
        break;
      }
    }
    check(r.consumed > 0, "framer made no progress");
    rest.remove_prefix(r.consumed);
  }
  return 0;
}
