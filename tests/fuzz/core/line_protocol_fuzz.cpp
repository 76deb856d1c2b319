// libFuzzer target: the shared line-protocol pieces (core/numeric_reply, core/command_line).
// The input is fed to the reply parser whole and in two pieces (split at a data-derived
// offset); both must agree. Parsed replies must survive encode -> parse. The command framer
// must always make progress and never hand out a line over its limit.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/command_line.hpp"
#include "core/numeric_reply.hpp"

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "line protocol fuzz: %s\n", what);
    std::abort();
  }
}

struct outcome {
  bool done = false;
  std::error_code ec;
  l7::numeric_reply reply;
  std::size_t used = 0;
};

outcome parse_in_pieces(std::string_view in, std::size_t cut) {
  outcome o;
  l7::reply_parser p({.max_line = 64, .max_lines = 16});
  std::string buf(in.substr(0, cut));
  std::size_t fed = cut;
  for (;;) {
    auto n = p.parse(buf, o.ec);
    o.used += n;
    buf.erase(0, n);
    if (p.done() || o.ec || fed == in.size()) break;
    buf.append(in.substr(fed));
    fed = in.size();
  }
  o.done = p.done();
  o.reply = p.reply();
  return o;
}

void check_replies(std::string_view in) {
  auto whole = parse_in_pieces(in, in.size());
  auto split = parse_in_pieces(in, in.empty() ? 0 : static_cast<unsigned char>(in[0]) % in.size());
  check(whole.done == split.done && whole.ec == split.ec, "split changed the outcome");
  if (!whole.done) return;
  check(whole.used == split.used && whole.reply.lines == split.reply.lines, "split changed the reply");
  std::string again;
  l7::encode_reply(whole.reply, again);
  l7::reply_parser p({.max_line = 1 << 20, .max_lines = 1 << 20});
  std::error_code ec;
  p.parse(again, ec);
  check(!ec && p.done() && p.reply().code == whole.reply.code, "encode -> parse");
  check(p.reply().lines.size() == whole.reply.lines.size(), "line count after encode");
}

void check_commands(std::string_view in) {
  l7::command_framer f(32, in.size() % 2 == 0);
  while (!in.empty()) {
    auto r = f.next(in);
    check(r.consumed <= in.size(), "consumed more than given");
    if (r.status == l7::line_status::ok) {
      check(r.line.size() <= 32, "line over the limit");
      if (auto c = l7::split_command(r.line)) check(!c->verb.empty() && c->verb.size() <= 8, "verb");
    }
    if (r.consumed == 0) break;  // need_more with nothing to skip
    in.remove_prefix(r.consumed);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  check_replies(in);
  check_commands(in);
  return 0;
}
